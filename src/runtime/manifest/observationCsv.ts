import type { ModelSpec, ObservationData } from '../modelSpec.ts';
import { CsvDataError, type CsvIssue } from './csvDataError.ts';
import { formatSeconds, interpolateLinear, readCsvChannels, sampledRange } from './csvSeries.ts';
import { observationSteps } from './observationSteps.ts';

/**
 * Measured data for `twinbench fit MODEL.yaml --data FILE.csv`: a CSV whose header is `time`
 * (seconds) then channel names, resampled by linear interpolation onto the loss's observation
 * times (step n · dt for the observed steps n, see `observationSteps`). Only the channels the
 * loss compares are read: those of observables whose weight is not 0. Empty or NaN cells are
 * gaps; an observation next to a gap is NaN, which the loss leaves out.
 *
 * Throws a CsvDataError naming the line for bad numbers and unordered times, the channels the
 * header lacks, and the time range needed against the range found.
 *
 * @example
 * const data = readObservationCsv(await readFile('plate.csv', 'utf8'), spec, 'plate.csv');
 */
export function readObservationCsv(
  text: string,
  spec: ModelSpec,
  file = 'data.csv',
): ObservationData {
  const weights = spec.loss.weights ?? {};
  const channels = [
    ...new Set(
      spec.observables
        .filter((o) => o.channel !== undefined && (weights[o.name] ?? 1) !== 0)
        .map((o) => o.channel ?? ''),
    ),
  ];
  if (channels.length === 0) {
    throw new CsvDataError('missing_channel', file, [
      {
        message: `model "${spec.name}" compares no channel: no observable has a channel and a weight above 0 — give observables a channel to fit against`,
      },
    ]);
  }
  const steps = observationSteps(spec);
  const series = readCsvChannels(text, file, channels, `model "${spec.name}"'s observables`);
  const first = (steps[0] ?? 0) * spec.dt;
  const last = (steps[steps.length - 1] ?? 0) * spec.dt;
  const tolerance = spec.dt * 1e-6;
  const issues: CsvIssue[] = [];
  const out: Record<string, Float64Array> = {};
  for (const channel of series.values()) {
    const range = sampledRange(channel);
    if (range === undefined || range[0] > first + tolerance || range[1] < last - tolerance) {
      const found =
        range === undefined
          ? 'has no values'
          : `has values from ${formatSeconds(range[0])} to ${formatSeconds(range[1])}`;
      issues.push({
        message: `channel \`${channel.name}\` ${found}, but the fit needs ${formatSeconds(first)} to ${formatSeconds(last)} (steps ${steps[0]}…${steps[steps.length - 1]} every ${spec.loss.every} at dt ${spec.dt} s) — give data over that range, or narrow loss.window`,
      });
      continue;
    }
    out[channel.name] = Float64Array.from(steps, (n) =>
      interpolateLinear(channel, n * spec.dt, tolerance),
    );
  }
  if (issues.length > 0) throw new CsvDataError('not_covered', file, issues);
  return { steps, channels: out };
}
