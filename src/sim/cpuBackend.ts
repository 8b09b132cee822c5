import { STATE_STRIDE, type PackedTruss } from '../twin/trussModel.ts';
import { stepTrussCpu } from '../twin/trussStepCpu.ts';
import type { SimBackend } from './simBackend.ts';

/** The float64 CPU step behind the SimBackend interface: the fallback without WebGPU. */
export function createCpuBackend(truss: PackedTruss, dt: number): SimBackend {
  let state = new Float64Array(truss.nodeCount * STATE_STRIDE);
  let scratch = new Float64Array(state.length);
  return {
    advance(load, steps) {
      for (let s = 0; s < steps; s++) {
        stepTrussCpu(truss, state, scratch, load, dt);
        [state, scratch] = [scratch, state];
      }
    },
    readState() {
      return Promise.resolve(state.slice());
    },
    writeState(next) {
      state.set(next);
    },
    updateMembers() {
      /* the CPU step reads the truss tables directly */
    },
    dispose() {},
  };
}
