/**
 * Drafts in IndexedDB, one record per model the author works on, with its history (undo across
 * reloads) and the original it started from (the diff's left side), and named snapshots. The
 * factory is injected (tests pass fake-indexeddb's). Database `twinbench-portal`, version 1:
 *
 * - `drafts` (key `id`): {@link DraftRecord}.
 * - `snapshots` (key `[draftId, name]`): {@link DraftSnapshot}, indexed by `draftId`.
 */
import { wrap, type DBSchema, type IDBPDatabase } from 'idb';
import type { ModelFiles } from '../models/modelFiles.ts';
import type { DraftHistory } from './draftHistory.ts';
import { draftStoreError, unavailable } from './draftStoreError.ts';

export const DRAFT_DB_NAME = 'twinbench-portal';
export const DRAFT_DB_VERSION = 1;

export interface DraftRecord {
  /** `pidPlant` for an example's own draft, `model-…` for a model started from one. */
  readonly id: string;
  readonly title: string;
  /** The example it started from. */
  readonly origin: string;
  /** The version the diff compares with: the example as it shipped. */
  readonly original: ModelFiles;
  readonly manifest: string;
  readonly history: DraftHistory;
  readonly activeFile: string;
  /** Wall-clock ms of the last save. */
  readonly updatedAt: number;
}

export interface DraftSnapshot {
  readonly draftId: string;
  readonly name: string;
  readonly at: number;
  readonly files: Readonly<Record<string, string>>;
}

export type DraftSummary = Pick<DraftRecord, 'id' | 'title' | 'origin' | 'updatedAt'>;

interface DraftDbSchema extends DBSchema {
  drafts: { key: string; value: DraftRecord };
  snapshots: {
    key: [string, string];
    value: DraftSnapshot;
    indexes: { byDraft: string };
  };
}

export interface DraftStore {
  list(): Promise<DraftSummary[]>;
  get(id: string): Promise<DraftRecord | undefined>;
  /** Writes the draft; throws a DraftStoreError (`quota`, `failed`) that says what to do. */
  put(draft: DraftRecord): Promise<void>;
  /** Deletes the draft and its snapshots. */
  delete(id: string): Promise<void>;
  snapshots(draftId: string): Promise<DraftSnapshot[]>;
  /** Saves (or replaces) the snapshot named `snapshot.name`. */
  putSnapshot(snapshot: DraftSnapshot): Promise<void>;
  deleteSnapshot(draftId: string, name: string): Promise<void>;
  close(): void;
}

/**
 * Opens the store; throws a DraftStoreError `unavailable` when there is no IndexedDB or it
 * refuses to open (the caller keeps drafts in memory and says so).
 *
 * @example
 * const store = await openDraftStore(globalThis.indexedDB);
 */
export async function openDraftStore(
  factory: IDBFactory | undefined,
  name = DRAFT_DB_NAME,
): Promise<DraftStore> {
  if (!factory) throw unavailable('this browser has no indexedDB');
  let db: IDBPDatabase<DraftDbSchema>;
  try {
    const request = factory.open(name, DRAFT_DB_VERSION);
    request.addEventListener('upgradeneeded', () => {
      const raw = request.result;
      raw.createObjectStore('drafts', { keyPath: 'id' });
      raw
        .createObjectStore('snapshots', { keyPath: ['draftId', 'name'] })
        .createIndex('byDraft', 'draftId');
    });
    db = (await wrap(request)) as unknown as IDBPDatabase<DraftDbSchema>;
  } catch (error) {
    const e = draftStoreError(error, 'opening the drafts database');
    throw e.reason === 'failed' ? unavailable(e.message, error) : e;
  }
  // A newer tab upgrading the database: let it.
  db.addEventListener('versionchange', () => db.close());

  const attempt = async <T>(doing: string, body: () => Promise<T>): Promise<T> => {
    try {
      return await body();
    } catch (error) {
      throw draftStoreError(error, doing);
    }
  };

  return {
    list: () =>
      attempt('listing drafts', async () =>
        (await db.getAll('drafts'))
          .map(({ id, title, origin, updatedAt }) => ({ id, title, origin, updatedAt }))
          .sort((a, b) => b.updatedAt - a.updatedAt),
      ),
    get: (id) => attempt(`reading draft "${id}"`, () => db.get('drafts', id)),
    put: (draft) =>
      attempt(`saving draft "${draft.title}"`, async () => {
        await db.put('drafts', draft);
      }),
    delete: (id) =>
      attempt(`deleting draft "${id}"`, async () => {
        const tx = db.transaction(['drafts', 'snapshots'], 'readwrite');
        await tx.objectStore('drafts').delete(id);
        const snapshots = tx.objectStore('snapshots');
        for (const key of await snapshots.index('byDraft').getAllKeys(id))
          await snapshots.delete(key);
        await tx.done;
      }),
    snapshots: (draftId) =>
      attempt('listing snapshots', async () =>
        (await db.getAllFromIndex('snapshots', 'byDraft', draftId)).sort((a, b) => b.at - a.at),
      ),
    putSnapshot: (snapshot) =>
      attempt(`saving snapshot "${snapshot.name}"`, async () => {
        await db.put('snapshots', snapshot);
      }),
    deleteSnapshot: (draftId, snapshotName) =>
      attempt(`deleting snapshot "${snapshotName}"`, () =>
        db.delete('snapshots', [draftId, snapshotName]),
      ),
    close: () => db.close(),
  };
}
