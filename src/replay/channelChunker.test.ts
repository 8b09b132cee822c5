import { describe, expect, it } from 'vitest';
import { ChannelChunker } from './channelChunker.ts';
import type { ChunkDraft } from './chunkDraft.ts';

const timesOf = (draft: ChunkDraft) => [...draft.sorted().times];

function push(chunker: ChannelChunker, times: number[]): void {
  for (const t of times) chunker.push(t, t * 10, t + 1);
}

/** Marks a batch written, as a successful flush does. */
function write(chunker: ChannelChunker, batch: ChunkDraft[]): void {
  for (const draft of batch) draft.persistedCount = draft.length;
  chunker.releaseWritten();
}

describe('ChannelChunker', () => {
  const options = { windowMs: 1000, maxSamples: 1000 };

  it('cuts chunks at window boundaries and never straddles one', () => {
    const chunker = new ChannelChunker(0, options);
    push(chunker, [0, 500, 999, 1000, 1500, 2999, 3000]);
    const batch = chunker.collectBatch();
    expect(batch.map(timesOf)).toEqual([[0, 500, 999], [1000, 1500], [2999], [3000]]);
    expect(batch.map((d) => d.late)).toEqual([false, false, false, false]);
    expect(batch.at(-1)).toBe(chunker.drafts().at(-1)); // the open chunk, written provisionally
  });

  it('sorts out-of-order samples within the open window before sealing, values following times', () => {
    const chunker = new ChannelChunker(0, options);
    push(chunker, [700, 100, 400, 100.5, 999]);
    chunker.sealOpen();
    const [draft] = chunker.collectBatch();
    const columns = draft!.sorted();
    expect([...columns.times]).toEqual([100, 100.5, 400, 700, 999]);
    expect([...columns.values]).toEqual([1000, 1005, 4000, 7000, 9990]);
    expect(chunker.lateSamples).toBe(0);
  });

  it('puts samples for an already sealed window into a separate late chunk', () => {
    const chunker = new ChannelChunker(0, options);
    push(chunker, [100, 900, 1100]); // seals window 0
    push(chunker, [950, 300, 1200]); // 950 and 300 are late for window 0
    const batch = chunker.collectBatch();
    const late = batch.filter((d) => d.late);
    expect(late.map(timesOf)).toEqual([[300, 950]]);
    expect(batch.filter((d) => !d.late).map(timesOf)).toEqual([
      [100, 900],
      [1100, 1200],
    ]);
    expect(chunker.lateSamples).toBe(2);
  });

  it('treats a sample for a window older than the open one as late, one late chunk per window', () => {
    const chunker = new ChannelChunker(0, options);
    push(chunker, [5000, 3500, 2500, 3600]);
    const late = chunker.collectBatch().filter((d) => d.late);
    expect(late.map((d) => [d.window, ...timesOf(d)])).toEqual([
      [3, 3500, 3600],
      [2, 2500],
    ]);
  });

  it('seals a full chunk early and keeps the window open to later samples', () => {
    const chunker = new ChannelChunker(0, { windowMs: 1000, maxSamples: 3 });
    push(chunker, [1, 2, 3, 4, 3, 5]);
    const batch = chunker.collectBatch();
    expect(batch.map(timesOf)).toEqual([
      [1, 2, 3],
      [3, 4, 5],
    ]);
    expect(chunker.lateSamples).toBe(0);
  });

  it('rewrites the open chunk only when it changed and forgets sealed chunks once written', () => {
    const chunker = new ChannelChunker(0, options);
    push(chunker, [1, 2]);
    write(chunker, chunker.collectBatch());
    expect(chunker.collectBatch()).toEqual([]);
    push(chunker, [3]);
    const [open] = chunker.collectBatch();
    expect(open!.persistedCount).toBe(2);
    write(chunker, [open!]);
    push(chunker, [1001]);
    const sealed = chunker.collectBatch();
    expect(sealed.map(timesOf)).toEqual([[1001]]); // window 0 sealed but already fully written
    write(chunker, sealed);
    expect(chunker.drafts().map(timesOf)).toEqual([[1001]]);
    expect(chunker.pendingSamples).toBe(0);
  });
});
