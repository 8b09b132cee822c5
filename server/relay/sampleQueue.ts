import type { Sample } from '../../src/protocol/relay.ts';

/** Slots a queue starts with; it doubles up to its capacity as it fills. */
const INITIAL_SLOTS = 1024;

/**
 * A bounded FIFO of samples for one client. When it is full the oldest sample makes room for
 * the newest: a client that falls behind sees live data with gaps, not ever older data. Storage
 * grows on demand, so a large bound (a lossless queue of a million samples) costs memory only
 * while the client is actually behind.
 */
export class SampleQueue {
  private items: (Sample | undefined)[];
  private head = 0;
  private count = 0;
  /** Samples dropped to make room, over the queue's life. */
  dropped = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`SampleQueue capacity must be a positive integer, got ${capacity}`);
    }
    this.items = new Array<Sample | undefined>(Math.min(capacity, INITIAL_SLOTS));
  }

  get size(): number {
    return this.count;
  }

  push(sample: Sample): void {
    const slots = this.items.length;
    if (this.count === slots && slots < this.capacity) this.grow();
    const length = this.items.length;
    let tail = this.head + this.count;
    if (tail >= length) tail -= length;
    this.items[tail] = sample;
    if (this.count === length) {
      this.head = this.head + 1 === length ? 0 : this.head + 1;
      this.dropped++;
    } else {
      this.count++;
    }
  }

  /** Removes and returns every queued sample, oldest first. */
  drain(): Sample[] {
    return this.take(this.count);
  }

  /** Removes and returns the `max` oldest samples (fewer when fewer are queued), oldest first. */
  take(max: number): Sample[] {
    const n = Math.min(max, this.count);
    const length = this.items.length;
    const out = new Array<Sample>(n);
    let index = this.head;
    for (let i = 0; i < n; i++) {
      out[i] = this.items[index]!;
      this.items[index] = undefined;
      index = index + 1 === length ? 0 : index + 1;
    }
    this.count -= n;
    this.head = this.count === 0 ? 0 : index;
    return out;
  }

  private grow(): void {
    const old = this.items;
    const next = new Array<Sample | undefined>(Math.min(this.capacity, old.length * 2));
    for (let i = 0; i < this.count; i++) next[i] = old[(this.head + i) % old.length];
    this.items = next;
    this.head = 0;
  }
}
