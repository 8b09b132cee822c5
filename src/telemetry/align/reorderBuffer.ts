/**
 * Reorder buffer with an event-time watermark. Items wait until the watermark — the largest
 * time seen minus the allowed lateness — passes them, then come out in time order. An item older
 * than what has already been emitted is late: it is counted and handed back to the caller (to
 * store in a late chunk, say), never silently dropped.
 */
export interface ReorderOptions<T> {
  /** How far behind the newest item an item may arrive and still be ordered (ms). */
  readonly allowedLatenessMs: number;
  readonly timeOf: (item: T) => number;
}

export class ReorderBuffer<T> {
  private heap: T[] = [];
  private maxSeen = -Infinity;
  /** Everything at or before this time has been emitted. */
  private emittedUpTo = -Infinity;
  lateCount = 0;

  constructor(private readonly options: ReorderOptions<T>) {}

  /** The current watermark: items at or before it are ready. */
  get watermark(): number {
    return Math.max(this.emittedUpTo, this.maxSeen - this.options.allowedLatenessMs);
  }

  get buffered(): number {
    return this.heap.length;
  }

  /** Buffers the item; returns 'late' (and counts it) when its time was already emitted past. */
  push(item: T): 'buffered' | 'late' {
    const time = this.options.timeOf(item);
    if (time < this.emittedUpTo) {
      this.lateCount++;
      return 'late';
    }
    if (time > this.maxSeen) this.maxSeen = time;
    this.siftUp(item);
    return 'buffered';
  }

  /** Items at or before the watermark, in time order (ties keep no particular order). */
  drain(): T[] {
    return this.emitUpTo(this.watermark);
  }

  /**
   * Moves the watermark to `time` even if no newer item arrived — for a source that went quiet,
   * driven by the relay clock — and returns what became ready.
   */
  advanceTo(time: number): T[] {
    return this.emitUpTo(Math.max(time, this.watermark));
  }

  /** Everything buffered, in time order (end of stream). */
  flush(): T[] {
    return this.emitUpTo(Infinity);
  }

  private emitUpTo(watermark: number): T[] {
    const out: T[] = [];
    const timeOf = this.options.timeOf;
    while (this.heap.length > 0 && timeOf(this.heap[0]!) <= watermark) out.push(this.popMin());
    const last = out.at(-1);
    const emitted =
      watermark === Infinity ? (last === undefined ? -Infinity : timeOf(last)) : watermark;
    if (emitted > this.emittedUpTo) this.emittedUpTo = emitted;
    return out;
  }

  private siftUp(item: T): void {
    const heap = this.heap;
    const timeOf = this.options.timeOf;
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (timeOf(heap[parent]!) <= timeOf(item)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = item;
  }

  private popMin(): T {
    const heap = this.heap;
    const timeOf = this.options.timeOf;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = l;
        if (l >= heap.length) break;
        if (r < heap.length && timeOf(heap[r]!) < timeOf(heap[l]!)) m = r;
        if (timeOf(heap[m]!) >= timeOf(last)) break;
        heap[i] = heap[m]!;
        i = m;
      }
      heap[i] = last;
    }
    return top;
  }
}
