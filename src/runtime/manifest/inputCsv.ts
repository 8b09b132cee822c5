import type { BufferSpec, InputSpec, ModelSpec } from '../modelSpec.ts';
import { CsvDataError, type CsvIssue } from './csvDataError.ts';
import {
  formatSeconds,
  interpolateLinear,
  lastAtOrBefore,
  readCsvChannels,
  sampledRange,
  type CsvChannel,
} from './csvSeries.ts';

/**
 * Input series for a run: input buffer name → `steps` rows of `length` values, row-major
 * (row t is what the kernels see at step t, time t · dt). Columns bound by `spec.inputs` come
 * from their CSV channel, resampled as the InputSpec says (`linear`, or `hold`: the last
 * sample, kept after the file ends); other columns keep the buffer's initial row.
 * Empty or NaN cells are skipped (the neighbouring samples are used).
 *
 * @example
 * const inputs = readInputCsv(text, spec, { steps: 600, file: 'heaters.csv' });
 */
export function readInputCsv(
  text: string,
  spec: ModelSpec,
  options: { readonly steps?: number; readonly file?: string } = {},
): Record<string, Float32Array> {
  const file = options.file ?? 'inputs.csv';
  const steps = options.steps ?? spec.steps;
  const channels = [...new Set(spec.inputs.map((input) => input.channel))];
  const series = readCsvChannels(text, file, channels, `model "${spec.name}"'s inputs`);
  const tolerance = spec.dt * 1e-6;
  const last = (steps - 1) * spec.dt;
  const issues: CsvIssue[] = [];
  const out: Record<string, Float32Array> = {};
  for (const buffer of spec.buffers) {
    if (buffer.role !== 'input') continue;
    const rows = new Float32Array(steps * buffer.length);
    const initial = buffer.initial;
    for (let column = 0; column < buffer.length; column++) {
      // Test for a list first: arrays have a `fill` method, so `'fill' in initial` holds for them too.
      const fill =
        initial === undefined ? 0 : isList(initial) ? (initial[column] ?? 0) : initial.fill;
      for (let t = 0; t < steps; t++) rows[t * buffer.length + column] = fill;
    }
    out[buffer.name] = rows;
  }
  for (const input of spec.inputs) {
    const rows = out[input.buffer];
    const width = spec.buffers.find((b) => b.name === input.buffer)?.length ?? 0;
    const channel = series.get(input.channel);
    if (rows === undefined || channel === undefined) continue;
    const samples = withoutGaps(channel);
    const range = sampledRange(samples);
    const needsEnd = input.interpolation === 'linear';
    if (range === undefined || range[0] > tolerance || (needsEnd && range[1] < last - tolerance)) {
      issues.push(notCovered(input, range, last, needsEnd));
      continue;
    }
    for (let t = 0; t < steps; t++) {
      const time = t * spec.dt;
      rows[t * width + input.column] =
        input.interpolation === 'linear'
          ? interpolateLinear(samples, time, tolerance)
          : (samples.values[lastAtOrBefore(samples.times, time + tolerance)] ?? Number.NaN);
    }
  }
  if (issues.length > 0) throw new CsvDataError('not_covered', file, issues);
  return out;
}

function isList(initial: NonNullable<BufferSpec['initial']>): initial is readonly number[] {
  return Array.isArray(initial);
}

function withoutGaps(channel: CsvChannel): CsvChannel {
  const keep = [...channel.values.keys()].filter((i) => !Number.isNaN(channel.values[i]));
  return {
    name: channel.name,
    times: Float64Array.from(keep, (i) => channel.times[i] ?? Number.NaN),
    values: Float64Array.from(keep, (i) => channel.values[i] ?? Number.NaN),
  };
}

function notCovered(
  input: InputSpec,
  range: [number, number] | undefined,
  last: number,
  needsEnd: boolean,
): CsvIssue {
  const found =
    range === undefined
      ? 'has no values'
      : `has values from ${formatSeconds(range[0])} to ${formatSeconds(range[1])}`;
  const needed = needsEnd
    ? `${formatSeconds(0)} to ${formatSeconds(last)}`
    : `a value at ${formatSeconds(0)} (hold keeps the last one after that)`;
  return {
    message: `channel \`${input.channel}\` (column ${input.column} of \`${input.buffer}\`) ${found}, but the run needs ${needed} — give data over that range, or run fewer steps`,
  };
}
