import { describe, expect, it } from 'vitest';
import { buildFootbridge } from '../../twin/footbridge.ts';
import { footbridgeTimeStep } from '../../twin/footbridgeSim.ts';
import { packTruss } from '../../twin/trussModel.ts';
import { withGpu } from '../testing/requireGpu.ts';
import { trussStepWgsl } from '../trussStep.wgsl.ts';
import { checkModule } from './checker.ts';
import { bytesToSlots } from './cpuBuffers.ts';
import {
  compare,
  cpuAdjoint,
  finiteDifferences,
  gpuAdjoint,
  prepareCheck,
  type GradcheckOptions,
} from './gradcheck.ts';
import { parseWgsl } from './parser.ts';

/** The production truss step on the real footbridge: topology and stiffness as packed, moving state at random. */
function footbridgeCheck(): GradcheckOptions {
  const truss = packTruss(buildFootbridge());
  const { dt } = footbridgeTimeStep(truss, 100);
  const checked = checkModule(parseWgsl(trussStepWgsl));
  const typeOf = (name: string) => {
    const b = checked.bindings.find((x) => x.name === name)!.type;
    return b.kind === 'array' && b.length === null ? { ...b, length: 1 << 20 } : b;
  };
  const params = new ArrayBuffer(16);
  new Float32Array(params, 0, 2).set([dt, truss.massDamping]);
  new Uint32Array(params, 8, 1)[0] = truss.nodeCount;
  const slots = (name: string, bytes: ArrayBufferView) =>
    bytesToSlots({ ...typeOf(name), length: null } as never, bytes);
  return {
    workgroups: [1, 1, 1],
    arrayLength: truss.nodeCount,
    arrayLengths: { members: truss.memberCount, incidence: 2 * truss.memberCount },
    fixed: {
      params: bytesToSlots(typeOf('params'), new Uint8Array(params)),
      members: slots('members', truss.members),
      nodeInfo: slots('nodeInfo', truss.nodes),
      incidence: slots('incidence', truss.incidence),
    },
    // Micrometre motions keep elastic forces near the loads, so float64 differences stay well above roundoff.
    ranges: { stateIn: [-1e-5, 1e-5], load: [-2000, 2000] },
  };
}

describe('adjoint of the production truss step (footbridge, 64 nodes, 199 members)', () => {
  it('matches central differences on the CPU for stiffness, loads and state', () => {
    const p = prepareCheck(trussStepWgsl, { ...footbridgeCheck(), file: 'trussStep.wgsl' });
    for (const r of compare(cpuAdjoint(p), finiteDifferences(p))) {
      expect(r.scale, r.binding).toBeGreaterThan(0);
      expect(r.maxRelError, JSON.stringify(r)).toBeLessThan(1e-6);
    }
  });

  it('gives the same gradients on the GPU to 1e-3', (ctx) =>
    withGpu(ctx, async (device) => {
      const p = prepareCheck(trussStepWgsl, { ...footbridgeCheck(), file: 'trussStep.wgsl' });
      for (const r of compare(await gpuAdjoint(device, p), cpuAdjoint(p))) {
        expect(r.maxRelError, JSON.stringify(r)).toBeLessThan(1e-3);
      }
    }));
});
