import type { ChunkColumns } from './chunkCodec.ts';

/**
 * A chunk being filled in memory: growable float64 columns, kept in arrival order until
 * {@link ChunkDraft.sorted} is asked for. `id` and `persistedCount` say what IndexedDB already
 * holds of it, so an open chunk can be written provisionally every flush and overwritten later.
 */
export class ChunkDraft {
  id: number | undefined = undefined;
  /** Samples already written under `id`. */
  persistedCount = 0;
  length = 0;
  private times = new Float64Array(64);
  private values = new Float64Array(64);
  private receiveTimes = new Float64Array(64);
  private isSorted = true;

  constructor(
    readonly channel: number,
    /** Window index: floor(time / windowMs). */
    readonly window: number,
    readonly late: boolean,
  ) {}

  push(time: number, value: number, receiveTime: number): void {
    if (this.length === this.times.length) this.grow();
    const i = this.length++;
    if (i > 0 && time < this.times[i - 1]!) this.isSorted = false;
    this.times[i] = time;
    this.values[i] = value;
    this.receiveTimes[i] = receiveTime;
  }

  get dirty(): boolean {
    return this.length !== this.persistedCount;
  }

  /** Largest time in the draft (NaN when empty). */
  maxTime(): number {
    let max = NaN;
    for (let i = 0; i < this.length; i++) if (!(this.times[i]! <= max)) max = this.times[i]!;
    return max;
  }

  /** Sorts in place (stable, by time) and returns views of the filled part. */
  sorted(): ChunkColumns {
    if (!this.isSorted) this.sortInPlace();
    return {
      times: this.times.subarray(0, this.length),
      values: this.values.subarray(0, this.length),
      receiveTimes: this.receiveTimes.subarray(0, this.length),
    };
  }

  /** Calls `visit` for every sample, in no particular order; for queries on unflushed data. */
  forEach(visit: (time: number, value: number, receiveTime: number) => void): void {
    for (let i = 0; i < this.length; i++) {
      visit(this.times[i]!, this.values[i]!, this.receiveTimes[i]!);
    }
  }

  private grow(): void {
    const size = this.times.length * 2;
    const grow = (from: Float64Array) => {
      const to = new Float64Array(size);
      to.set(from);
      return to;
    };
    this.times = grow(this.times);
    this.values = grow(this.values);
    this.receiveTimes = grow(this.receiveTimes);
  }

  private sortInPlace(): void {
    const n = this.length;
    const order = Array.from({ length: n }, (_, i) => i);
    const times = this.times;
    order.sort((a, b) => times[a]! - times[b]! || a - b);
    const permute = (from: Float64Array) => {
      const to = new Float64Array(from.length);
      for (let i = 0; i < n; i++) to[i] = from[order[i]!]!;
      return to;
    };
    this.times = permute(this.times);
    this.values = permute(this.values);
    this.receiveTimes = permute(this.receiveTimes);
    this.isSorted = true;
  }
}
