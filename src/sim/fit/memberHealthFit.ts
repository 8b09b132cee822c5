import { createTrussStepKernel } from '../../gpu/trussStepKernel.ts';
import { MEMBER_STRIDE, STATE_STRIDE, type PackedTruss } from '../../twin/trussModel.ts';
import { uniformSchedule } from '../checkpointSchedule.ts';
import type { Objective } from '../optimize/types.ts';
import { trussTrajectoryGradient } from '../trussTrajectoryGradient.ts';

/** A displacement sensor: a node and an axis (0 = x, 1 = y, 2 = z). */
export interface DisplacementSensor {
  readonly node: number;
  readonly axis: 0 | 1 | 2;
}

/** Measured displacements (m): one row per sample, one column per sensor. */
export interface DisplacementRecord {
  readonly sensors: readonly DisplacementSensor[];
  /** Time steps between samples (the first sample is after `stepsPerSample` steps). */
  readonly stepsPerSample: number;
  readonly samples: readonly Float64Array[];
}

export interface HealthFitProblem {
  /** The intact truss; fitted members get stiffness k₀·h and dashpot β·k₀·h. */
  readonly truss: PackedTruss;
  readonly dt: number;
  readonly load: Float32Array;
  readonly initialState: Float32Array;
  readonly record: DisplacementRecord;
  /** Members whose health h is fitted, in parameter order. */
  readonly members: readonly number[];
  /** Largest number of states the gradient may hold on the GPU at once. */
  readonly stateBudget: number;
}

/** Residuals are weighed in millimetres, so losses read as mm². */
const MM = 1000;

/** The truss with `health` applied to the fitted members. */
export function withHealth(problem: HealthFitProblem, health: Float64Array): PackedTruss {
  const members = problem.truss.members.slice();
  problem.members.forEach((m, i) => {
    const k = problem.truss.baseStiffness[m]! * health[i]!;
    members[m * MEMBER_STRIDE + 4] = k;
    members[m * MEMBER_STRIDE + 5] = problem.truss.stiffnessDamping * k;
  });
  return { ...problem.truss, members };
}

/**
 * The member-health fit's objective on a GPU device: simulate the window with the production
 * step kernel, compare displacements with the record (sum of squared residuals in mm²), and get
 * dL/dh through the generated adjoint over every step, with checkpointing.
 */
export function memberHealthObjective(device: GPUDevice, problem: HealthFitProblem): Objective {
  const { record } = problem;
  const steps = record.samples.length * record.stepsPerSample;
  const schedule = uniformSchedule(steps, problem.stateBudget);
  return async (health) => {
    const truss = withHealth(problem, health);
    const kernel = createTrussStepKernel(device, truss, { dt: problem.dt });
    kernel.writeState(problem.initialState);
    kernel.writeLoad(problem.load);
    let loss = 0;
    const seeds = new Map<number, Float32Array>();
    const states = await kernel.trace(record.stepsPerSample, record.samples.length);
    states.forEach((state, s) => {
      const seed = new Float32Array(truss.nodeCount * STATE_STRIDE);
      record.sensors.forEach((sensor, j) => {
        const slot = sensor.node * STATE_STRIDE + sensor.axis;
        const residual = MM * (state[slot]! - record.samples[s]![j]!);
        loss += residual * residual;
        seed[slot] = seed[slot]! + 2 * residual * MM;
      });
      seeds.set((s + 1) * record.stepsPerSample, seed);
    });
    kernel.destroy();
    const g = await trussTrajectoryGradient(device, {
      truss,
      dt: problem.dt,
      load: problem.load,
      initialState: problem.initialState,
      seeds: (step) => seeds.get(step) ?? null,
      schedule,
    });
    const gradient = Float64Array.from(problem.members, (m) => {
      const k0 = problem.truss.baseStiffness[m]!;
      return (
        g.members[m * MEMBER_STRIDE + 4]! * k0 +
        g.members[m * MEMBER_STRIDE + 5]! * problem.truss.stiffnessDamping * k0
      );
    });
    return { loss, gradient };
  };
}
