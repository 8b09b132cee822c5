import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sample } from '../protocol/relay.ts';
import { encodeChunkData, summarizeChunk } from './chunkCodec.ts';
import { DEFAULT_REPLAY_DB_NAME, REPLAY_DB_VERSION } from './replayDb.ts';
import type { RecordingMeta } from './replayDb.ts';
import { ReplayStore } from './replayStore.ts';
import { manualTimer } from './testing.ts';

const open: ReplayStore[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((store) => store.close().catch(() => undefined)));
});

const channels = [{ id: 0, name: 'disp', unit: 'mm', source: 'test' }];
const meta: RecordingMeta = {
  id: 'rec-v1',
  twin: 'footbridge',
  startedAt: 1000,
  endedAt: 5000,
  channels,
  notes: 'written by version 1',
  windowMs: 1000,
  bytes: 3 * 24,
};

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

/** A database exactly as version 1 of the replay store created it, with one recording. */
async function createVersion1(factory: IDBFactory): Promise<IDBDatabase> {
  const req = factory.open(DEFAULT_REPLAY_DB_NAME, 1);
  req.onupgradeneeded = () => {
    const db = req.result;
    db.createObjectStore('recordings', { keyPath: 'id' });
    const index = db.createObjectStore('chunkIndex', { keyPath: 'id', autoIncrement: true });
    index.createIndex('byChannelT0', ['recordingId', 'channel', 't0']);
    index.createIndex('byRecordingT0', ['recordingId', 't0', 'id']);
    db.createObjectStore('chunkData');
  };
  const db = await request(req);
  const columns = {
    times: new Float64Array([1000, 1500, 1900]),
    values: new Float64Array([1, 2, 3]),
    receiveTimes: new Float64Array([1001, 1501, 1901]),
  };
  const tx = db.transaction(['recordings', 'chunkIndex', 'chunkData'], 'readwrite');
  tx.objectStore('recordings').put(meta);
  const key = await request(
    tx.objectStore('chunkIndex').add(summarizeChunk(meta.id, 0, columns, false)),
  );
  tx.objectStore('chunkData').put(encodeChunkData(columns), key);
  await new Promise((resolve) => (tx.oncomplete = resolve));
  return db;
}

describe('replay database upgrade', () => {
  it('is at version 2', () => {
    expect(REPLAY_DB_VERSION).toBe(2);
  });

  it('keeps version-1 recordings and samples when it adds the annotations store', async () => {
    const factory = new IDBFactory();
    (await createVersion1(factory)).close();

    const store = await ReplayStore.open({ indexedDB: factory, timer: manualTimer() });
    open.push(store);

    expect(store.listRecordings()).toEqual([meta]);
    const samples: Sample[] = [];
    for await (const s of store.replay(meta.id, -Infinity)) samples.push(s);
    expect(samples).toEqual([
      [0, 1000, 1, 1001],
      [0, 1500, 2, 1501],
      [0, 1900, 3, 1901],
    ]);
    expect(await store.listAnnotations(meta.id)).toEqual([]);
    const a = await store.addAnnotation({
      recordingId: meta.id,
      t0: 1500,
      t1: 1500,
      text: 'after the upgrade',
      author: 'operator',
      kind: 'note',
    });
    expect(await store.listAnnotations(meta.id)).toEqual([a]);
  });

  it('waits for an older tab that holds version 1 open, saying so, and upgrades once it closes', async () => {
    const factory = new IDBFactory();
    const older = await createVersion1(factory); // no versionchange handler: it never lets go
    const notices: string[] = [];
    let opened = false;

    const opening = ReplayStore.open({
      indexedDB: factory,
      timer: manualTimer(),
      onNotice: (message) => notices.push(message),
    }).then((store) => {
      opened = true;
      open.push(store);
      return store;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(opened).toBe(false);
    expect(notices).toEqual([expect.stringMatching(/waiting for another Twinbench tab/)]);

    older.close();
    const store = await opening;
    expect(store.listRecordings().map((r) => r.id)).toEqual([meta.id]);
  });

  it('lets a newer version upgrade: the open store closes itself and says to reload', async () => {
    const factory = new IDBFactory();
    const notices: string[] = [];
    const store = await ReplayStore.open({
      indexedDB: factory,
      timer: manualTimer(),
      onNotice: (message) => notices.push(message),
    });
    open.push(store);

    const newer = await request(factory.open(DEFAULT_REPLAY_DB_NAME, REPLAY_DB_VERSION + 1));
    newer.close();

    expect(store.isOpen).toBe(false);
    expect(notices).toEqual([expect.stringMatching(/upgraded the replay database.*reload it/)]);
  });
});
