import { generateAdjoint } from '../src/gpu/autodiff/adjoint.ts';
import { checkModule } from '../src/gpu/autodiff/checker.ts';
import { parseWgsl } from '../src/gpu/autodiff/parser.ts';
import { trussStepWgsl } from '../src/gpu/trussStep.wgsl.ts';
import type { CheckpointSchedule } from '../src/sim/checkpointSchedule.ts';
import { trussTrajectoryGradient } from '../src/sim/trussTrajectoryGradient.ts';
import { MEMBER_STRIDE } from '../src/twin/trussModel.ts';
import { lossFromTrace, seedsFromTrace, type BridgeLossProblem } from './bridgeLoss.ts';
import { recordSensorTrace } from './sensorTrace.ts';

export interface BridgeGradient {
  readonly loss: number;
  /** dL/dk, one float per member. */
  readonly stiffness: Float32Array;
}

export interface TwinbenchBridgeGradient extends BridgeGradient {
  /** The forward pass that records the sensors (the seeds depend on it). */
  readonly traceMs: number;
  /** trussTrajectoryGradient: checkpointed forward, reverse sweep, gradient read back. */
  readonly gradientMs: number;
}

/**
 * dL/dk of the bridge loss through Twinbench: the production step kernel records the sensors,
 * their residuals seed the state's adjoint at every step, and trussTrajectoryGradient runs the
 * generated adjoint backwards through the checkpointed trajectory.
 */
export async function twinbenchBridgeGradient(
  device: GPUDevice,
  problem: BridgeLossProblem,
  schedule: CheckpointSchedule,
): Promise<TwinbenchBridgeGradient> {
  const t0 = performance.now();
  const trace = await recordSensorTrace(device, { ...problem, slots: problem.sensors });
  const t1 = performance.now();
  const seeds = seedsFromTrace(problem, trace);
  const g = await trussTrajectoryGradient(device, {
    truss: problem.truss,
    dt: problem.dt,
    load: problem.load,
    initialState: problem.initialState,
    seeds: (step) => seeds[step - 1] ?? null,
    schedule,
  });
  const t2 = performance.now();
  const stiffness = Float32Array.from(
    { length: problem.truss.memberCount },
    (_, m) => g.members[m * MEMBER_STRIDE + 4]!,
  );
  return { loss: lossFromTrace(problem, trace), stiffness, traceMs: t1 - t0, gradientMs: t2 - t1 };
}

/**
 * What trussTrajectoryGradient spends before its first step, on every call: parsing the step
 * kernel, generating its adjoint, and compiling the forward and adjoint pipelines (it keeps no
 * pipeline between calls). Measured alone, the way it does it.
 */
export function twinbenchCompileMs(device: GPUDevice): number {
  const t0 = performance.now();
  const checked = checkModule(parseWgsl(trussStepWgsl, 'trussStep.wgsl'));
  const adjoint = generateAdjoint(checked, 'step', { mode: 'atomic' });
  for (const [code, entryPoint] of [
    [trussStepWgsl, 'step'],
    [adjoint.source, adjoint.entry],
  ] as const) {
    device.createComputePipeline({
      layout: 'auto',
      compute: { module: device.createShaderModule({ code }), entryPoint },
    });
  }
  return performance.now() - t0;
}
