import { readInputCsv } from '../runtime/manifest/inputCsv.ts';
import { compileModel, type CompiledModel } from '../runtime/compiledModel.ts';
import { planModel } from '../runtime/modelPlan.ts';
import { onePositional, readArgs, wholeNumber } from './cliArgs.ts';
import { EXIT, type CommandContext } from './commandContext.ts';
import { reportFailure } from './commandFailure.ts';
import { f32Values, summarise, table, type Summary } from './jsonValues.ts';
import { loadModel, readInputFile } from './loadModel.ts';
import { observedEvery } from './observedEvery.ts';

export const RUN_USAGE = `usage: twinbench run MODEL.yaml [--steps N] [--inputs FILE.csv] [--every K] [--json]
  --steps N          steps to run (default: the manifest's steps)
  --inputs FILE.csv  input channels (header: time, channel names); default: each input
                     buffer's initial row at every step
  --every K          record the observables after every K steps (default: the manifest's loss.every)
  --json             print one JSON object instead of tables`;

/** What `twinbench run --json` prints. */
export interface RunReport {
  readonly model: string;
  readonly manifest: string;
  readonly adapter: string;
  /** Steps run: those asked for, or fewer when cancelled. */
  readonly steps: number;
  readonly dt: number;
  readonly cancelled: boolean;
  readonly observations: {
    readonly every: number;
    /** Step counts after which each value was recorded (time = step · dt). */
    readonly steps: readonly number[];
    /** Observable name → its values (after `scale`) at those steps. */
    readonly values: Readonly<Record<string, readonly (number | null)[]>>;
  };
  /** Per state buffer, after the last step. */
  readonly finalState: Readonly<Record<string, Summary>>;
  readonly timing: { readonly compileMs: number; readonly runMs: number; readonly wallMs: number };
}

const FLAGS = {
  steps: { type: 'string' },
  inputs: { type: 'string' },
  every: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/**
 * `twinbench run MODEL.yaml …`: runs the model forward on the GPU and prints its observables
 * and final state. Exit 0, or 2 for bad arguments, manifest or inputs, 1 when the run fails,
 * 130 when cancelled (the steps run so far are still printed).
 */
export async function runCommand(args: readonly string[], ctx: CommandContext): Promise<number> {
  const started = performance.now();
  let prepared;
  try {
    prepared = await prepare(args);
  } catch (error) {
    return reportFailure('run', error, ctx.err, RUN_USAGE);
  }
  const { manifest, plan, steps, inputs, json } = prepared;
  const { spec } = plan;
  const gpu = await ctx.gpu();
  if (!gpu.ok) {
    ctx.err(`twinbench run: no GPU device: ${gpu.reason}`);
    return EXIT.failed;
  }
  let model: CompiledModel | undefined;
  try {
    const compileStart = performance.now();
    model = await compileModel(gpu.device, plan);
    const runStart = performance.now();
    const result = await model.run({
      steps,
      ...(inputs ? { inputs } : {}),
      // Without a reader of the state, a run is one submission; with a signal it goes in
      // chunks so Ctrl-C stops it between them.
      ...(ctx.signal
        ? { signal: ctx.signal, onState: () => {}, stateEvery: Math.max(1, Math.ceil(steps / 16)) }
        : {}),
    });
    const done = performance.now();
    const report: RunReport = {
      model: spec.name,
      manifest,
      adapter: gpu.adapter,
      steps: result.steps,
      dt: spec.dt,
      cancelled: result.steps < steps,
      observations: {
        every: spec.loss.every,
        steps: result.observations.steps,
        values: Object.fromEntries(
          Object.entries(result.observations.values).map(([name, v]) => [name, f32Values(v)]),
        ),
      },
      finalState: Object.fromEntries(
        Object.entries(result.finalState).map(([name, v]) => [name, summarise(v)]),
      ),
      timing: {
        compileMs: ms(runStart - compileStart),
        runMs: ms(done - runStart),
        wallMs: ms(done - started),
      },
    };
    if (json) ctx.out(JSON.stringify(report));
    else printRun(report, ctx.out);
    if (report.cancelled)
      ctx.err(`twinbench run: cancelled after ${report.steps} of ${steps} steps`);
    return report.cancelled ? EXIT.cancelled : EXIT.ok;
  } catch (error) {
    return reportFailure('run', error, ctx.err);
  } finally {
    model?.destroy();
  }
}

async function prepare(args: readonly string[]) {
  const { positionals, values } = readArgs(args, FLAGS);
  const manifest = onePositional(positionals, 'manifest (MODEL.yaml)');
  const steps = wholeNumber(values.steps, 'steps', 1);
  const every = wholeNumber(values.every, 'every', 1);
  const loaded = await loadModel(manifest);
  const spec = every === undefined ? loaded : observedEvery(loaded, every);
  // Plan here, before asking for a GPU: a model the runtime refuses is bad input.
  const plan = planModel(spec);
  const runSteps = steps ?? spec.steps;
  const inputs =
    values.inputs === undefined
      ? undefined
      : readInputCsv(await readInputFile(values.inputs, 'the inputs'), spec, {
          steps: runSteps,
          file: values.inputs,
        });
  return { manifest, plan, steps: runSteps, inputs, json: values.json ?? false };
}

const ms = (v: number) => Math.round(v * 10) / 10;

function printRun(r: RunReport, out: (text: string) => void) {
  const seconds = (n: number) => `${Number((n * r.dt).toPrecision(6))} s`;
  out(
    `${r.model}: ${r.steps} steps of ${r.dt} s (${seconds(r.steps)}) on ${r.adapter}; compiled in ${r.timing.compileMs} ms, ran in ${r.timing.runMs} ms`,
  );
  const steps = r.observations.steps;
  const names = Object.keys(r.observations.values);
  if (steps.length === 0 || names.length === 0) {
    out('\nno observations (the model has no observables, or the run was shorter than --every)');
  } else {
    out(
      `\nobservables: ${steps.length} values each, after every ${r.observations.every} steps (${seconds(steps[0]!)} … ${seconds(steps[steps.length - 1]!)})`,
    );
    const rows = names.map((name) => {
      const v = r.observations.values[name]!;
      const s = summarise(v.map((x) => x ?? Number.NaN));
      return [name, v[0] ?? null, v[v.length - 1] ?? null, s.min, s.max, s.mean];
    });
    for (const line of table([['name', 'first', 'last', 'min', 'max', 'mean'], ...rows]))
      out(`  ${line}`);
  }
  out(`\nfinal state (after ${r.steps} steps):`);
  const rows = Object.entries(r.finalState).map(([name, s]) => [
    name,
    s.length,
    s.min,
    s.max,
    s.mean,
    ...(s.nonFinite ? [`${s.nonFinite} not finite`] : []),
  ]);
  for (const line of table([['buffer', 'length', 'min', 'max', 'mean'], ...rows])) out(`  ${line}`);
}
