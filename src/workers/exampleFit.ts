/**
 * Fits of the shipped example models with a hidden truth: the heat plate's conductivity field
 * and the PID plant's gains, recorded from their float64 references with noise, then fitted by
 * bounded L-BFGS through the generated adjoints. The fit worker runs them; Node tests drive the
 * same code through Dawn.
 */
import { heatPlateSpec } from '../examples/heatPlate/heatPlateModel.ts';
import { heatPlateWgsl } from '../examples/heatPlate/heatPlateSource.ts';
import {
  heaterSeries,
  hiddenConductivity,
  syntheticHeatPlateData,
} from '../examples/heatPlate/heatPlateTruth.ts';
import { pidPlantSpec } from '../examples/pidPlant/pidPlantModel.ts';
import { pidPlantWgsl } from '../examples/pidPlant/pidPlantSource.ts';
import {
  HIDDEN_GAINS,
  recordedResponse,
  setpointSeries,
} from '../examples/pidPlant/pidPlantTruth.ts';
import { compileModel } from '../runtime/compiledModel.ts';
import { modelFit } from '../runtime/modelObjective.ts';
import { planModel, type ModelPlan } from '../runtime/modelPlan.ts';
import type { ObservationData } from '../runtime/modelSpec.ts';
import { parameterNames } from '../runtime/parameters.ts';
import { adam, type AdamOptions } from '../sim/optimize/adam.ts';
import { lbfgs } from '../sim/optimize/lbfgs.ts';
import type { Bounds, FitResult, Objective, Progress } from '../sim/optimize/types.ts';
import type {
  ExampleFitRequest,
  ExampleFitResult,
  FitOutcome,
  FitProgress,
} from './fitProtocol.ts';

interface Example {
  readonly plan: ModelPlan;
  readonly data: ObservationData;
  readonly inputs: Record<string, Float32Array>;
  readonly truth: Float64Array;
  readonly stateBudget: number;
}

function example(request: ExampleFitRequest): Example {
  if (request.example === 'heat-plate') {
    const steps = 300;
    const plan = planModel(heatPlateSpec(heatPlateWgsl));
    return {
      plan,
      data: syntheticHeatPlateData(plan, { steps, noise: 0.005, seed: request.seed }),
      inputs: { heaters: heaterSeries(steps) },
      truth: hiddenConductivity(),
      stateBudget: 40,
    };
  }
  const steps = 600;
  const plan = planModel(pidPlantSpec(pidPlantWgsl));
  return {
    plan,
    data: recordedResponse(plan, HIDDEN_GAINS, { steps, noise: 0.5, seed: request.seed }),
    inputs: { setpoint: setpointSeries(steps) },
    truth: Float64Array.from([HIDDEN_GAINS.kp, HIDDEN_GAINS.ki, HIDDEN_GAINS.kd]),
    stateBudget: 50,
  };
}

/** Why a request cannot run, in words for the user; null when it can. */
export function checkExampleRequest(
  request: ExampleFitRequest,
  parameterCount: number,
): string | null {
  if (!Number.isInteger(request.iterations) || request.iterations < 1 || request.iterations > 500)
    return `iterations must be 1…500, got ${request.iterations}`;
  const optimiser = request.optimiser;
  if (optimiser?.kind === 'adam' && !(optimiser.learningRate > 0 && optimiser.learningRate <= 1))
    return `Adam's learning rate must be in (0, 1] (a step in bound-scaled parameters), got ${optimiser.learningRate}`;
  const resume = request.resume;
  if (resume) {
    if (resume.stage !== 'fit')
      return `an example fit resumes from stage "fit", not "${resume.stage}"`;
    if (resume.parameters.length !== parameterCount || !resume.parameters.every(Number.isFinite))
      return `the resume point must hold ${parameterCount} finite parameters, got ${resume.parameters.length}`;
    if (!Number.isInteger(resume.iteration) || resume.iteration < 0)
      return `the resume point's iteration must be a whole number ≥ 0, got ${resume.iteration}`;
  }
  return null;
}

/**
 * Adam on parameters scaled to their bounds, so one learning rate suits gains of 10 and
 * conductivities of 0.1 alike: x = lower + u · (upper − lower), u ∈ [0, 1].
 */
