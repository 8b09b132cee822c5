/// <reference lib="webworker" />
/**
 * The app's recorder, as `src/workers/recorder.worker.ts` runs it: a RecorderService on the
 * worker's IndexedDB, flushing on its own 1 s wall-clock timer, fed transferred sample batches
 * over comlink. The quotas are lifted (100M samples are gigabytes; nothing may be evicted), and
 * `tick`/`append` are wrapped to time them; queries are timed here, around the service call.
 */
import * as Comlink from 'comlink';
import type { ChannelInfo } from '../../src/protocol/relay.ts';
import { ReplayStore } from '../../src/replay/replayStore.ts';
import { RecorderService } from '../../src/workers/recorderService.ts';
import { deleteDatabase } from './idb.ts';
import type { IngestWorkerApi } from './protocol.ts';

let service: RecorderService | null = null;
let dbName = '';
let recordingId = '';
const notices: string[] = [];
let flushes = 0;
let flushSeconds = 0;
let appendSeconds = 0;

function open(): RecorderService {
  if (service === null) throw new Error('replay bench: call open() first.');
  return service;
}

const api: IngestWorkerApi = {
  async open(name, windowMs) {
    dbName = name;
    if (windowMs !== null) {
      // Experiment knob: RecorderService takes no chunking option, so give it to the store.
      const openStore = ReplayStore.open.bind(ReplayStore);
      ReplayStore.open = (o) => openStore({ ...o, chunking: { windowMs } });
    }
    const opened = await RecorderService.open({
      indexedDB: self.indexedDB,
      storage: self.navigator.storage,
      dbName: name,
      quota: { perRecordingBytes: Infinity, globalBytes: Infinity },
      onEvent: (event) => {
        if (event.type === 'notice') notices.push(event.message);
      },
    });
    const tick = opened.tick.bind(opened);
    opened.tick = async () => {
      const t0 = performance.now();
      await tick();
      flushes++;
      flushSeconds += (performance.now() - t0) / 1000;
    };
    service = opened;
  },

  async start(channels: readonly ChannelInfo[]) {
    const summary = await open().start({ twin: 'replay-bench', channels });
    recordingId = summary.id;
    return recordingId;
  },

  append(batch) {
    const t0 = performance.now();
    open().append(batch);
    appendSeconds += (performance.now() - t0) / 1000;
  },

  progress() {
    const status = open().status();
    return { recorded: status.samplesRecorded, persisted: status.samplesPersisted };
  },

  async stop() {
    await open().stop();
    return { flushes, flushSeconds, appendSeconds, notices: [...notices] };
  },

  async latestAt(id, t, channels) {
    const t0 = performance.now();
    const result = await open().latestAt(id, t, channels);
    return { ms: performance.now() - t0, result };
  },

  async range(id, t0, t1, channels, maxPoints) {
    const start = performance.now();
    const result = await open().range(id, t0, t1, channels, maxPoints);
    return { ms: performance.now() - start, result };
  },

  async destroy() {
    await service?.close();
    service = null;
    await deleteDatabase(self.indexedDB, dbName);
  },
};

Comlink.expose(api);
