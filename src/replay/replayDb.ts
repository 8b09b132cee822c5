/**
 * The IndexedDB schema of the replay store. Version 1:
 *
 * - `recordings` (key `id`): {@link RecordingMeta}.
 * - `chunkIndex` (key `id`, auto-increment): {@link ChunkIndexEntry}, indexed by
 *   `[recordingId, channel, t0]` (latestAt, range) and `[recordingId, t0, id]` (replay across
 *   channels, eviction oldest-first; `id` makes the key unique so pages can resume after it).
 * - `chunkData` (out-of-line key = the chunk's id): {@link StoredChunkData}.
 *
 * The factory is injected (idb's `openDB` would use the global `indexedDB`), so tests pass
 * fake-indexeddb's and the worker passes `self.indexedDB`.
 */
import { wrap } from 'idb';
import type { DBSchema, IDBPDatabase } from 'idb';
import type { ChannelInfo } from '../protocol/relay.ts';
import type { ChunkIndexEntry, StoredChunkData } from './chunkCodec.ts';

export const REPLAY_DB_VERSION = 1;
export const DEFAULT_REPLAY_DB_NAME = 'twinbench-replay';

export interface RecordingMeta {
  readonly id: string;
  readonly twin: string;
  /** Wall-clock ms since the Unix epoch. */
  readonly startedAt: number;
  readonly endedAt: number | null;
  readonly channels: readonly ChannelInfo[];
  readonly notes: string;
  /** Chunk window the recording was written with; queries depend on it. */
  readonly windowMs: number;
  /** Bytes of sample data currently stored (evictions subtract). */
  readonly bytes: number;
}

export interface ReplayDbSchema extends DBSchema {
  recordings: { key: string; value: RecordingMeta };
  chunkIndex: {
    key: number;
    value: ChunkIndexEntry;
    indexes: {
      byChannelT0: [string, number, number];
      byRecordingT0: [string, number, number];
    };
  };
  chunkData: { key: number; value: StoredChunkData };
}

export type ReplayDb = IDBPDatabase<ReplayDbSchema>;

export async function openReplayDb(factory: IDBFactory, name: string): Promise<ReplayDb> {
  const request = factory.open(name, REPLAY_DB_VERSION);
  request.addEventListener('upgradeneeded', (event) => {
    if (event.oldVersion < 1) {
      const db = request.result;
      db.createObjectStore('recordings', { keyPath: 'id' });
      const index = db.createObjectStore('chunkIndex', { keyPath: 'id', autoIncrement: true });
      index.createIndex('byChannelT0', ['recordingId', 'channel', 't0']);
      index.createIndex('byRecordingT0', ['recordingId', 't0', 'id']);
      db.createObjectStore('chunkData');
    }
  });
  const db = await wrap(request);
  if (db === undefined) throw new Error('Replay store: IndexedDB returned no database.');
  return db as unknown as ReplayDb;
}
