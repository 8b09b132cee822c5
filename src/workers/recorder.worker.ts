/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { RecorderService } from './recorderService.ts';
import { RECORDER_PROTOCOL_VERSION, type RecorderWorkerApi } from './recorderProtocol.ts';

let opening: Promise<RecorderService> | null = null;

/** Every call waits for open(); promise reactions keep the calls in the order they came. */
function service(): Promise<RecorderService> {
  if (opening === null)
    return Promise.reject(new Error('Twinbench recorder: call open() before anything else.'));
  return opening;
}

const api: RecorderWorkerApi = {
  protocolVersion: () => RECORDER_PROTOCOL_VERSION,

  async open(onEvent) {
    opening ??= RecorderService.open({
      indexedDB: self.indexedDB,
      storage: self.navigator.storage,
      onEvent,
    });
    return (await opening).list();
  },

  start: async (request) => (await service()).start(request),

  append(batch) {
    void service().then((s) => s.append(batch));
  },

  stop: async () => (await service()).stop(),
  list: async () => (await service()).list(),
  latestAt: async (recordingId, t, channels) =>
    (await service()).latestAt(recordingId, t, channels),
  range: async (recordingId, t0, t1, channels, maxPoints) =>
    (await service()).range(recordingId, t0, t1, channels, maxPoints),

  async window(recordingId, t0, t1, channels, limit) {
    const page = await (await service()).window(recordingId, t0, t1, channels, limit);
    return Comlink.transfer(page, [page.batch.buffer]);
  },

  neighbour: async (recordingId, t, direction, channels) =>
    (await service()).neighbour(recordingId, t, direction, channels),

  async coverage(recordingId, t0, t1, buckets) {
    const coverage = await (await service()).coverage(recordingId, t0, t1, buckets);
    return Comlink.transfer(coverage, [coverage.counts.buffer]);
  },

  addAnnotation: async (input) => (await service()).addAnnotation(input),
  updateAnnotation: async (id, patch) => (await service()).updateAnnotation(id, patch),
  deleteAnnotation: async (id) => (await service()).deleteAnnotation(id),
  listAnnotations: async (recordingId) => (await service()).listAnnotations(recordingId),

  async exportMcap(recordingId) {
    const bytes = await (await service()).exportMcap(recordingId);
    return Comlink.transfer(bytes, [bytes.buffer]);
  },
  importMcap: async (bytes, twin) => (await service()).importMcap(bytes, twin),
  deleteRecording: async (recordingId) => (await service()).deleteRecording(recordingId),
  setNotes: async (recordingId, notes) => (await service()).setNotes(recordingId, notes),

  async close() {
    const current = opening;
    opening = null;
    if (current) await (await current).close();
  },
};

Comlink.expose(api);
