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
import { lbfgs } from '../sim/optimize/lbfgs.ts';
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

export async function runExampleFit(
  device: GPUDevice,
  adapter: string,
  request: ExampleFitRequest,
  onProgress: (progress: FitProgress) => void,
  signal: AbortSignal,
  now: () => number = () => performance.now(),
): Promise<FitOutcome<ExampleFitResult>> {
  if (!Number.isInteger(request.iterations) || request.iterations < 1 || request.iterations > 500)
    return {
      status: 'failed',
      reason: 'bad_request',
      message: `iterations must be 1…500, got ${request.iterations}`,
    };
  const started = now();
  const { plan, data, inputs, truth, stateBudget } = example(request);
  const model = await compileModel(device, plan);
  try {
    const fit = modelFit(model, { data, inputs, stateBudget });
    let lossStart = NaN;
    // Stop once an iteration gains less than 1e-6 of the loss: at the optimum float32 rounding
    // leaves the line search nothing to find.
    const stall = new AbortController();
    const stop = () => stall.abort();
    signal.addEventListener('abort', stop);
    let previous = Infinity;
    const result = await lbfgs(fit.objective, fit.start, {
      bounds: fit.bounds,
      maxIterations: request.iterations,
      gradientTolerance: 1e-9,
      maxLineSearchSteps: 10,
      signal: stall.signal,
      onProgress: (p) => {
        if (Number.isNaN(lossStart)) lossStart = p.loss;
        onProgress({
          stage: 'fit',
          iteration: p.iteration,
          maxIterations: request.iterations,
          loss: p.loss,
          gradientNorm: p.gradientNorm,
          elapsedMs: now() - started,
          suspect: -1,
          suspectHealth: NaN,
        });
        if (previous - p.loss < 1e-6 * p.loss) stall.abort();
        previous = p.loss;
      },
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
        parameters: parameterNames(plan).map((name, i) => ({
          name,
          unit: units[i] ?? '',
          start: fit.start[i]!,
          fitted: result.x[i]!,
          truth: truth[i]!,
        })),
        lossStart,
        loss: result.loss,
        iterations: result.iterations,
        evaluations: result.evaluations,
        elapsedMs: now() - started,
        adapter,
      },
    };
  } finally {
    model.destroy();
  }
}
