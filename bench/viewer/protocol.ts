/**
 * The viewer bench's boundary: Node ↔ bench page (`window.__viewerBench`, called through
 * `page.evaluate`). Only plain data crosses it.
 */

/** Served path of each worker script (bench/viewer/serve.ts bundles them). */
export const WORKER_SCRIPTS = {
  /** `src/workers/recorder.worker.ts`, unchanged: what the app's `startRecorder` runs. */
  recorder: '/recorder.worker.js',
  /** `bench/replay/store.worker.ts`: RecorderService with the quotas lifted, for the ingest. */
  writer: '/store.worker.js',
} as const;

export interface SetupResult {
  readonly entities: number;
  readonly nodes: number;
  readonly members: number;
  readonly sensors: number;
  /** The twin's channels (`twinChannels`), in the order of their ids in the recording. */
  readonly channels: readonly string[];
  readonly webglRenderer: string;
  readonly userAgent: string;
}

export interface IngestParams {
  readonly samples: number;
  /** The page waits while more than this many appended samples are not yet in IndexedDB. */
  readonly maxBacklog: number;
  readonly seed: number;
}

export interface IngestResult {
  readonly recordingId: string;
  readonly samples: number;
  readonly seconds: number;
  readonly notices: readonly string[];
}

export interface RecordingInfo {
  readonly id: string;
  readonly storedSamples: number;
  readonly channels: number;
  /** Device-time span (ms since the epoch). */
  readonly start: number;
  readonly end: number;
  /** Wall time from starting the recorder worker to its list of recordings, ms. */
  readonly openMs: number;
}

export type AntialiasChoice = 'auto' | 'on' | 'off';

/** How TwinCanvas draws: with antialiasing or not, and what `auto` measured to decide. */
export interface RenderQualityReport {
  readonly mode: AntialiasChoice;
  readonly antialias: boolean;
  /** In `auto`: the median frame interval (ms) of the judged frames drawn with antialiasing. */
  readonly judgedMedianMs: number | null;
}

/** Which scene draws the twin: Twinbench's TwinCanvas, or one three.js Mesh per entity. */
export type SceneKind = 'twin' | 'baseline';

export interface FrameStats {
  /** Main-thread time per frame, ms: start of the frame's callbacks → end of the render call. */
  readonly durations: readonly number[];
  /** Wall time the frames were collected over, ms. */
  readonly spanMs: number;
  /** Durations of main-thread tasks over 50 ms (PerformanceObserver `longtask`) meanwhile. */
  readonly longTasks: readonly number[];
}

/** One scrub input: a pointerdown or pointermove on the bar that called `playback.seek`. */
export interface ScrubTarget {
  readonly seq: number;
  /** Part of a drag, or a lone click after the previous one was drawn with its history. */
  readonly kind: 'drag' | 'click';
  /** The input event's `timeStamp` (performance.now() time base). */
  readonly inputAt: number;
  /** The playback cursor the seek set (device time, ms). */
  readonly cursor: number;
  /** When Playback announced `ready` at this cursor (performance.now()), or null. */
  readyAt: number | null;
  /** `end` of the first frame drawn at this cursor with playback `ready`, or null. */
  drawnAt: number | null;
  /** `end` of the first frame at this cursor once the 10 s of history had been read, or null. */
  historyAt: number | null;
  /** `end` of the frame that drew a later target, when this one was never drawn. */
  supersededAt: number | null;
  /** The probe channels' values that frame read (checked against `latestAt` afterwards). */
  drawnValues: number[] | null;
}

export interface ScrubResult {
  readonly targets: readonly ScrubTarget[];
  readonly frames: FrameStats;
  /** Drawn targets whose probe values differ from the recorder's `latestAt` at their cursor. */
  readonly valueMismatches: number;
  readonly valuesChecked: number;
}

/** What the page exposes as `window.__viewerBench`. */
export interface ViewerBenchPage {
  /**
   * Parses the twin file with the app's `parseTwinFile`, and sets TwinCanvas's antialiasing
   * (`auto` forgets what an earlier run found, so the first frames are judged afresh).
   */
  setup(twinFile: string, antialias: AntialiasChoice): SetupResult;
  /** Records `samples` of synthetic telemetry through the app's RecorderService (quotas lifted). */
  ingest(params: IngestParams): Promise<IngestResult>;
  /** Starts the app's recorder worker as `startRecorder` does and finds the recording. */
  openRecording(recordingId: string): Promise<RecordingInfo>;
  /** Feeds live telemetry as the relay does: a batch every 50 ms, 100 Hz per channel. */
  startLive(seed: number): void;
  /**
   * Mounts a scene and resolves once it has drawn a frame; TwinCanvas in `auto` also once its
   * first frames are judged and it draws as judged. The baseline draws with TwinCanvas's
   * antialiasing as it stands.
   */
  mount(kind: SceneKind): Promise<RenderQualityReport>;
  unmount(): void;
  /**
   * Collects frame durations for at least `ms` of wall time and at least `minFrames` frames,
   * but no longer than `maxMs`.
   */
  measureFrames(ms: number, minFrames: number, maxMs: number): Promise<FrameStats>;
  /** Opens the recording in playback (the scene now draws it); resolves when it is ready. */
  startScrub(): Promise<void>;
  /** Labels the scrub inputs that follow (drags first, then lone clicks). */
  setInputKind(kind: 'drag' | 'click'): void;
  /** Whether the latest scrub target has been drawn, and drawn with its history read. */
  scrubSettled(): { readonly drawn: boolean; readonly history: boolean };
  /** Ends the scrub phase; checks drawn values against the recorder's `latestAt`. */
  finishScrub(): Promise<ScrubResult>;
}
