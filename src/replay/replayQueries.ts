/**
 * Read paths over IndexedDB chunks plus the samples still in memory. Every chunk lies inside one
 * window of `windowMs` (see ChannelChunker), so a chunk starting at t0 holds no sample at or after
 * `windowEnd(t0)`; the scans below stop on that bound instead of reading every chunk.
 */
import type { Sample } from '../protocol/relay.ts';
import type { ChunkIndexEntry } from './chunkCodec.ts';
import { decodeChunkData, firstIndexAtOrAfter, lastIndexAtOrBefore } from './chunkCodec.ts';
import type { ChunkDraft } from './chunkDraft.ts';
import { MinMaxBuckets } from './minMaxBuckets.ts';
import type { RangeSeries } from './minMaxBuckets.ts';
import type { RecordingMeta, ReplayDb } from './replayDb.ts';
import { CursorHeap } from './sampleHeap.ts';

/** A channel's last sample at or before the asked time. */
export interface LatestSample {
  readonly channel: number;
  readonly time: number;
  readonly value: number;
  readonly receiveTime: number;
}

/** End of the window a chunk starting at `t0` lies in: every sample in it is before this. */
export const windowEnd = (t0: number, windowMs: number) =>
  (Math.floor(t0 / windowMs) + 1) * windowMs;

/** `drafts(channel)` gives the channel's in-memory drafts (open, sealed, late). */
export async function latestAtQuery(
  db: ReplayDb,
  meta: RecordingMeta,
  t: number,
  channels: readonly number[],
  drafts: (channel: number) => readonly ChunkDraft[],
): Promise<(LatestSample | null)[]> {
  const best: (LatestSample | null)[] = channels.map((channel) => {
    let found: LatestSample | null = null;
    for (const draft of drafts(channel)) {
      draft.forEach((time, value, receiveTime) => {
        if (time <= t && (found === null || time > found.time)) {
          found = { channel, time, value, receiveTime };
        }
      });
    }
    return found;
  });
  const tx = db.transaction(['chunkIndex', 'chunkData'], 'readonly');
  const byChannel = tx.objectStore('chunkIndex').index('byChannelT0');
  const data = tx.objectStore('chunkData');
  await Promise.all(
    channels.map(async (channel, i) => {
      const range = IDBKeyRange.bound([meta.id, channel, -Infinity], [meta.id, channel, t]);
      let cursor = await byChannel.openCursor(range, 'prev');
      while (cursor !== null) {
        const entry = cursor.value;
        const current = best[i] ?? null;
        if (current !== null && windowEnd(entry.t0, meta.windowMs) <= current.time) break;
        if (current === null || entry.t1 > current.time) {
          const columns = decodeChunkData(entry, await data.get(entry.id!));
          const at = lastIndexAtOrBefore(columns.times, t);
          const time = columns.times[at]!;
          if (at >= 0 && (current === null || time > current.time)) {
            best[i] = {
              channel,
              time,
              value: columns.values[at]!,
              receiveTime: columns.receiveTimes[at]!,
            };
          }
        }
        cursor = await cursor.continue();
      }
    }),
  );
  await tx.done;
  return best;
}

