import { ChunkDraft } from './chunkDraft.ts';

export interface ChunkingOptions {
  /** Chunk window in ms of device time; chunks never straddle a window boundary. */
  readonly windowMs: number;
  /** A chunk is sealed early when it reaches this many samples (fast channels). */
  readonly maxSamples: number;
}

/**
 * 1 s windows: at 100 Hz that is 100 samples (2.4 KB) a chunk — small enough that a latestAt
 * reads one cheap record, large enough that 100 channels make 100 records a second, not 10 000.
 */
export const DEFAULT_CHUNKING: ChunkingOptions = { windowMs: 1000, maxSamples: 8192 };

/**
 * Cuts one channel's samples into chunks.
 *
 * - Samples go into the open chunk of their window, in any order; the chunk is sorted when it
 *   is sealed (or written provisionally).
 * - The open chunk is sealed when a sample of a later window arrives or it is full.
 * - A sample older than what has been sealed is late: it goes into a small late chunk of its own
 *   window, written at the next flush. Nothing is dropped.
 *
 * Every chunk lies inside one window, so a chunk's span is < windowMs; queries rely on that.
 */
export class ChannelChunker {
  private open: ChunkDraft | undefined = undefined;
  /** Times below this belong to sealed chunks. */
  private sealedEnd = -Infinity;
  private sealed: ChunkDraft[] = [];
  private lateByWindow = new Map<number, ChunkDraft>();
  lateSamples = 0;

  constructor(
    readonly channel: number,
    private readonly options: ChunkingOptions,
  ) {}

  push(time: number, value: number, receiveTime: number): void {
    const window = Math.floor(time / this.options.windowMs);
    if (time < this.sealedEnd || (this.open !== undefined && window < this.open.window)) {
      this.pushLate(window, time, value, receiveTime);
      return;
    }
    if (this.open !== undefined && window > this.open.window) this.sealOpen();
    this.open ??= new ChunkDraft(this.channel, window, false);
    this.open.push(time, value, receiveTime);
    if (this.open.length >= this.options.maxSamples) this.sealOpen();
  }

  /** Seals the open chunk (end of recording, or before a replay). */
  sealOpen(): void {
    const open = this.open;
    if (open === undefined) return;
    this.open = undefined;
    const windowEnd = (open.window + 1) * this.options.windowMs;
    // A window cut short by maxSamples stays open to samples at or after its last time.
    this.sealedEnd = open.length >= this.options.maxSamples ? open.maxTime() : windowEnd;
    this.sealed.push(open);
  }

  /**
   * Drafts that need writing: sealed and late chunks, then the open chunk when it changed since
   * its last write. Late drafts are closed here, so later late samples start a new one.
   */
  collectBatch(): ChunkDraft[] {
    for (const late of this.lateByWindow.values()) this.sealed.push(late);
    this.lateByWindow.clear();
    const batch = this.sealed.filter((draft) => draft.dirty);
    if (this.open?.dirty === true) batch.push(this.open);
    return batch;
  }

  /** Forgets sealed drafts that IndexedDB now holds in full. */
  releaseWritten(): void {
    this.sealed = this.sealed.filter((draft) => draft.dirty);
  }

  /** Every draft still in memory (open, sealed, late), for queries over unflushed samples. */
  drafts(): ChunkDraft[] {
    const all = [...this.sealed, ...this.lateByWindow.values()];
    if (this.open !== undefined) all.push(this.open);
    return all;
  }

  /** Samples held in memory that IndexedDB does not have yet. */
  get pendingSamples(): number {
    let n = 0;
    for (const draft of this.drafts()) n += draft.length - draft.persistedCount;
    return n;
  }

  private pushLate(window: number, time: number, value: number, receiveTime: number): void {
    this.lateSamples++;
    let draft = this.lateByWindow.get(window);
    if (draft === undefined || draft.length >= this.options.maxSamples) {
      if (draft !== undefined) this.sealed.push(draft);
      draft = new ChunkDraft(this.channel, window, true);
      this.lateByWindow.set(window, draft);
    }
    draft.push(time, value, receiveTime);
  }
}
