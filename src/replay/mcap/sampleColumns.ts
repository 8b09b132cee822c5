/** Growable columns of one channel's samples, as import collects them before writing. */
export class SampleColumns {
  times = new Float64Array(256);
  values = new Float64Array(256);
  receiveTimes = new Float64Array(256);
  length = 0;
  private sorted = true;

  push(time: number, value: number, receiveTime: number): void {
    if (this.length === this.times.length) this.grow();
    const n = this.length++;
    if (n > 0 && time < this.times[n - 1]!) this.sorted = false;
    this.times[n] = time;
    this.values[n] = value;
    this.receiveTimes[n] = receiveTime;
  }

  /** Sorts by time, stably (equal times keep their order of arrival). */
  sortByTime(): void {
    if (this.sorted) return;
    const n = this.length;
    const order = Array.from({ length: n }, (_, i) => i);
    const t = this.times;
    order.sort((a, b) => t[a]! - t[b]! || a - b);
    const reorder = (column: Float64Array) => {
      const out = new Float64Array(column.length);
      for (let i = 0; i < n; i++) out[i] = column[order[i]!]!;
      return out;
    };
    this.times = reorder(this.times);
    this.values = reorder(this.values);
    this.receiveTimes = reorder(this.receiveTimes);
    this.sorted = true;
  }

  private grow(): void {
    const next = (column: Float64Array) => {
      const out = new Float64Array(column.length * 2);
      out.set(column);
      return out;
    };
    this.times = next(this.times);
    this.values = next(this.values);
    this.receiveTimes = next(this.receiveTimes);
  }
}
