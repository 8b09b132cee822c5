/** Min/max decimation of one channel over [t0, t1] into equal-width time buckets. */
export interface RangeSeries {
  readonly channel: number;
  /** Start time of each bucket (ms); bucket i covers [start[i], start[i] + bucketMs). */
  readonly bucketStart: Float64Array;
  readonly bucketMs: number;
  /** Smallest and largest value per bucket; NaN for an empty bucket (or one of only NaNs). */
  readonly min: Float64Array;
  readonly max: Float64Array;
  /** Samples per bucket. */
  readonly count: Uint32Array;
  /** Chunks taken from their index min/max alone, and chunks whose samples were read. */
  readonly chunksSummarized: number;
  readonly chunksRead: number;
}

/**
 * Accumulates samples, or whole chunk summaries, into buckets. The last bucket is closed so t1
 * itself is counted.
 */
export class MinMaxBuckets {
  readonly min: Float64Array;
  readonly max: Float64Array;
  readonly count: Uint32Array;
  readonly width: number;
  chunksSummarized = 0;
  chunksRead = 0;

  constructor(
    readonly channel: number,
    readonly t0: number,
    readonly t1: number,
    readonly buckets: number,
  ) {
    this.width = (t1 - t0) / buckets;
    this.min = new Float64Array(buckets).fill(NaN);
    this.max = new Float64Array(buckets).fill(NaN);
    this.count = new Uint32Array(buckets);
  }

  /** Bucket of a time inside [t0, t1]. */
  bucketOf(time: number): number {
    if (!(this.width > 0)) return 0;
    return Math.min(this.buckets - 1, Math.floor((time - this.t0) / this.width));
  }

  contains(time: number): boolean {
    return time >= this.t0 && time <= this.t1;
  }

  add(time: number, value: number): void {
    if (!this.contains(time)) return;
    this.merge(this.bucketOf(time), value, value, 1);
  }

  /** Merges a chunk's summary into one bucket without reading its samples. */
  addSummary(bucket: number, min: number, max: number, count: number): void {
    this.merge(bucket, min, max, count);
  }

  result(): RangeSeries {
    const bucketStart = new Float64Array(this.buckets);
    for (let i = 0; i < this.buckets; i++) bucketStart[i] = this.t0 + i * this.width;
    return {
      channel: this.channel,
      bucketStart,
      bucketMs: this.width,
      min: this.min,
      max: this.max,
      count: this.count,
      chunksSummarized: this.chunksSummarized,
      chunksRead: this.chunksRead,
    };
  }

  private merge(bucket: number, min: number, max: number, count: number): void {
    // NaN values are counted but never become a min or max; `!(x >= slot)` also fills a NaN
    // (empty) slot with the first real value.
    if (!Number.isNaN(min) && !(min >= this.min[bucket]!)) this.min[bucket] = min;
    if (!Number.isNaN(max) && !(max <= this.max[bucket]!)) this.max[bucket] = max;
    this.count[bucket] = this.count[bucket]! + count;
  }
}
