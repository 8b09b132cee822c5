import { createTrussStepKernel } from '../gpu/trussStepKernel.ts';
import type { PackedTruss } from '../twin/trussModel.ts';
import type { SimBackend } from './simBackend.ts';

/** The WGSL step kernel behind the SimBackend interface, on a device the caller owns. */
export function createGpuBackend(device: GPUDevice, truss: PackedTruss, dt: number): SimBackend {
  const kernel = createTrussStepKernel(device, truss, { dt });
  return {
    advance(load, steps) {
      kernel.writeLoad(load);
      kernel.step(steps);
    },
    readState: () => kernel.readState(),
    updateMembers(t) {
      kernel.writeMembers(t.members);
    },
    dispose: () => kernel.destroy(),
  };
}
