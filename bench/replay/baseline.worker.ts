/// <reference lib="webworker" />
/**
 * The peer: what a user writes by hand — one IndexedDB record per sample,
 * `{ channel, time, value, receiveTime }` (the same four numbers the store keeps), in an object
 * store with an auto-increment key and an index on `[channel, time]` for "latest value at t".
 * Fed exactly as the store worker is (transferred batches over comlink) and given the store's
 * advantages: buffered in memory, written once a second of wall time in one transaction with
 * relaxed durability, raw IDB requests (no promise per request).
 */
import * as Comlink from 'comlink';
import { SAMPLE_STRIDE } from '../../src/workers/sampleBatch.ts';
import { deleteDatabase } from './idb.ts';
import type { IngestWorkerApi } from './protocol.ts';

const STORE = 'samples';
let db: IDBDatabase | null = null;
let dbName = '';
let pending: Float64Array[] = [];
let recorded = 0;
let persisted = 0;
let flushing: Promise<void> | null = null;
let timer: ReturnType<typeof setInterval> | undefined;
let flushes = 0;
let flushSeconds = 0;
let appendSeconds = 0;
let failure: Error | null = null;

function openDb(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = self.indexedDB.open(name, 1);
    request.onupgradeneeded = () => {
      const store = request.result.createObjectStore(STORE, { autoIncrement: true });
      store.createIndex('byChannelTime', ['channel', 'time']);
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error(`could not open ${name}`));
  });
}

function writeAll(database: IDBDatabase, batches: readonly Float64Array[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const tx = database.transaction(STORE, 'readwrite', { durability: 'relaxed' });
    const store = tx.objectStore(STORE);
    for (const batch of batches) {
      for (let k = 0; k < batch.length; k += SAMPLE_STRIDE) {
        store.add({
          channel: batch[k]!,
          time: batch[k + 1]!,
          value: batch[k + 2]!,
          receiveTime: batch[k + 3]!,
        });
      }
    }
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('baseline transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('baseline transaction aborted'));
  });
}

/** One flush at a time, as the recorder's tick: a timer firing mid-flush is skipped. */
async function flush(): Promise<void> {
  if (db === null || pending.length === 0) return;
  const batches = pending;
  const through = recorded;
  pending = [];
  await writeAll(db, batches);
  persisted = through;
}

function tick(): void {
  if (flushing !== null) return;
  const t0 = performance.now();
  flushing = flush()
    .then(() => {
      flushes++;
      flushSeconds += (performance.now() - t0) / 1000;
    })
    .catch(
      (error: unknown) =>
        void (failure ??= error instanceof Error ? error : new Error(String(error))),
    )
    .finally(() => (flushing = null));
}

const unsupported = () => Promise.reject(new Error('replay bench: the baseline has no queries.'));

const api: IngestWorkerApi = {
  async open(name, _windowMs) {
    dbName = name;
    db = await openDb(name);
    timer = setInterval(tick, 1000);
  },

  start: () => Promise.resolve('baseline'),

  append(batch) {
    const t0 = performance.now();
    pending.push(batch);
    recorded += batch.length / SAMPLE_STRIDE;
    appendSeconds += (performance.now() - t0) / 1000;
  },

  progress: () => ({ recorded, persisted }),

  async stop() {
    clearInterval(timer);
    await flushing;
    if (failure !== null) throw failure;
    await flush();
    return { flushes, flushSeconds, appendSeconds, notices: [] };
  },

  latestAt: unsupported,
  range: unsupported,

  async destroy() {
    clearInterval(timer);
    db?.close();
    db = null;
    await deleteDatabase(self.indexedDB, dbName);
  },
};

Comlink.expose(api);
