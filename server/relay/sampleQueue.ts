import type { Sample } from '../../src/protocol/relay.ts';

/**
 * A fixed-capacity FIFO of samples for one client. When it is full the oldest sample makes room
 * for the newest: a client that falls behind sees live data with gaps, not ever older data.
 */
export class SampleQueue {
  private readonly items: (Sample | undefined)[];
  private head = 0;
  private count = 0;
  /** Samples dropped to make room, over the queue's life. */
  dropped = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`SampleQueue capacity must be a positive integer, got ${capacity}`);
    }
    this.items = new Array<Sample | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  push(sample: Sample): void {
    const tail = (this.head + this.count) % this.capacity;
    this.items[tail] = sample;
    if (this.count === this.capacity) {
      this.head = (this.head + 1) % this.capacity;
      this.dropped++;
    } else {
      this.count++;
    }
  }

  /** Removes and returns every queued sample, oldest first. */
  drain(): Sample[] {
    const out = new Array<Sample>(this.count);
    for (let i = 0; i < this.count; i++) {
      const index = (this.head + i) % this.capacity;
      out[i] = this.items[index]!;
      this.items[index] = undefined;
    }
    this.head = 0;
    this.count = 0;
    return out;
  }
}
