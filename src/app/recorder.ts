/**
 * The page's side of the recorder worker: starts it, records the relay's samples into the
 * replay store (a new recording whenever the relay's channel table changes), and turns the
 * worker's status and notices into {@link RecorderState} for the workbench store.
 */
import * as Comlink from 'comlink';
import type { ChannelInfo, Sample } from '../protocol/relay.ts';
import {
  RECORDER_PROTOCOL_VERSION,
  type RecorderEvent,
  type RecorderStatus,
  type RecorderWorkerApi,
  type RecordingSummary,
} from '../workers/recorderProtocol.ts';
import { SAMPLE_STRIDE, encodeSampleBatch } from '../workers/sampleBatch.ts';

export interface RecorderNotice {
  readonly at: number;
  readonly message: string;
}

export interface RecorderState {
  readonly phase: 'starting' | 'ready' | 'failed';
  /** Why the recorder is not recording (failed to start, or a start that failed). */
  readonly problem: string | null;
  readonly status: RecorderStatus | null;
  /** Every recording in IndexedDB, oldest first, the one in progress included. */
  readonly recordings: readonly RecordingSummary[];
  /** The latest notices (evictions, quota, failed writes), oldest first. */
  readonly notices: readonly RecorderNotice[];
}

export const INITIAL_RECORDER_STATE: RecorderState = {
  phase: 'starting',
  problem: null,
  status: null,
  recordings: [],
  notices: [],
};

/** The queries are the worker's own (RecorderWorkerApi), forwarded. */
export interface RecorderHost extends Pick<
  RecorderWorkerApi,
  | 'list'
  | 'latestAt'
  | 'range'
  | 'window'
  | 'neighbour'
  | 'coverage'
  | 'addAnnotation'
  | 'updateAnnotation'
  | 'deleteAnnotation'
  | 'listAnnotations'
  | 'exportMcap'
  | 'importMcap'
  | 'deleteRecording'
  | 'setNotes'
> {
  /** The relay's channel table; a changed table starts a new recording. */
  setChannels(channels: readonly ChannelInfo[]): void;
  /** One relay `samples` message; posted to the worker without copying. */
  append(samples: readonly Sample[]): void;
  dispose(): void;
}

export interface RecorderOptions {
  /** Twin the recordings belong to. */
  readonly twin: string;
  /** A comlink endpoint speaking `RecorderWorkerApi`; tests pass one end of a MessageChannel. */
  readonly connect?: (onCrash: (message: string) => void) => RecorderConnection;
  /** Asks the browser to keep this origin's storage under pressure (Window-only API). */
  readonly requestPersistence?: () => Promise<boolean>;
}

export interface RecorderConnection {
  readonly endpoint: Comlink.Endpoint;
  terminate(): void;
}

const MAX_NOTICES = 5;
/** Samples held while the worker opens IndexedDB; beyond this the oldest go (with a notice). */
const MAX_PENDING_SAMPLES = 200_000;

/** Same ids, names and units in the same order: the samples' channel ids still mean the same. */
export function sameChannelTable(a: readonly ChannelInfo[], b: readonly ChannelInfo[]): boolean {
  return (
    a.length === b.length &&
    a.every((ch, i) => {
      const other = b[i]!;
      return ch.id === other.id && ch.name === other.name && ch.unit === other.unit;
    })
  );
}

function connectWorker(onCrash: (message: string) => void): RecorderConnection {
  const worker = new Worker(new URL('../workers/recorder.worker.ts', import.meta.url), {
    type: 'module',
    name: 'twinbench-recorder',
  });
  worker.addEventListener('error', (event) => onCrash(event.message || 'unknown error'));
  return { endpoint: worker, terminate: () => worker.terminate() };
}

/**
 * Starts the recorder worker. Every sample of every relay session is recorded: a recording
 * starts as soon as the channel table is known and lasts until the table changes (a relay
 * restart can reassign channel ids) or the page goes away.
 */
