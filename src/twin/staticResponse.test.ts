import { describe, expect, it } from 'vitest';
import { buildFootbridge } from './footbridge.ts';
import { FootbridgeLoads } from './footbridgeLoads.ts';
import { footbridgeTimeStep } from './footbridgeSim.ts';
import { STATE_STRIDE, packTruss, setMemberHealth } from './trussModel.ts';
import { stepTrussCpu } from './trussStepCpu.ts';
import { staticState } from './staticResponse.ts';

describe('staticState', () => {
  it('is an equilibrium of the explicit step: a second of steps from it barely moves', () => {
    const truss = packTruss(buildFootbridge());
    setMemberHealth(truss, 7, 0.4);
    const { dt, substeps } = footbridgeTimeStep(truss, 100);
    const load = new Float64Array(truss.nodeCount * 4);
    new FootbridgeLoads(truss.nodeCount, { seed: 1, arrivalRate: 8 }).advance(0.01, load);
    let state: Float64Array = staticState(truss, load);
    const start = state.slice();
    let next: Float64Array = new Float64Array(state.length);
    for (let s = 0; s < 100 * substeps; s++) {
      stepTrussCpu(truss, state, next, load, dt);
      [state, next] = [next, state];
    }
    let scale = 0;
    let drift = 0;
    for (let i = 0; i < state.length; i += STATE_STRIDE)
      for (let c = 0; c < 3; c++) {
        scale = Math.max(scale, Math.abs(start[i + c]!));
        drift = Math.max(drift, Math.abs(state[i + c]! - start[i + c]!));
      }
    expect(scale).toBeGreaterThan(1e-5);
    // Only the linearisation is left to ring out (displacements are a millionth of the span).
    expect(drift / scale).toBeLessThan(1e-3);
  });
});
