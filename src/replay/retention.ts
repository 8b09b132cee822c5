/**
 * Eviction: deletes the oldest chunks (by t0) of the given recordings, in the order given, until
 * enough bytes are freed. Chunks still held in memory (the open chunk, already written
 * provisionally) are skipped: they would be rewritten at the next flush anyway.
 */
import type { ReplayDb, RecordingMeta } from './replayDb.ts';

export interface QuotaOptions {
  /** Largest sample-data size of one recording, in bytes. */
  readonly perRecordingBytes: number;
  /** Largest sample-data size of all recordings together, in bytes. */
  readonly globalBytes: number;
}

export const DEFAULT_QUOTA: QuotaOptions = {
  perRecordingBytes: Infinity,
  globalBytes: 2 * 1024 ** 3,
};

export interface EvictionReport {
  readonly recordingId: string;
  readonly chunks: number;
  readonly bytes: number;
  /** Latest chunk end evicted: the recording now starts after this device time. */
  readonly upTo: number;
}

/** Deletes oldest chunks; returns what went, per recording, and the updated metadata. */
export async function evictOldestChunks(
  db: ReplayDb,
  recordings: readonly RecordingMeta[],
  bytesToFree: number,
  protectedIds: ReadonlySet<number>,
): Promise<{ reports: EvictionReport[]; updated: RecordingMeta[] }> {
  const reports: EvictionReport[] = [];
  const updated: RecordingMeta[] = [];
  if (!(bytesToFree > 0)) return { reports, updated };
  const tx = db.transaction(['chunkIndex', 'chunkData', 'recordings'], 'readwrite', {
    durability: 'relaxed',
  });
  const index = tx.objectStore('chunkIndex');
  const data = tx.objectStore('chunkData');
  let freed = 0;
  for (const meta of recordings) {
    if (freed >= bytesToFree) break;
    const range = IDBKeyRange.bound([meta.id, -Infinity, -Infinity], [meta.id, Infinity, Infinity]);
    let cursor = await index.index('byRecordingT0').openCursor(range);
    let chunks = 0;
    let bytes = 0;
    let upTo = -Infinity;
    while (cursor !== null && freed < bytesToFree) {
      const entry = cursor.value;
      if (entry.id !== undefined && !protectedIds.has(entry.id)) {
        settle(data.delete(entry.id));
        settle(cursor.delete());
        chunks++;
        bytes += entry.bytes;
        freed += entry.bytes;
        upTo = Math.max(upTo, entry.t1);
      }
      cursor = await cursor.continue();
    }
    if (chunks > 0) {
      const next = { ...meta, bytes: Math.max(0, meta.bytes - bytes) };
      settle(tx.objectStore('recordings').put(next));
      updated.push(next);
      reports.push({ recordingId: meta.id, chunks, bytes, upTo });
    }
  }
  await tx.done;
  return { reports, updated };
}

export function describeEviction(report: EvictionReport, meta: RecordingMeta, why: string): string {
  return (
    `Replay store: evicted ${report.chunks} oldest chunks (${formatBytes(report.bytes)}) of ` +
    `recording "${meta.twin}" (${meta.id}); it now starts after ${new Date(report.upTo).toISOString()}. ` +
    `Reason: ${why}. Raise the quota or delete old recordings to keep more.`
  );
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

/**
 * Marks a request's promise as handled: a failed request aborts its transaction, and the
 * caller learns of it from `tx.done`, so the per-request rejection carries nothing new.
 */
export function settle(request: Promise<unknown>): void {
  request.catch(() => undefined);
}
