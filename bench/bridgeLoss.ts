import {
  NODE_STRIDE,
  STATE_STRIDE,
  packTruss,
  stableTimeStep,
  type PackedTruss,
} from '../src/twin/trussModel.ts';
import { buildLattice } from './lattice.ts';
import type { TraceSlot } from './sensorTrace.ts';

/**
 * The runtime bench's loss, the same on both sides: a lattice bridge (bench/lattice.ts, fixed at
 * x = 0) starts at rest under a static load, and over T steps
 *
 *   L = Σ_{t=1..T} Σ_s w_s · (MM · u_t[s])²
 *
 * with u_t[s] the displacement at sensor s (a node and an axis) after step t, in millimetres.
 * Its gradient with respect to every member's stiffness k is what both libraries compute.
 */
export interface BridgeLossProblem {
  readonly truss: PackedTruss;
  readonly dt: number;
  /** 4 floats per node (N): held over every step. */
  readonly load: Float32Array;
  /** STATE_STRIDE floats per node. */
  readonly initialState: Float32Array;
  readonly steps: number;
  readonly sensors: readonly Sensor[];
}

export interface Sensor extends TraceSlot {
  readonly weight: number;
}

/** Displacements are weighed in millimetres, as in src/sim/fit/memberHealthFit.ts. */
export const MM = 1000;

export function buildBridgeLossProblem(
  [nx, ny, nz]: readonly [number, number, number],
  steps: number,
): BridgeLossProblem {
  const truss = packTruss(buildLattice(nx, ny, nz));
  const dt = 0.5 * stableTimeStep(truss);
  // A vertical load that varies from node to node, so no two members see the same history.
  const load = new Float32Array(truss.nodeCount * 4);
  for (let i = 0; i < truss.nodeCount; i++) {
    if (truss.nodeInverseMass[i * NODE_STRIDE + 2] === 0) continue;
    load[i * 4 + 1] = 20 * Math.cos(0.7 * i);
    load[i * 4 + 2] = -100 * (1 + 0.5 * Math.sin(1.3 * i));
  }
  // Vertical and lateral displacement at the four corners of the free end (x = nx − 1).
  const node = (y: number, z: number) => ((nx - 1) * ny + y) * nz + z;
  const sensors: Sensor[] = [
    { node: node(0, nz - 1), axis: 2, weight: 1 },
    { node: node(ny - 1, nz - 1), axis: 2, weight: 2 },
    { node: node(0, 0), axis: 1, weight: 0.5 },
    { node: node(ny - 1, 0), axis: 2, weight: 1 },
  ];
  return {
    truss,
    dt,
    load,
    initialState: new Float32Array(truss.nodeCount * STATE_STRIDE),
    steps,
    sensors,
  };
}

/** L from the sensor trace (steps × sensors displacements in m), summed in float64. */
export function lossFromTrace(problem: BridgeLossProblem, trace: Float32Array): number {
  const { sensors } = problem;
  let loss = 0;
  for (let t = 0; t < problem.steps; t++) {
    sensors.forEach((sensor, s) => {
      const mm = MM * trace[t * sensors.length + s]!;
      loss += sensor.weight * mm * mm;
    });
  }
  return loss;
}

/** dL/d(state_t) for t = 1…T, as Twinbench's trajectory gradient takes them. */
export function seedsFromTrace(problem: BridgeLossProblem, trace: Float32Array): Float32Array[] {
  const { sensors, truss } = problem;
  return Array.from({ length: problem.steps }, (_, t) => {
    const seed = new Float32Array(truss.nodeCount * STATE_STRIDE);
    sensors.forEach((sensor, s) => {
      const slot = sensor.node * STATE_STRIDE + sensor.axis;
      seed[slot] = seed[slot]! + 2 * sensor.weight * MM * MM * trace[t * sensors.length + s]!;
    });
    return seed;
  });
}
