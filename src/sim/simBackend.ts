import type { PackedTruss } from '../twin/trussModel.ts';

/** What the simulation runtime needs from a step implementation (WebGPU kernel or CPU). */
export interface SimBackend {
  /** Applies `load` (4 floats per node) and takes `steps` time steps. */
  advance(load: Float32Array, steps: number): void;
  /** Current node state (STATE_STRIDE floats per node). */
  readState(): Promise<Float32Array | Float64Array>;
  /** Replaces the node state (STATE_STRIDE floats per node): a start state, or zeros for rest. */
  writeState(state: Float32Array | Float64Array): void;
  /** Re-reads member stiffness from the truss (after damage changes). */
  updateMembers(truss: PackedTruss): void;
  dispose(): void;
}
