import type { Sample } from '../../src/protocol/relay.ts';
import { SampleQueue } from './sampleQueue.ts';

/**
 * The `live-coalesce` queue of one client. While the client keeps up it is a plain FIFO and
 * every sample goes out. Once the client is behind (its connection is backed up, or the FIFO
 * reached its capacity) only the newest sample of each channel is kept until it catches up, so a
 * slow client sees every channel's current value and memory stays at one sample per channel.
 * Samples replaced that way count as `dropped`.
 */
export class CoalescingQueue {
  private readonly fifo: SampleQueue;
  /** Channel id → its newest sample while behind. */
  private readonly latest: (Sample | undefined)[] = [];
  /** Channels with a sample in `latest`, in the order they got their first one. */
  private readonly order: number[] = [];
  private behind = false;
  /** Samples replaced by a newer one of the same channel, over the queue's life. */
  dropped = 0;

  constructor(readonly capacity: number) {
    this.fifo = new SampleQueue(capacity);
  }

  get size(): number {
    return this.behind ? this.order.length : this.fifo.size;
  }

  /** Whether the queue keeps only the newest sample per channel now. */
  get coalescing(): boolean {
    return this.behind;
  }

  push(sample: Sample): void {
    if (!this.behind) {
      if (this.fifo.size < this.capacity) {
        this.fifo.push(sample);
        return;
      }
      this.fallBehind();
    }
    this.keep(sample);
  }

  /** The client is behind: keep only the newest sample per channel until the next drain. */
  fallBehind(): void {
    if (this.behind) return;
    this.behind = true;
    for (const sample of this.fifo.drain()) this.keep(sample);
  }

  /** Removes and returns what is queued; the client is taken to have caught up. */
  drain(): Sample[] {
    if (!this.behind) return this.fifo.drain();
    const out = new Array<Sample>(this.order.length);
    for (let i = 0; i < this.order.length; i++) {
      const id = this.order[i]!;
      out[i] = this.latest[id]!;
      this.latest[id] = undefined;
    }
    this.order.length = 0;
    this.behind = false;
    return out;
  }

  private keep(sample: Sample): void {
    const id = sample[0];
    if (this.latest[id] === undefined) this.order.push(id);
    else this.dropped++;
    this.latest[id] = sample;
  }
}