export async function rangeQuery(
  db: ReplayDb,
  meta: RecordingMeta,
  t0: number,
  t1: number,
  channels: readonly number[],
  buckets: number,
  drafts: (channel: number) => readonly ChunkDraft[],
): Promise<RangeSeries[]> {
  const acc = channels.map((channel) => new MinMaxBuckets(channel, t0, t1, buckets));
  const inMemory = channels.map((channel) => drafts(channel));
  inMemory.forEach((list, i) => {
    for (const draft of list) draft.forEach((time, value) => acc[i]!.add(time, value));
  });
  const tx = db.transaction(['chunkIndex', 'chunkData'], 'readonly');
  const byChannel = tx.objectStore('chunkIndex').index('byChannelT0');
  const data = tx.objectStore('chunkData');
  await Promise.all(
    channels.map(async (channel, i) => {
      const bucketsOf = acc[i]!;
      // Chunks are shorter than a window, so one starting a window before t0 may still reach it.
      const lower = [meta.id, channel, t0 - meta.windowMs];
      const entries = await byChannel.getAll(IDBKeyRange.bound(lower, [meta.id, channel, t1]));
      // Ids read now, after the read: a draft written during the query is counted only once.
      const heldInMemory = new Set(inMemory[i]!.map((draft) => draft.id));
      for (const entry of entries) {
        if (entry.t1 < t0 || heldInMemory.has(entry.id)) continue;
        const first = bucketsOf.bucketOf(entry.t0);
        if (bucketsOf.contains(entry.t0) && bucketsOf.contains(entry.t1)) {
          if (first === bucketsOf.bucketOf(entry.t1)) {
            bucketsOf.addSummary(first, entry.min, entry.max, entry.count);
            bucketsOf.chunksSummarized++;
            continue;
          }
        }
        addChunkSamples(bucketsOf, entry, await data.get(entry.id!));
      }
    }),
  );
  await tx.done;
  return acc.map((a) => a.result());
}

function addChunkSamples(acc: MinMaxBuckets, entry: ChunkIndexEntry, stored: unknown): void {
  const { times, values } = decodeChunkData(entry, stored);
  acc.chunksRead++;
  const from = firstIndexAtOrAfter(times, acc.t0);
  for (let k = from; k < times.length && times[k]! <= acc.t1; k++) acc.add(times[k]!, values[k]!);
}

/**
 * Every stored sample with device time ≥ t0, in time order (ties by channel), merged across
 * channels. Reads chunk pages lazily, so a long recording streams in bounded memory.
 */
export async function* replayQuery(
  db: ReplayDb,
  meta: RecordingMeta,
  t0: number,
  pageSize = 256,
): AsyncGenerator<Sample, void, undefined> {
  const heap = new CursorHeap();
  let queue: { entry: ChunkIndexEntry; stored: unknown }[] = [];
  let lowerKey: [string, number, number] = [meta.id, t0 - meta.windowMs, -Infinity];
  let exhausted = false;
  const upper: [string, number, number] = [meta.id, Infinity, Infinity];

  const loadPage = async () => {
    const tx = db.transaction(['chunkIndex', 'chunkData'], 'readonly');
    const range = IDBKeyRange.bound(lowerKey, upper, true, false);
    const entries = await tx
      .objectStore('chunkIndex')
      .index('byRecordingT0')
      .getAll(range, pageSize);
    const data = tx.objectStore('chunkData');
    const stored = await Promise.all(entries.map((entry) => data.get(entry.id!)));
    await tx.done;
    const last = entries.at(-1);
    if (last === undefined || entries.length < pageSize) exhausted = true;
    if (last !== undefined) lowerKey = [meta.id, last.t0, last.id!];
    queue = entries.map((entry, k) => ({ entry, stored: stored[k] }));
  };

  for (;;) {
    // Open every chunk that starts at or before the earliest pending sample; any chunk not yet
    // open starts later, so the heap's top is the next sample in time order.
    for (;;) {
      if (queue.length === 0 && !exhausted) await loadPage();
      const next = queue[0];
      const top = heap.peek();
      if (next === undefined) break;
      if (top !== undefined && next.entry.t0 > top.columns.times[top.index]!) break;
      queue.shift();
      const columns = decodeChunkData(next.entry, next.stored);
      const index = firstIndexAtOrAfter(columns.times, t0);
      if (index < columns.times.length) heap.push({ channel: next.entry.channel, columns, index });
    }
    const top = heap.peek();
    if (top === undefined) return;
    const k = top.index;
    const c = top.columns;
    yield [top.channel, c.times[k]!, c.values[k]!, c.receiveTimes[k]!];
    heap.advanceTop();
  }
}
