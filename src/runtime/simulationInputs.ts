import { ModelError } from './modelError.ts';
import type { ModelPlan } from './modelPlan.ts';
import type { InputSpec } from './modelSpec.ts';
import { contentsArray, initialContents, type Contents, type Precision } from './bufferContents.ts';
import { parameterContents } from './parameters.ts';

/** What a run or a gradient starts from; everything not given comes from the ModelSpec. */
export interface SimulationArgs {
  /** The parameter vector, in ParameterSpec order (see `initialParameters`). */
  readonly parameters?: Float64Array;
  /** State 0 of some state buffers (`length` values each); the rest start from `initial`. */
  readonly initialState?: Readonly<Record<string, ArrayLike<number>>>;
  /**
   * Input series: per input buffer, at least `steps` rows of `length` values, row t read at
   * step t (see `inputSeries`). Buffers not given repeat their initial row.
   */
  readonly inputs?: Readonly<Record<string, ArrayLike<number>>>;
}

/** Buffer contents for a run of `steps` steps: parameters, state 0 and full input series. */
export interface ResolvedArgs {
  readonly parameters: ReadonlyMap<string, Contents>;
  readonly initialState: ReadonlyMap<string, Contents>;
  readonly series: ReadonlyMap<string, Contents>;
}

/** `f32` rounds values as the GPU holds them; `f64` keeps them (the CPU reference). */
export function resolveArgs(
  plan: ModelPlan,
  steps: number,
  args: SimulationArgs,
  precision: Precision = 'f32',
): ResolvedArgs {
  const fail = (problem: string): never => {
    throw new ModelError('bad_argument', `model "${plan.spec.name}": ${problem}`);
  };
  if (!Number.isInteger(steps) || steps < 1)
    fail(`steps is ${steps}. Give a positive whole number`);
  const initialState = new Map<string, Contents>();
  const series = new Map<string, Contents>();
  for (const name of Object.keys(args.initialState ?? {}))
    if (plan.buffers.get(name)?.role !== 'state')
      fail(`initialState names "${name}", which is not a state buffer. Name state buffers only`);
  for (const name of Object.keys(args.inputs ?? {}))
    if (plan.buffers.get(name)?.role !== 'input')
      fail(`inputs names "${name}", which is not an input buffer. Name input buffers only`);
  for (const b of plan.spec.buffers) {
    if (b.role === 'state') {
      const contents = initialContents(b, precision);
      const given = args.initialState?.[b.name];
      if (given) {
        if (given.length !== b.length)
          fail(
            `initialState.${b.name} has ${given.length} values; the buffer has ${b.length}. Give one per element`,
          );
        contents.set(given);
      }
      initialState.set(b.name, contents);
    } else if (b.role === 'input') {
      const row = initialContents(b, precision);
      const all = contentsArray(b.type, steps * b.length, precision);
      const given = args.inputs?.[b.name];
      if (given) {
        if (given.length < steps * b.length)
          fail(
            `inputs.${b.name} has ${given.length} values; ${steps} steps of width ${b.length} need ${steps * b.length}. Give a row per step`,
          );
        for (let i = 0; i < all.length; i++) all[i] = given[i]!;
      } else {
        for (let t = 0; t < steps; t++) all.set(row, t * b.length);
      }
      series.set(b.name, all);
    }
  }
  return { parameters: parameterContents(plan, args.parameters, precision), initialState, series };
}

/**
 * Input series from per-step channel values: column `column` of buffer `buffer` gets channel
 * `channel` of each InputSpec; columns without a channel repeat the buffer's initial row.
 *
 * @example inputSeries(plan, 300, { heater0: power0, heater1: power1 }) // { heaters: 300×2 }
 */
export function inputSeries(
  plan: ModelPlan,
  steps: number,
  channels: Readonly<Record<string, ArrayLike<number>>>,
): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const b of plan.spec.buffers) {
    if (b.role !== 'input' || b.type !== 'f32') continue;
    const row = initialContents(b);
    const all = new Float32Array(steps * b.length);
    for (let t = 0; t < steps; t++) all.set(row, t * b.length);
    out[b.name] = all;
  }
  for (const input of plan.spec.inputs) {
    const values = channels[input.channel];
    const all = out[input.buffer];
    if (!values || !all) continue;
    if (values.length < steps)
      throw new ModelError(
        'bad_argument',
        `model "${plan.spec.name}": channel ${input.channel} has ${values.length} values for ${steps} steps. Give one per step (see resampleChannel)`,
      );
    const width = plan.buffers.get(input.buffer)!.length;
    for (let t = 0; t < steps; t++) all[t * width + input.column] = values[t]!;
  }
  return out;
}

/**
 * A channel's samples (times in seconds, increasing) resampled at the start of each step
 * (t · dt), as its InputSpec says: `hold` keeps the last sample, `linear` interpolates. Before
 * the first sample the first value holds; after the last, the last.
 */
export function resampleChannel(
  times: ArrayLike<number>,
  values: ArrayLike<number>,
  dt: number,
  steps: number,
  interpolation: InputSpec['interpolation'],
): Float64Array {
  const out = new Float64Array(steps);
  if (times.length === 0) return out.fill(Number.NaN);
  let k = 0;
  for (let t = 0; t < steps; t++) {
    const time = t * dt;
    while (k + 1 < times.length && times[k + 1]! <= time) k++;
    const t0 = times[k]!;
    const v0 = values[k]!;
    if (time <= t0 || k + 1 >= times.length || interpolation === 'hold') {
      out[t] = time < t0 ? values[0]! : v0;
      continue;
    }
    const t1 = times[k + 1]!;
    out[t] = v0 + ((values[k + 1]! - v0) * (time - t0)) / (t1 - t0);
  }
  return out;
}
