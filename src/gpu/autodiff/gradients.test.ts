import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withGpu } from '../testing/requireGpu.ts';
import { SUITE } from './kernels/suite.ts';
import { compare, cpuAdjoint, finiteDifferences, gpuAdjoint, prepareCheck } from './gradcheck.ts';

const kernel = (name: string) =>
  readFileSync(new URL(`./kernels/${name}.wgsl`, import.meta.url), 'utf8');

describe('adjoint kernels', () => {
  for (const [name, options] of Object.entries(SUITE)) {
    it(`${name}: the float64 CPU adjoint matches central differences to 1e-6`, () => {
      const p = prepareCheck(kernel(name), { ...options, file: `${name}.wgsl` });
      const results = compare(cpuAdjoint(p), finiteDifferences(p));
      for (const r of results) {
        expect(r.scale, `${r.binding} gradient is not trivially zero`).toBeGreaterThan(1e-3);
        expect(r.maxRelError, `${r.binding}: ${JSON.stringify(r)}`).toBeLessThan(1e-6);
      }
    });

    it(`${name}: the GPU adjoint (float32, atomic accumulation) matches the CPU adjoint to 1e-3`, (ctx) =>
      withGpu(ctx, async (device) => {
        const p = prepareCheck(kernel(name), { ...options, file: `${name}.wgsl` });
        const results = compare(await gpuAdjoint(device, p), cpuAdjoint(p));
        for (const r of results)
          expect(r.maxRelError, `${r.binding}: ${JSON.stringify(r)}`).toBeLessThan(1e-3);
      }));
  }
});
