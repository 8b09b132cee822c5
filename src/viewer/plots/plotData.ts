/**
 * Bucket frames → uPlot's aligned arrays. Pure, so it is tested in Node.
 *
 * Each channel becomes two series, the bucket maxima then the minima, drawn as a band; where a
 * bucket holds one sample they meet in a line. uPlot breaks a line at `null` and joins across
 * `undefined`, so an empty bucket is `null` only where data really stop (no sample for several
 * sample intervals) and `undefined` where the buckets are just narrower than the sampling
 * interval — zoomed in on 100 Hz data most buckets are empty, and that is not a gap.
 */
import type uPlot from 'uplot';
import type { BucketColumn, BucketFrame } from './plotBuckets.ts';

/** A run of empty buckets is a gap when longer than this many sample intervals… */
const GAP_INTERVALS = 4;
/** …and this many buckets. */
const GAP_BUCKETS = 3;

export type SeriesValues = (number | null | undefined)[];

/**
 * The column's maxima and minima for uPlot: numbers, `null` for gaps (no data for a while, or
 * samples that were NaN) and `undefined` for empty buckets inside continuous data.
 */
export function columnValues(column: BucketColumn | null, length: number, bucketMs: number) {
  const max: SeriesValues = new Array<number | null | undefined>(length).fill(null);
  const min: SeriesValues = new Array<number | null | undefined>(length).fill(null);
  if (!column) return { max, min };
  let first = -1;
  let last = -1;
  let total = 0;
  for (let i = 0; i < length; i++) {
    const n = column.count[i]!;
    if (n === 0) continue;
    if (first < 0) first = i;
    last = i;
    total += n;
  }
  if (first < 0) return { max, min };
  const interval = total > 1 ? ((last - first + 1) * bucketMs) / total : Infinity;
  const gapMs = Math.max(GAP_BUCKETS * bucketMs, GAP_INTERVALS * interval);
  for (let i = first; i <= last; i++) {
    if (column.count[i]! > 0) {
      const lo = column.min[i]!;
      const hi = column.max[i]!;
      // Counted but no finite value: the device sent NaN, which is a gap.
      if (Number.isNaN(lo) || Number.isNaN(hi)) continue;
      max[i] = hi;
      min[i] = lo;
      continue;
    }
    let end = i;
    while (end + 1 <= last && column.count[end + 1] === 0) end++;
    if ((end - i + 1) * bucketMs <= gapMs) {
      for (let k = i; k <= end; k++) max[k] = min[k] = undefined;
    }
    i = end;
  }
  return { max, min };
}

/** `[x, max₀, min₀, max₁, min₁, …]` with x the bucket centres (ms since the epoch). */
export function toAlignedData(frame: BucketFrame): uPlot.AlignedData {
  const { k0, length, bucketMs } = frame;
  const x = new Float64Array(length);
  for (let i = 0; i < length; i++) x[i] = (k0 + i + 0.5) * bucketMs;
  const data: [Float64Array, ...SeriesValues[]] = [x];
  for (const column of frame.columns) {
    const { max, min } = columnValues(column, length, bucketMs);
    data.push(max, min);
  }
  return data;
}

/** An aligned table with no rows for `channels` channels (what a plot shows before data come). */
export function emptyAlignedData(channels: number): uPlot.AlignedData {
  const data: [number[], ...SeriesValues[]] = [[]];
  for (let i = 0; i < channels * 2; i++) data.push([]);
  return data;
}

/** Points of series `seriesIndex` with a value (not null or undefined) and x within [t0, t1]. */
export function countPoints(
  data: uPlot.AlignedData,
  seriesIndex: number,
  t0 = -Infinity,
  t1 = Infinity,
): number {
  const xs = data[0];
  const ys = data[seriesIndex];
  if (!xs || !ys) return 0;
  let n = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    const y = ys[i];
    if (x >= t0 && x <= t1 && typeof y === 'number' && Number.isFinite(y)) n++;
  }
  return n;
}
