/**
 * The IndexedDB schema of the replay store. Version 1:
 *
 * - `recordings` (key `id`): {@link RecordingMeta}.
 * - `chunkIndex` (key `id`, auto-increment): {@link ChunkIndexEntry}, indexed by
 *   `[recordingId, channel, t0]` (latestAt, range) and `[recordingId, t0, id]` (replay across
 *   channels, eviction oldest-first; `id` makes the key unique so pages can resume after it).
 * - `chunkData` (out-of-line key = the chunk's id): {@link StoredChunkData}.
 *
 * Version 2 adds `annotations` (key `id`): {@link Annotation}, indexed by `[recordingId, t0]`.
 * Upgrades only add stores, so a version-1 database keeps its recordings and samples.
 *
 * The factory is injected (idb's `openDB` would use the global `indexedDB`), so tests pass
 * fake-indexeddb's and the worker passes `self.indexedDB`.
 */
import { wrap } from 'idb';
import type { DBSchema, IDBPDatabase } from 'idb';
import type { ChannelInfo } from '../protocol/relay.ts';
import type { Annotation } from './annotations.ts';
import type { ChunkIndexEntry, StoredChunkData } from './chunkCodec.ts';

export const REPLAY_DB_VERSION = 2;
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
  annotations: {
    key: string;
    value: Annotation;
    indexes: { byRecording: [string, number] };
  };
}

export type ReplayDb = IDBPDatabase<ReplayDbSchema>;

export interface OpenReplayDbHooks {
  /**
   * Another connection (an older tab) holds the database open at an older version, so the
   * upgrade waits until it closes.
   */
  readonly onBlocked?: () => void;
  /**
   * A newer version (a newer tab) wants to upgrade the database: this connection has been closed
   * so the upgrade can go on, and can no longer be used.
   */
  readonly onVersionChange?: () => void;
}

export async function openReplayDb(
  factory: IDBFactory,
  name: string,
  hooks: OpenReplayDbHooks = {},
): Promise<ReplayDb> {
  const request = factory.open(name, REPLAY_DB_VERSION);
  request.addEventListener('upgradeneeded', (event) => {
    const db = request.result;
    if (event.oldVersion < 1) {
      db.createObjectStore('recordings', { keyPath: 'id' });
      const index = db.createObjectStore('chunkIndex', { keyPath: 'id', autoIncrement: true });
      index.createIndex('byChannelT0', ['recordingId', 'channel', 't0']);
      index.createIndex('byRecordingT0', ['recordingId', 't0', 'id']);
      db.createObjectStore('chunkData');
    }
    if (event.oldVersion < 2) {
      const annotations = db.createObjectStore('annotations', { keyPath: 'id' });
      annotations.createIndex('byRecording', ['recordingId', 't0']);
    }
  });
  request.addEventListener('blocked', () => hooks.onBlocked?.());
  const db = await wrap(request);
  if (db === undefined) throw new Error('Replay store: IndexedDB returned no database.');
  // Without this an open tab would block every later upgrade until it is closed.
  db.addEventListener('versionchange', () => {
    db.close();
    hooks.onVersionChange?.();
  });
  return db as unknown as ReplayDb;
}
