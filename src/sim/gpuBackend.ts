import { createTrussStepKernel } from '../gpu/trussStepKernel.ts';
import type { PackedTruss } from '../twin/trussModel.ts';
import type { SimBackend } from './simBackend.ts';

/**
 * The WGSL step kernel behind the SimBackend interface, on a device the caller owns. Each
 * `advance` is one submit; writes go through the queue, so a load written between two advances
 * applies to the second only. One `readState` at a time: they share a readback buffer.
 */
export function createGpuBackend(device: GPUDevice, truss: PackedTruss, dt: number): SimBackend {
  const kernel = createTrussStepKernel(device, truss, { dt });
  return {
    advance(load, steps) {
      kernel.writeLoad(load);
      kernel.step(steps);
    },
    readState: () => kernel.readState(),
    writeState(state) {
      kernel.writeState(state instanceof Float32Array ? state : Float32Array.from(state));
    },
    updateMembers(t) {
      kernel.writeMembers(t.members);
    },
    dispose: () => kernel.destroy(),
  };
}