export function startRecorder(
  onState: (state: RecorderState) => void,
  options: RecorderOptions,
): RecorderHost {
  let state = INITIAL_RECORDER_STATE;
  const update = (patch: Partial<RecorderState>) => {
    state = { ...state, ...patch };
    onState(state);
  };
  const addNotice = (notice: RecorderNotice) =>
    update({ notices: [...state.notices, notice].slice(-MAX_NOTICES) });

  let connection: RecorderConnection;
  try {
    connection = (options.connect ?? connectWorker)((message) =>
      update({ phase: 'failed', problem: `recorder worker crashed: ${message}` }),
    );
  } catch (error) {
    update({ phase: 'failed', problem: `cannot start the recorder worker: ${String(error)}` });
    const unavailable = () => Promise.reject(new Error('Twinbench recorder: not running.'));
    return {
      setChannels() {},
      append() {},
      list: unavailable,
      latestAt: unavailable,
      range: unavailable,
      window: unavailable,
      neighbour: unavailable,
      coverage: unavailable,
      addAnnotation: unavailable,
      updateAnnotation: unavailable,
      deleteAnnotation: unavailable,
      listAnnotations: unavailable,
      exportMcap: unavailable,
      importMcap: unavailable,
      deleteRecording: unavailable,
      setNotes: unavailable,
      dispose() {},
    };
  }
  const api = Comlink.wrap<RecorderWorkerApi>(connection.endpoint);
  let ready = false;
  let disposed = false;
  let recordedTable: readonly ChannelInfo[] | null = null;
  let pendingTable: readonly ChannelInfo[] | null = null;
  let pending: Float64Array[] = [];
  let pendingSamples = 0;

  const refreshList = () =>
    api.list().then(
      (recordings) => !disposed && update({ recordings }),
      (error: unknown) =>
        !disposed && update({ problem: `cannot list recordings: ${String(error)}` }),
    );

  const onEvent = (event: RecorderEvent) => {
    if (disposed) return;
    switch (event.type) {
      case 'status': {
        update({ status: event.status });
        const id = event.status.recordingId;
        if (id !== null && !state.recordings.some((r) => r.id === id)) void refreshList();
        break;
      }
      case 'notice':
        addNotice({ at: event.at, message: event.message });
        void refreshList(); // evictions change the stored sizes
        break;
      default: {
        const unreachable: never = event;
        console.warn('Twinbench recorder: unknown event', unreachable);
      }
    }
  };

  const post = (batch: Float64Array) => void api.append(Comlink.transfer(batch, [batch.buffer]));

  const startRecording = (channels: readonly ChannelInfo[]) => {
    recordedTable = channels;
    // Sent before the samples that follow, so the worker files them under the new recording.
    api.start({ twin: options.twin, channels }).then(
      () => refreshList(),
      (error: unknown) =>
        !disposed && update({ problem: `could not start a recording: ${String(error)}` }),
    );
  };

  void (async () => {
    try {
      const version = await api.protocolVersion();
      if (version !== RECORDER_PROTOCOL_VERSION)
        throw new Error(
          `worker speaks protocol ${version}, page ${RECORDER_PROTOCOL_VERSION}: reload the page`,
        );
      const recordings = await api.open(Comlink.proxy(onEvent));
      if (disposed) return;
      ready = true;
      update({ phase: 'ready', recordings });
      if (pendingTable !== null) startRecording(pendingTable);
      for (const batch of pending) post(batch);
      pending = [];
      pendingSamples = 0;
      const persist = options.requestPersistence ?? (() => navigator.storage.persist());
      // Asked once; the worker reports the answer with the storage estimate.
      await persist().catch(() => false);
    } catch (error) {
      if (!disposed)
        update({ phase: 'failed', problem: `recorder did not start: ${String(error)}` });
    }
  })();

  return {
    setChannels(channels) {
      if (channels.length === 0) return;
      if (!ready) {
        pendingTable = channels;
        return;
      }
      if (recordedTable === null || !sameChannelTable(recordedTable, channels))
        startRecording(channels);
    },

    append(samples) {
      if (samples.length === 0 || disposed) return;
      const batch = encodeSampleBatch(samples);
      if (ready) return post(batch);
      pending.push(batch);
      pendingSamples += samples.length;
      if (pendingSamples > MAX_PENDING_SAMPLES) {
        const oldest = pending.shift()!;
        pendingSamples -= oldest.length / SAMPLE_STRIDE;
        addNotice({
          at: Date.now(),
          message: `Recorder: the worker is slow to open IndexedDB; dropped ${oldest.length / SAMPLE_STRIDE} of the oldest samples held for it.`,
        });
      }
    },

    list: () => api.list(),
    latestAt: (recordingId, t, channels) => api.latestAt(recordingId, t, channels),
    range: (recordingId, t0, t1, channels, maxPoints) =>
      api.range(recordingId, t0, t1, channels, maxPoints),
    window: (recordingId, t0, t1, channels, limit) =>
      api.window(recordingId, t0, t1, channels, limit),
    neighbour: (recordingId, t, direction, channels) =>
      api.neighbour(recordingId, t, direction, channels),
    coverage: (recordingId, t0, t1, buckets) => api.coverage(recordingId, t0, t1, buckets),
    addAnnotation: (input) => api.addAnnotation(input),
    updateAnnotation: (id, patch) => api.updateAnnotation(id, patch),
    deleteAnnotation: (id) => api.deleteAnnotation(id),
    listAnnotations: (recordingId) => api.listAnnotations(recordingId),
    exportMcap: (recordingId) => api.exportMcap(recordingId),
    importMcap: async (bytes, twin) => {
      const report = await api.importMcap(Comlink.transfer(bytes, [bytes.buffer]), twin);
      void refreshList();
      return report;
    },
    deleteRecording: async (recordingId) => {
      await api.deleteRecording(recordingId);
      void refreshList();
    },
    setNotes: async (recordingId, notes) => {
      const summary = await api.setNotes(recordingId, notes);
      void refreshList();
      return summary;
    },

    dispose() {
      disposed = true;
      void api.close().finally(() => connection.terminate());
    },
  };
}
