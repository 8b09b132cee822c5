/**
 * Queries for the timeline: the sample time next to a cursor ("step one sample back/forward")
 * and where a recording has data (the overview strip). Both answer from the chunk index as far
 * as it goes — a chunk's t0 and t1 are its first and last sample times — and read samples only
 * where the index cannot answer: `neighbourQuery` decodes just the chunks that straddle the
 * cursor, `coverageQuery` decodes none.
 */
import type { ChunkIndexEntry } from './chunkCodec.ts';
import { decodeChunkData, firstIndexAtOrAfter, lastIndexAtOrBefore } from './chunkCodec.ts';
import type { ChunkDraft } from './chunkDraft.ts';
import type { RecordingMeta, ReplayDb } from './replayDb.ts';
import { windowEnd } from './replayQueries.ts';

export type NeighbourDirection = 'before' | 'after';

/** Where a recording has samples over [t0, t1]; see {@link coverageQuery}. */
export interface Coverage {
  /**
   * Samples per bucket, all channels together; 0 is a gap. Bucket i covers
   * [t0 + i·bucketMs, t0 + (i + 1)·bucketMs); the last one includes t1.
   */
  readonly counts: Float64Array;
  readonly bucketMs: number;
}

/** The best sample time so far strictly before or after `t`; NaN while there is none. */
class Nearest {
  time = NaN;

  constructor(
    readonly t: number,
    readonly before: boolean,
  ) {}

  offer(time: number): void {
    if (this.before ? time < this.t && !(time <= this.time) : time > this.t && !(time >= this.time))
      this.time = time;
  }
}

/**
 * Device time of the closest sample strictly before or after `t` among `channels` (every
 * channel of the recording when null), stored or in `drafts`; null when there is none.
 *
 * Walking the index away from `t`, a chunk wholly on the far side answers with its t1 (before)
 * or t0 (after) alone; only a chunk that straddles `t` is decoded. The walk stops once no chunk
 * further out can hold a closer sample: chunks lie inside one window of `windowMs`, so going back
 * a chunk starting at t0 ends before `windowEnd(t0)`, and going forward chunks come in t0 order.
 */
export async function neighbourQuery(
  db: ReplayDb,
  meta: RecordingMeta,
  t: number,
  direction: NeighbourDirection,
  channels: readonly number[] | null,
  drafts: readonly ChunkDraft[],
): Promise<number | null> {
  const before = direction === 'before';
  // Nothing lies before -∞ or after +∞ (and the key ranges below would be empty).
  if ((before && t === -Infinity) || (!before && t === Infinity)) return null;
  const nearest = new Nearest(t, before);
  for (const draft of drafts) draft.forEach((time) => nearest.offer(time));

  const tx = db.transaction(['chunkIndex', 'chunkData'], 'readonly');
  const index = tx.objectStore('chunkIndex');
  const data = tx.objectStore('chunkData');
  const id = meta.id;
  // A chunk that starts a window or more before t ends before t: going forward, start there.
  const from = t - meta.windowMs;
  const scans: { name: 'byChannelT0' | 'byRecordingT0'; range: IDBKeyRange }[] =
    channels === null
      ? [
          {
            name: 'byRecordingT0',
            range: before
              ? IDBKeyRange.bound([id, -Infinity, -Infinity], [id, t, -Infinity], false, true)
              : IDBKeyRange.bound([id, from, -Infinity], [id, Infinity, Infinity]),
          },
        ]
      : channels.map((channel) => ({
          name: 'byChannelT0',
          range: before
            ? IDBKeyRange.bound([id, channel, -Infinity], [id, channel, t], false, true)
            : IDBKeyRange.bound([id, channel, from], [id, channel, Infinity]),
        }));

  const straddling = async (entry: ChunkIndexEntry) => {
    const { times } = decodeChunkData(entry, await data.get(entry.id!));
    const k = before ? firstIndexAtOrAfter(times, t) - 1 : lastIndexAtOrBefore(times, t) + 1;
    if (k >= 0 && k < times.length) nearest.offer(times[k]!);
  };

  // One accumulator for every scan: a close sample on one channel cuts the others' walks short.
  await Promise.all(
    scans.map(async ({ name, range }) => {
      let cursor = await index.index(name).openCursor(range, before ? 'prev' : 'next');
      while (cursor !== null) {
        const entry = cursor.value;
        const best = nearest.time;
        if (before) {
          if (windowEnd(entry.t0, meta.windowMs) <= best) break;
          if (entry.t1 < t) nearest.offer(entry.t1);
          else await straddling(entry); // t0 < t ≤ t1
        } else {
          if (entry.t0 >= best) break;
          if (entry.t0 > t) nearest.offer(entry.t0);
          else if (entry.t1 > t) await straddling(entry); // t0 ≤ t < t1
        }
        cursor = await cursor.continue();
      }
    }),
  );
  await tx.done;
  return Number.isNaN(nearest.time) ? null : nearest.time;
}

