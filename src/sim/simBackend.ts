import type { PackedTruss } from '../twin/trussModel.ts';

/** What the footbridge runner needs from a step implementation (WebGPU kernel or CPU). */
export interface SimBackend {
  /** Applies `load` (4 floats per node) and takes `steps` time steps. */
  advance(load: Float32Array, steps: number): void;
  /** Current node state (STATE_STRIDE floats per node). */
  readState(): Promise<Float32Array | Float64Array>;
  /** Re-reads member stiffness from the truss (after damage changes). */
  updateMembers(truss: PackedTruss): void;
  dispose(): void;
}