function scaledAdam(
  objective: Objective,
  start: Float64Array,
  bounds: Bounds,
  options: Omit<AdamOptions, 'bounds'>,
): Promise<FitResult> {
  const { lower, upper } = bounds;
  const span = lower.map((l, i) => upper[i]! - l);
  const toX = (u: Float64Array) => u.map((v, i) => lower[i]! + v * span[i]!);
  const scaled: Objective = async (u) => {
    const { loss, gradient } = await objective(toX(u));
    return { loss, gradient: gradient.map((g, i) => g * span[i]!) };
  };
  const unit = {
    lower: new Float64Array(start.length),
    upper: new Float64Array(start.length).fill(1),
  };
  const onProgress = options.onProgress;
  return adam(
    scaled,
    start.map((x, i) => (x - lower[i]!) / span[i]!),
    {
      ...options,
      bounds: unit,
      ...(onProgress
        ? { onProgress: (p) => onProgress({ ...p, parameters: toX(p.parameters) }) }
        : {}),
    },
  ).then((result) => ({ ...result, x: toX(result.x) }));
}

export async function runExampleFit(
  device: GPUDevice,
  adapter: string,
  request: ExampleFitRequest,
  onProgress: (progress: FitProgress) => void,
  signal: AbortSignal,
  now: () => number = () => performance.now(),
): Promise<FitOutcome<ExampleFitResult>> {
  const started = now();
  const { plan, data, inputs, truth, stateBudget } = example(request);
  const problem = checkExampleRequest(request, truth.length);
  if (problem !== null) return { status: 'failed', reason: 'bad_request', message: problem };
  const model = await compileModel(device, plan);
  try {
    const fit = modelFit(model, { data, inputs, stateBudget });
    const resume = request.resume;
    const start = resume ? Float64Array.from(resume.parameters) : fit.start;
    const done = resume?.iteration ?? 0;
    const maxIterations = Math.max(1, request.iterations - done);
    const optimiser = request.optimiser ?? { kind: 'lbfgs' };
    let lossStart = NaN;
    // L-BFGS stops once an iteration gains less than 1e-6 of the loss: at the optimum float32
    // rounding leaves the line search nothing to find. Adam runs its iterations.
    const stall = new AbortController();
    const stop = () => stall.abort();
    signal.addEventListener('abort', stop);
    let previous = Infinity;
    const progress = (p: Progress) => {
      if (Number.isNaN(lossStart)) lossStart = p.loss;
      const iteration = done + p.iteration;
      const parameters = Array.from(p.parameters);
      onProgress({
        stage: 'fit',
        iteration,
        maxIterations: request.iterations,
        loss: p.loss,
        gradientNorm: p.gradientNorm,
        elapsedMs: now() - started,
        suspect: -1,
        suspectHealth: NaN,
        resume: { stage: 'fit', iteration, parameters },
      });
      if (optimiser.kind === 'lbfgs' && previous - p.loss < 1e-6 * p.loss) stall.abort();
      previous = p.loss;
    };
    const common = { maxIterations, signal: stall.signal, onProgress: progress };
    const result =
      optimiser.kind === 'adam'
        ? await scaledAdam(fit.objective, start, fit.bounds, {
            ...common,
            learningRate: optimiser.learningRate,
            gradientTolerance: 0,
          })
        : await lbfgs(fit.objective, start, {
            ...common,
            bounds: fit.bounds,
            gradientTolerance: 1e-9,
            maxLineSearchSteps: 10,
          });
    signal.removeEventListener('abort', stop);
    if (signal.aborted) return { status: 'cancelled' };
    const units = plan.parameters.flatMap(({ spec }) =>
      Array.from({ length: spec.count }, () => spec.unit ?? ''),
    );
    return {
      status: 'done',
      result: {
        example: request.example,
        optimiser: optimiser.kind,
        parameters: parameterNames(plan).map((name, i) => ({
          name,
          unit: units[i] ?? '',
          start: fit.start[i]!,
          fitted: result.x[i]!,
          truth: truth[i]!,
        })),
        lossStart,
        loss: result.loss,
        iterations: done + result.iterations,
        evaluations: result.evaluations,
        elapsedMs: now() - started,
        adapter,
      },
    };
  } finally {
    model.destroy();
  }
}
