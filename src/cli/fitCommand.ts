import { parseCsvTable } from '../runtime/manifest/csvTable.ts';
import { readInputCsv } from '../runtime/manifest/inputCsv.ts';
import { readObservationCsv } from '../runtime/manifest/observationCsv.ts';
import { compileModel, type CompiledModel } from '../runtime/compiledModel.ts';
import { modelFit } from '../runtime/modelObjective.ts';
import { planModel, type ModelPlan } from '../runtime/modelPlan.ts';
import { stepsForData } from '../runtime/observationLoss.ts';
import { adam } from '../sim/optimize/adam.ts';
import { lbfgs } from '../sim/optimize/lbfgs.ts';
import type { FitResult, Progress, StopReason } from '../sim/optimize/types.ts';
import { onePositional, positiveNumber, readArgs, UsageError, wholeNumber } from './cliArgs.ts';
import { EXIT, type CommandContext } from './commandContext.ts';
import { reportFailure } from './commandFailure.ts';
import { f64Value, table } from './jsonValues.ts';
import { loadModel, readInputFile } from './loadModel.ts';

export const FIT_USAGE = `usage: twinbench fit MODEL.yaml --data FILE.csv [--inputs FILE.csv] [--optimizer lbfgs|adam]
                     [--iterations N] [--seed S] [--budget STATES] [--json]
  --data FILE.csv       measurements: header time, channel names (the observables' channels)
  --inputs FILE.csv     input channels; default: read from the --data file when its header has
                        them, else each input buffer's initial row
  --optimizer NAME      lbfgs (default; bounded L-BFGS) or adam (projected onto the bounds)
  --iterations N        most iterations (default 100 for lbfgs, 500 for adam)
  --tolerance R         lbfgs stops when an iteration lowers the loss by less than R · loss
                        (default 1e-5, reason "stalled"): below that float32 rounding decides
  --learning-rate LR    adam's step size (default: 1 % of the narrowest parameter range)
  --budget STATES       states the gradient may hold on the GPU at once (checkpointing);
                        default: every state of the window
  --seed S              recorded in the result (default 0). The fit has no randomness: L-BFGS
                        and Adam are deterministic from the manifest's start, so the same files
                        give the same result on the same GPU adapter
  --json                print one JSON object instead of a table
Progress goes to stderr, one line per iteration. Ctrl-C stops after the iteration in flight
and prints the best parameters so far with reason "cancelled" (exit 130).`;

