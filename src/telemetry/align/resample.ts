/**
 * Resampling a channel's sorted (time, value) series onto a common timeline, for simulations and
 * fit losses that need every channel at the same instants.
 *
 * - `linear`: interpolates between the neighbours; NaN outside the first..last sample.
 * - `zoh` (zero-order hold): the last value at or before the instant; NaN before the first.
 * Either way an instant whose neighbours are more than `maxGapMs` apart gets NaN, so a dropout
 * shows as missing data rather than as an invented straight line or a stale value.
 */
export type Interpolation = 'linear' | 'zoh';

export interface ResampleOptions {
  readonly mode: Interpolation;
  /** Largest gap between samples bridged (ms); default Infinity. */
  readonly maxGapMs?: number;
}

/** Instants t0, t0 + step, … ≤ t1. */
export function uniformTimeline(t0: number, t1: number, stepMs: number): Float64Array {
  if (!(stepMs > 0) || !(t1 >= t0)) {
    throw new RangeError(
      `uniformTimeline needs step > 0 and t1 ≥ t0, got step ${stepMs}, ${t0}..${t1}.`,
    );
  }
  const n = Math.floor((t1 - t0) / stepMs + 1e-9) + 1;
  return Float64Array.from({ length: n }, (_, i) => t0 + i * stepMs);
}

/** `times` must be sorted ascending (a ReorderBuffer's output is); `timeline` too. */
export function resample(
  times: ArrayLike<number>,
  values: ArrayLike<number>,
  timeline: ArrayLike<number>,
  options: ResampleOptions,
): Float64Array {
  const out = new Float64Array(timeline.length).fill(NaN);
  const maxGap = options.maxGapMs ?? Infinity;
  const n = times.length;
  let j = 0; // times[j - 1] ≤ t < times[j]
  for (let k = 0; k < timeline.length; k++) {
    const t = timeline[k]!;
    while (j < n && times[j]! <= t) j++;
    if (j === 0) continue;
    const tPrev = times[j - 1]!;
    const vPrev = values[j - 1]!;
    if (tPrev === t) {
      out[k] = vPrev;
      continue;
    }
    if (j === n) {
      if (options.mode === 'zoh' && t - tPrev <= maxGap) out[k] = vPrev;
      continue;
    }
    const tNext = times[j]!;
    if (tNext - tPrev > maxGap) continue;
    out[k] =
      options.mode === 'zoh'
        ? vPrev
        : vPrev + ((values[j]! - vPrev) * (t - tPrev)) / (tNext - tPrev);
  }
  return out;
}
