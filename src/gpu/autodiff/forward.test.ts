import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withGpu } from '../testing/requireGpu.ts';
import { decodeAccumulation, encodeAccumulation } from './accumulation.ts';
import { checkModule } from './checker.ts';
import { compileCpu } from './cpuBackend.ts';
import { bytesToSlots, slotsToBytes } from './cpuBuffers.ts';
import { KernelError } from './errors.ts';
import { forwardKernel } from './forward.ts';
import { bindingsOf, runOnGpu } from './gpuRunner.ts';
import { parseWgsl } from './parser.ts';
import { prepareCheck } from './gradcheck.ts';

const SCATTER = readFileSync(new URL('./kernels/scatterSprings.wgsl', import.meta.url), 'utf8');
const NODES = 8;
const SPRINGS = 512;

/** 512 springs on 8 nodes: every node receives 128 contributions from racing threads. */
function scatterCase() {
  const p = prepareCheck(SCATTER, {
    workgroups: [SPRINGS / 8, 1, 1],
    arrayLength: SPRINGS,
    integers: {
      springs: (slot) =>
        slot % 4 === 0 ? (slot / 4) % NODES : ((((slot - 1) / 4) % NODES) + 3) % NODES,
    },
    ranges: { springs: [0.5, 1.5] },
  });
  const bytes = Object.fromEntries(
    p.checked.bindings.map((b) => [
      b.name,
      slotsToBytes(
        b.type.kind === 'array' ? { ...b.type, length: SPRINGS } : b.type,
        p.inputs[b.name]!,
      ),
    ]),
  );
  const cpu = Object.fromEntries(Object.entries(p.inputs).map(([k, v]) => [k, v.slice()]));
  compileCpu(p.checked).run('main', cpu, p.options.workgroups);
  return { p, bytes, reference: cpu.force! };
}

describe('forward kernels with scatter (+= from many threads)', () => {
  it('rewrites float accumulations into compare-exchange adds, matching the CPU every run', (ctx) =>
    withGpu(ctx, async (device) => {
      const { p, bytes, reference } = scatterCase();
      const kernel = forwardKernel(p.checked, { mode: 'atomic' });
      expect(kernel.accumulated).toEqual(['force']);
      expect(kernel.source).toContain('var<storage, read_write> force: array<atomic<u32>>');
      const scale = Math.max(...reference.map(Math.abs));
      for (let run = 0; run < 3; run++) {
        const out = await runOnGpu(
          device,
          bindingsOf(p.checked, 'main'),
          'scatter',
          kernel.source,
          'main',
          bytes,
          p.options.workgroups,
        );
        const force = decodeAccumulation(out.force!, 'atomic');
        const error = Math.max(...force.map((x, i) => Math.abs(x - reference[i]!)));
        expect(error / scale, `run ${run}`).toBeLessThan(1e-5);
      }
      // The kernel as written races; report what it does here (SwiftShader), without asserting.
      const raw = await runOnGpu(
        device,
        bindingsOf(p.checked, 'main'),
        'scatter (as written)',
        SCATTER,
        'main',
        bytes,
        p.options.workgroups,
      );
      const lost = bytesToSlots(p.checked.bindings[2]!.type, raw.force!);
      console.info(
        `as written, max error ${Math.max(...lost.map((x, i) => Math.abs(x - reference[i]!))) / scale} of the force scale`,
      );
    }));

  it('gives bitwise-identical results in deterministic mode', (ctx) =>
    withGpu(ctx, async (device) => {
      const { p, bytes, reference } = scatterCase();
      const kernel = forwardKernel(p.checked, { mode: 'deterministic' });
      const runs = [];
      for (let run = 0; run < 2; run++) {
        const withRoom = {
          ...bytes,
          force: encodeAccumulation(new Float32Array(bytes.force!), 'deterministic'),
        };
        runs.push(
          new Uint32Array(
            (
              await runOnGpu(
                device,
                bindingsOf(p.checked, 'main'),
                'scatter',
                kernel.source,
                'main',
                withRoom,
                p.options.workgroups,
              )
            ).force!,
          ),
        );
      }
      expect(Array.from(runs[1]!)).toEqual(Array.from(runs[0]!));
      const force = decodeAccumulation(runs[0]!.buffer, 'deterministic');
      const scale = Math.max(...reference.map(Math.abs));
      expect(Math.max(...force.map((x, i) => Math.abs(x - reference[i]!))) / scale).toBeLessThan(
        1e-5,
      );
    }));

  it('refuses an integer scatter with a gather fix', () => {
    const checked = checkModule(
      parseWgsl(`
@group(0) @binding(0) var<storage, read> ids: array<u32>;
@group(0) @binding(1) var<storage, read_write> counts: array<u32>;
@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  counts[ids[gid.x]] += 1u;
}`),
    );
    expect(() => forwardKernel(checked, { mode: 'atomic' })).toThrow(KernelError);
    expect(() => forwardKernel(checked, { mode: 'atomic' })).toThrow(
      /6:3: \+= into u32 elements .* restructure as a gather/,
    );
  });
});
