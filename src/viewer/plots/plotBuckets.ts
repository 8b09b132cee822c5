/**
 * Min/max buckets of several channels on one grid fixed in device time — what a plot draws, from
 * live histories and from the recorder's decimated range queries alike. Pure.
 */
import { MinMaxBuckets, type RangeSeries } from '../../replay/minMaxBuckets.ts';

/** One channel's buckets; `min`/`max` are NaN where a bucket holds no (finite) sample. */
export interface BucketColumn {
  readonly min: Float64Array;
  readonly max: Float64Array;
  readonly count: Uint32Array;
}

/**
 * Buckets k0 … k0 + length − 1 of width `bucketMs` (bucket k covers [k·bucketMs, (k+1)·bucketMs)),
 * one column per plotted channel; null for a channel with no data source (unknown name).
 */
export interface BucketFrame {
  readonly k0: number;
  readonly length: number;
  readonly bucketMs: number;
  readonly columns: readonly (BucketColumn | null)[];
}

/** Samples oldest first, as `SampleRing.forEach` visits them. */
export interface SampleHistory {
  forEach(visit: (time: number, value: number) => void): void;
}

export function emptyColumn(length: number): BucketColumn {
  return {
    min: new Float64Array(length).fill(NaN),
    max: new Float64Array(length).fill(NaN),
    count: new Uint32Array(length),
  };
}

/**
 * Buckets a live history onto the grid, the same way the recorder buckets stored samples
 * ({@link MinMaxBuckets}). Also returns the time of its oldest sample (NaN when empty).
 */
export function bucketHistory(
  history: SampleHistory,
  k0: number,
  length: number,
  bucketMs: number,
): { column: BucketColumn; oldest: number } {
  const acc = new MinMaxBuckets(0, k0 * bucketMs, (k0 + length) * bucketMs, length);
  let oldest = NaN;
  history.forEach((time, value) => {
    if (Number.isNaN(oldest)) oldest = time;
    acc.add(time, value);
  });
  return { column: { min: acc.min, max: acc.max, count: acc.count }, oldest };
}

/**
 * A frame from a range query over [k0·bucketMs, (k0 + length)·bucketMs] with `length` buckets.
 * `queried[i]` is the index in `series` of plotted channel i, or null when it was not queried
 * (not in the recording).
 */
export function frameFromRange(
  series: readonly RangeSeries[],
  queried: readonly (number | null)[],
  k0: number,
  length: number,
  bucketMs: number,
): BucketFrame {
  const columns = queried.map((at) => {
    const s = at === null ? undefined : series[at];
    if (!s || s.min.length !== length) return null;
    return { min: s.min, max: s.max, count: s.count };
  });
  return { k0, length, bucketMs, columns };
}

/**
 * Adds `from`'s buckets into `into` where the two overlap (same bucket width): min of the mins,
 * max of the maxes. The same sample counted twice changes neither, so a recorded stretch and a
 * live history that overlap merge without care for where one ends.
 */
export function mergeFrame(into: BucketFrame, from: BucketFrame): void {
  if (from.bucketMs !== into.bucketMs) return;
  const lo = Math.max(into.k0, from.k0);
  const hi = Math.min(into.k0 + into.length, from.k0 + from.length);
  into.columns.forEach((target, c) => {
    const source = from.columns[c];
    if (!target || !source) return;
    for (let k = lo; k < hi; k++) {
      const i = k - into.k0;
      const j = k - from.k0;
      const min = source.min[j]!;
      const max = source.max[j]!;
      if (!Number.isNaN(min) && !(min >= target.min[i]!)) target.min[i] = min;
      if (!Number.isNaN(max) && !(max <= target.max[i]!)) target.max[i] = max;
      target.count[i] = Math.max(target.count[i]!, source.count[j]!);
    }
  });
}