const FLAGS = {
  data: { type: 'string' },
  inputs: { type: 'string' },
  optimizer: { type: 'string' },
  iterations: { type: 'string' },
  tolerance: { type: 'string' },
  'learning-rate': { type: 'string' },
  budget: { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** Why the fit stopped: the optimiser's reasons, or `stalled` (see --tolerance). */
export type FitStopReason = StopReason | 'stalled';

export interface FittedParameter {
  readonly unit: string | null;
  readonly lower: number;
  readonly upper: number;
  /** Scalars for a one-element slice, else one value per element. */
  readonly start: number | readonly number[];
  readonly fitted: number | readonly (number | null)[] | null;
}

/** What `twinbench fit --json` prints. */
export interface FitReport {
  readonly model: string;
  readonly manifest: string;
  readonly data: string;
  /** Where the input series came from: a file, `"data"` (the --data file) or null (initial rows). */
  readonly inputs: string | null;
  readonly adapter: string;
  readonly optimizer: 'lbfgs' | 'adam';
  readonly settings: {
    readonly maxIterations: number;
    readonly tolerance?: number;
    readonly learningRate?: number;
    readonly stateBudget: number | null;
  };
  readonly seed: number;
  readonly randomness: 'none';
  readonly parameters: Readonly<Record<string, FittedParameter>>;
  readonly loss: { readonly start: number | null; readonly final: number | null };
  readonly iterations: number;
  readonly evaluations: number;
  readonly reason: FitStopReason;
  /** Steps simulated per evaluation and observations compared. */
  readonly steps: number;
  readonly observations: number;
  /** States held on the GPU at once by the gradient (see --budget). */
  readonly peakStates: number | null;
  readonly timing: { readonly compileMs: number; readonly fitMs: number; readonly wallMs: number };
}

/**
 * `twinbench fit MODEL.yaml --data FILE.csv …`: fits the manifest's parameters to the data by
 * the GPU gradient. Exit 0 when the optimiser stopped by itself, 2 for bad arguments, manifest
 * or data, 1 when the fit failed, 130 when cancelled (the best result so far is printed).
 */
export async function fitCommand(args: readonly string[], ctx: CommandContext): Promise<number> {
  const started = performance.now();
  let job;
  try {
    job = await prepare(args, ctx.err);
  } catch (error) {
    return reportFailure('fit', error, ctx.err, FIT_USAGE);
  }
  const gpu = await ctx.gpu();
  if (!gpu.ok) {
    ctx.err(`twinbench fit: no GPU device: ${gpu.reason}`);
    return EXIT.failed;
  }
  const { plan, settings } = job;
  let model: CompiledModel | undefined;
  try {
    const compileStart = performance.now();
    model = await compileModel(gpu.device, plan);
    const fitStart = performance.now();
    let startLoss: number | undefined;
    let peakStates: number | undefined;
    const fit = modelFit(model, {
      data: job.data,
      steps: job.steps,
      ...(job.inputs ? { inputs: job.inputs } : {}),
      ...(settings.stateBudget === null ? {} : { stateBudget: settings.stateBudget }),
      onEvaluation: (_x, g) => {
        startLoss ??= g.loss;
        peakStates = g.peakStates;
      },
    });
    // Ctrl-C and the stall rule both stop the optimiser through one signal; `stalled` tells them apart.
    const stop = new AbortController();
    const onCancel = () => stop.abort();
    ctx.signal?.addEventListener('abort', onCancel, { once: true });
    if (ctx.signal?.aborted) stop.abort();
    let stalled = false;
    let previous = Infinity;
    const onProgress = (p: Progress) => {
      ctx.err(progressLine(plan, p));
      if (settings.tolerance !== undefined && previous - p.loss < settings.tolerance * p.loss) {
        stalled = true;
        stop.abort();
      }
      previous = p.loss;
    };
    let result: FitResult;
    try {
      result =
        job.optimizer === 'lbfgs'
          ? await lbfgs(fit.objective, fit.start, {
              bounds: fit.bounds,
              maxIterations: settings.maxIterations,
              // At the optimum a float32 loss leaves the line search nothing to find; 10 halvings
              // (step 1/1024) are plenty before that, and each costs a full gradient.
              maxLineSearchSteps: 10,
              signal: stop.signal,
              onProgress,
            })
          : await adam(fit.objective, fit.start, {
              bounds: fit.bounds,
              maxIterations: settings.maxIterations,
              learningRate: settings.learningRate!,
              signal: stop.signal,
              onProgress,
            });
    } finally {
      ctx.signal?.removeEventListener('abort', onCancel);
    }
    const cancelled = result.reason === 'cancelled' && !stalled;
    const reason: FitStopReason =
      result.reason === 'cancelled' && stalled ? 'stalled' : result.reason;
    const done = performance.now();
    const report: FitReport = {
      model: plan.spec.name,
      manifest: job.manifest,
      data: job.dataFile,
      inputs: job.inputsFrom,
      adapter: gpu.adapter,
      optimizer: job.optimizer,
      settings,
      seed: job.seed,
      randomness: 'none',
      parameters: parameterReport(plan, fit.start, result),
      loss: { start: f64Value(startLoss ?? Number.NaN), final: f64Value(result.loss) },
      iterations: result.iterations,
      evaluations: result.evaluations,
      reason,
      steps: job.steps,
      observations: job.data.steps.length,
      peakStates: peakStates ?? null,
      timing: {
        compileMs: ms(fitStart - compileStart),
        fitMs: ms(done - fitStart),
        wallMs: ms(done - started),
      },
    };
    if (job.json) ctx.out(JSON.stringify(report));
    else printFit(report, ctx.out);
    return cancelled ? EXIT.cancelled : EXIT.ok;
  } catch (error) {
    return reportFailure('fit', error, ctx.err);
  } finally {
    model?.destroy();
  }
}

async function prepare(args: readonly string[], err: (text: string) => void) {
  const { positionals, values } = readArgs(args, FLAGS);
  const manifest = onePositional(positionals, 'manifest (MODEL.yaml)');
  if (values.data === undefined) throw new UsageError('give --data FILE.csv, the measurements');
  const optimizer = values.optimizer ?? 'lbfgs';
  if (!isOptimizer(optimizer))
    throw new UsageError(`--optimizer is "${optimizer}": choose lbfgs or adam`);
  const maxIterations = wholeNumber(
    values.iterations,
    'iterations',
    1,
    optimizer === 'lbfgs' ? 100 : 500,
  );
  const seed = wholeNumber(values.seed, 'seed', 0, 0);
  const stateBudget = wholeNumber(values.budget, 'budget', 2) ?? null;
  const tolerance =
    values.tolerance === '0' ? 0 : positiveNumber(values.tolerance, 'tolerance', 1e-5)!;
  if (optimizer === 'adam' && values.tolerance !== undefined)
    throw new UsageError('--tolerance is for lbfgs; adam runs its --iterations');
  if (optimizer === 'lbfgs' && values['learning-rate'] !== undefined)
    throw new UsageError('--learning-rate is for adam; lbfgs finds its own steps');
  const spec = await loadModel(manifest);
  if (spec.parameters.length === 0)
    throw new UsageError(
      `${manifest} declares no parameters, so there is nothing to fit — add a parameters: section`,
    );
  const plan = planModel(spec);
  const dataText = await readInputFile(values.data, 'the data');
  const data = readObservationCsv(dataText, spec, values.data);
  const steps = stepsForData(plan, data);
  let inputs: Record<string, Float32Array> | undefined;
  let inputsFrom: string | null = null;
  if (values.inputs !== undefined) {
    const text = await readInputFile(values.inputs, 'the inputs');
    inputs = readInputCsv(text, spec, { steps, file: values.inputs });
    inputsFrom = values.inputs;
  } else if (spec.inputs.length > 0) {
    const header = parseCsvTable(dataText, values.data).header;
    if (spec.inputs.some((i) => header.includes(i.channel))) {
      // Missing input channels are named by readInputCsv's error.
      inputs = readInputCsv(dataText, spec, { steps, file: values.data });
      inputsFrom = 'data';
    } else {
      err(
        `twinbench fit: note: ${values.data} has none of the input channels (${spec.inputs.map((i) => i.channel).join(', ')}); the inputs keep their initial rows — give --inputs FILE.csv to feed them`,
      );
    }
  }
  const settings: FitReport['settings'] =
    optimizer === 'lbfgs'
      ? { maxIterations, tolerance, stateBudget }
      : {
          maxIterations,
          learningRate:
            positiveNumber(values['learning-rate'], 'learning-rate') ?? defaultLearningRate(plan),
          stateBudget,
        };
  return {
    manifest,
    plan,
    data,
    dataFile: values.data,
    steps,
    inputs,
    inputsFrom,
    optimizer,
    seed,
    settings,
    json: values.json ?? false,
  };
}

const isOptimizer = (name: string): name is FitReport['optimizer'] =>
  name === 'lbfgs' || name === 'adam';

/** Adam moves each parameter by about the learning rate per step: 1 % of the narrowest range. */
function defaultLearningRate(plan: ModelPlan): number {
  return 0.01 * Math.min(...plan.parameters.map((p) => p.spec.upper - p.spec.lower));
}

function parameterReport(
  plan: ModelPlan,
  start: Float64Array,
  result: FitResult,
): Record<string, FittedParameter> {
  return Object.fromEntries(
    plan.parameters.map(({ spec: p, offset }) => {
      const slice = (x: Float64Array) => Array.from(x.subarray(offset, offset + p.count));
      const fitted = slice(result.x).map(f64Value);
      return [
        p.name,
        {
          unit: p.unit ?? null,
          lower: p.lower,
          upper: p.upper,
          start: p.count === 1 ? start[offset]! : slice(start),
          fitted: p.count === 1 ? fitted[0]! : fitted,
        },
      ];
    }),
  );
}

/** `iteration 7  loss 1.234e+3  |g| 5.6e+1  2.3 s  kp 20.1 ki 7.9 kd 3.0` (names up to 6 values). */
function progressLine(plan: ModelPlan, p: Progress): string {
  const values =
    p.parameters.length <= 6
      ? `  ${plan.parameters
          .flatMap(({ spec, offset }) =>
            Array.from({ length: spec.count }, (_, i) => {
              const name = spec.count === 1 ? spec.name : `${spec.name}[${i}]`;
              return `${name} ${Number(p.parameters[offset + i]!.toPrecision(5))}`;
            }),
          )
          .join(' ')}`
      : '';
  return `iteration ${p.iteration}  loss ${p.loss.toExponential(4)}  |g| ${p.gradientNorm.toExponential(2)}  ${(p.elapsedMs / 1000).toFixed(1)} s${values}`;
}

const ms = (v: number) => Math.round(v * 10) / 10;

function printFit(r: FitReport, out: (text: string) => void) {
  const loss = (v: number | null) => (v === null ? 'not finite' : v.toExponential(4));
  out(
    `${r.model}: ${r.optimizer} stopped (${r.reason}) after ${r.iterations} iterations, ${r.evaluations} evaluations in ${(r.timing.fitMs / 1000).toFixed(1)} s on ${r.adapter}`,
  );
  out(
    `loss ${loss(r.loss.start)} → ${loss(r.loss.final)} over ${r.observations} observations (${r.steps} steps per evaluation, ${r.peakStates ?? '–'} states held)`,
  );
  const rows: (string | number | null)[][] = [];
  for (const [name, p] of Object.entries(r.parameters)) {
    const starts = typeof p.start === 'number' ? [p.start] : p.start;
    const fitted = p.fitted === null || typeof p.fitted === 'number' ? [p.fitted] : p.fitted;
    starts.forEach((s, i) =>
      rows.push([
        starts.length === 1 ? name : `${name}[${i}]`,
        p.unit ?? '',
        s,
        fitted[i] === null || fitted[i] === undefined ? null : Number(fitted[i].toPrecision(6)),
        p.lower,
        p.upper,
      ]),
    );
  }
  out('');
  for (const line of table([['parameter', 'unit', 'start', 'fitted', 'lower', 'upper'], ...rows]))
    out(`  ${line}`);
}