/**
 * Samples per bucket over [t0, t1] in `buckets` equal buckets, every channel together, from the
 * chunk index alone: no chunk is decoded. A chunk's first and last samples (its t0 and t1) are
 * counted where they are; the others are spread uniformly over the chunk's span, so a bucket
 * gets the share of them its overlap with the chunk is worth. Counts are therefore estimates
 * (fractional) inside a chunk, but a bucket no chunk reaches is exactly 0: a gap. Chunks never
 * span more than one window (`windowMs`, 1 s by default), so any gap a window or more long
 * shows. Samples still in memory (`drafts`) are counted exactly.
 *
 * The index is read in pages, so a long recording costs time in proportion to its chunks in
 * [t0, t1] but bounded memory.
 */
export async function coverageQuery(
  db: ReplayDb,
  meta: RecordingMeta,
  t0: number,
  t1: number,
  buckets: number,
  drafts: readonly ChunkDraft[],
  pageSize = 4096,
): Promise<Coverage> {
  const counts = new Float64Array(buckets);
  const bucketMs = (t1 - t0) / buckets;
  const bucketOf = (time: number) => Math.min(buckets - 1, Math.floor((time - t0) / bucketMs));
  const addAt = (time: number, n: number) => {
    if (time >= t0 && time <= t1) counts[bucketOf(time)]! += n;
  };
  for (const draft of drafts) draft.forEach((time) => addAt(time, 1));

  const spread = (entry: ChunkIndexEntry) => {
    addAt(entry.t0, 1);
    if (entry.count < 2) return;
    addAt(entry.t1, 1);
    const inner = entry.count - 2;
    const lo = Math.max(entry.t0, t0);
    const hi = Math.min(entry.t1, t1);
    if (inner === 0 || !(hi > lo)) return;
    const perMs = inner / (entry.t1 - entry.t0);
    const last = bucketOf(hi);
    for (let k = bucketOf(lo); k <= last; k++) {
      const from = Math.max(lo, t0 + k * bucketMs);
      const to = k === last ? hi : Math.min(hi, t0 + (k + 1) * bucketMs);
      if (to > from) counts[k]! += (to - from) * perMs;
    }
  };

  const upper = [meta.id, t1, Infinity];
  let lower = [meta.id, t0 - meta.windowMs, -Infinity];
  let lowerOpen = false;
  for (;;) {
    const tx = db.transaction('chunkIndex', 'readonly');
    const range = IDBKeyRange.bound(lower, upper, lowerOpen, false);
    const entries = await tx.store.index('byRecordingT0').getAll(range, pageSize);
    await tx.done;
    // Ids read after the read: a draft written meanwhile is counted from memory only.
    const held = new Set(drafts.map((draft) => draft.id));
    for (const entry of entries) if (!held.has(entry.id)) spread(entry);
    const lastEntry = entries.at(-1);
    if (lastEntry === undefined || entries.length < pageSize) break;
    lower = [meta.id, lastEntry.t0, lastEntry.id!];
    lowerOpen = true;
  }
  return { counts, bucketMs };
}
