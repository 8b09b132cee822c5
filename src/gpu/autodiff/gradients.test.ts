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

describe('deterministic accumulation', () => {
  // 256 springs all landing on 8 nodes: heavy contention on every gradient element.
  const options = {
    workgroups: [32, 1, 1] as const,
    arrayLength: 256,
    integers: {
      springs: (slot: number) =>
        slot % 4 === 0 ? (slot / 4) % 8 : ((((slot - 1) / 4) % 8) + 3) % 8,
    },
    ranges: { springs: [0.5, 1.5] as const },
  };

  it('gives bitwise-identical gradients run after run, and atomic mode agrees with it to 1e-5', (ctx) =>
    withGpu(ctx, async (device) => {
      const p = prepareCheck(kernel('scatterSprings'), { ...options, file: 'scatterSprings.wgsl' });
      const first = await gpuAdjoint(device, p, 'deterministic');
      const second = await gpuAdjoint(device, p, 'deterministic');
      for (const name of Object.keys(first)) {
        expect(Array.from(second[name]!), `${name} differs between runs`).toEqual(
          Array.from(first[name]!),
        );
      }
      for (const r of compare(await gpuAdjoint(device, p, 'atomic'), first)) {
        expect(r.scale).toBeGreaterThan(1);
        expect(r.maxRelError, JSON.stringify(r)).toBeLessThan(1e-5);
      }
      for (const r of compare(first, cpuAdjoint(p)))
        expect(r.maxRelError, JSON.stringify(r)).toBeLessThan(1e-5);
    }));
});
