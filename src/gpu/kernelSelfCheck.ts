import { FootbridgeLoads } from '../twin/footbridgeLoads.ts';
import { STATE_STRIDE, type PackedTruss } from '../twin/trussModel.ts';
import { stepTrussCpu } from '../twin/trussStepCpu.ts';
import { createTrussStepKernel } from './trussStepKernel.ts';

export interface SelfCheckResult {
  /** Max |gpu − cpu| / max |cpu| per field after one step from the same float32 state. */
  readonly displacement: number;
  readonly velocity: number;
  readonly acceleration: number;
  /** Largest displacement in the checked state (m), to show the state was not trivial. */
  readonly displacementScale: number;
}

/** Max relative error of one field (u at 0, v at 4, a at 8) over all nodes. */
export function fieldError(
  gpu: ArrayLike<number>,
  cpu: ArrayLike<number>,
  offset: number,
): { error: number; scale: number } {
  let scale = 0;
  let error = 0;
  for (let i = 0; i < cpu.length; i += STATE_STRIDE) {
    for (let c = 0; c < 3; c++) {
      scale = Math.max(scale, Math.abs(cpu[i + offset + c]!));
      error = Math.max(error, Math.abs(gpu[i + offset + c]! - cpu[i + offset + c]!));
    }
  }
  return { error: scale > 0 ? error / scale : error, scale };
}

/**
 * Runs the WGSL step once on the given device from a moving state (0.5 s of dense pedestrian
 * traffic integrated on the CPU) and compares it with the float64 CPU reference from the same
 * float32 inputs. The simulation worker runs this at start-up; the kernel tests assert on it.
 */
export async function checkTrussKernel(
  device: GPUDevice,
  truss: PackedTruss,
  dt: number,
  substeps: number,
): Promise<SelfCheckResult> {
  const loads = new FootbridgeLoads(truss.nodeCount, { seed: 3, arrivalRate: 10 });
  const load = new Float32Array(truss.nodeCount * 4);
  let state = new Float64Array(truss.nodeCount * STATE_STRIDE);
  let scratch = new Float64Array(state.length);
  for (let s = 0; s < 50; s++) {
    loads.advance(0.01, load);
    for (let k = 0; k < substeps; k++) {
      stepTrussCpu(truss, state, scratch, load, dt);
      [state, scratch] = [scratch, state];
    }
  }
  const start = Float32Array.from(state);
  const kernel = createTrussStepKernel(device, truss, { dt });
  try {
    kernel.writeState(start);
    kernel.writeLoad(load);
    kernel.step(1);
    const gpuState = await kernel.readState();
    const cpu = new Float64Array(state.length);
    stepTrussCpu(truss, Float64Array.from(start), cpu, load, Math.fround(dt));
    const u = fieldError(gpuState, cpu, 0);
    return {
      displacement: u.error,
      velocity: fieldError(gpuState, cpu, 4).error,
      acceleration: fieldError(gpuState, cpu, 8).error,
      displacementScale: u.scale,
    };
  } finally {
    kernel.destroy();
  }
}
