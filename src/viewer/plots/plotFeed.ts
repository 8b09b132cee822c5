/**
 * What one plot draws, frame by frame: live histories, the recorder's decimated range queries,
 * or both. Plain TypeScript with the telemetry and the query injected, so the query schedule
 * (one in flight, stale results dropped, re-query once the window has moved) is tested in Node.
 */
import type uPlot from 'uplot';
import type { RangeSeries } from '../../replay/minMaxBuckets.ts';
import {
  bucketHistory,
  emptyColumn,
  frameFromRange,
  mergeFrame,
  type BucketColumn,
  type BucketFrame,
  type SampleHistory,
} from './plotBuckets.ts';
import { emptyAlignedData, toAlignedData } from './plotData.ts';
import {
  bucketGrid,
  DEFAULT_WINDOW_MS,
  liveNeed,
  liveWindow,
  needsRequery,
  playbackNeed,
  playbackWindow,
  snapToGrid,
  type TimeWindow,
  type WindowSpan,
} from './plotWindow.ts';

/** `RecorderHost.range`: min/max buckets, `floor(maxPoints / 2)` of them, over [t0, t1]. */
export type RangeQuery = (
  recordingId: string,
  t0: number,
  t1: number,
  channels: readonly number[],
  maxPoints: number,
) => Promise<RangeSeries[]>;

/** `LiveTelemetry`'s per-channel histories. */
export interface HistorySource {
  channel(name: string):
    | {
        readonly history: SampleHistory & { readonly size: number; readonly capacity: number };
      }
    | undefined;
}

/** The recording a plot reads, with the recording's id of each plotted channel. */
export interface RecordingRef {
  readonly id: string;
  /** Channel id in the recording of each plotted channel (same order), null when absent. */
  readonly channelIds: readonly (number | null)[];
  /** Device time of its first sample, when known. */
  readonly start: number | null;
}

export type FeedInput =
  | {
      readonly mode: 'live';
      /** Newest device time of the live telemetry. */
      readonly head: number;
      /** The recording being written, which holds what the live histories no longer do. */
      readonly recording: RecordingRef | null;
    }
  | {
      readonly mode: 'playback';
      readonly cursor: number;
      readonly start: number;
      readonly end: number;
      readonly recording: RecordingRef;
    };

export interface FeedUpdate {
  /** The x range to show now. */
  readonly window: TimeWindow;
  /** New data to draw, or null when the last data still stand. */
  readonly data: uPlot.AlignedData | null;
}

export interface PlotFeedOptions {
  /** Live data are rebuilt at most this often (ms of the `now` passed to `update`). */
  readonly liveIntervalMs?: number;
  /** Wait after a failed query before the next (ms). */
  readonly retryMs?: number;
}

interface Held {
  readonly window: TimeWindow;
  readonly bucketMs: number;
  readonly frame: BucketFrame;
  data: uPlot.AlignedData | null;
}

export class PlotFeed {
  /** Why the recorded data could not be read, or null. */
  problem: string | null = null;
  private readonly liveIntervalMs: number;
  private readonly retryMs: number;
  /** Bumped when what is queried changes (recording, channels, mode) and on dispose. */
  private generation = 0;
  private inFlight = false;
  private held: Held | null = null;
  /** `held` changed since it was last drawn. */
  private fresh = true;
  private key = '';
  private keyOf: RecordingRef | null | undefined = undefined;
  private keyMode = '';
  private now = 0;
  private retryAt = -Infinity;
  private lastLive = -Infinity;
  private lastLiveBucketMs = NaN;
  private lastWindow: TimeWindow = { t0: 0, t1: 0 };
  private oldestSeen = NaN;

  constructor(
    private readonly channels: readonly string[],
    private readonly sources: { readonly history: HistorySource; readonly range: RangeQuery },
    options: PlotFeedOptions = {},
  ) {
    this.liveIntervalMs = options.liveIntervalMs ?? 100;
    this.retryMs = options.retryMs ?? 2000;
  }

  /** A query is running (at most one at a time). */
  get querying(): boolean {
    return this.inFlight;
  }

  /** Call once per animation frame; `now` is a monotonic clock in ms. */
  update(input: FeedInput, span: WindowSpan, widthPx: number, now: number): FeedUpdate {
    this.now = now;
    this.syncKey(input);
    return input.mode === 'live'
      ? this.updateLive(input, span, widthPx, now)
      : this.updatePlayback(input, span, widthPx);
  }

  /** Drops any query still running. */
  dispose(): void {
    this.generation++;
  }

  private syncKey(input: FeedInput): void {
    if (input.recording === this.keyOf && input.mode === this.keyMode) return;
    this.keyOf = input.recording;
    this.keyMode = input.mode;
    const r = input.recording;
    const key = `${input.mode}|${r ? `${r.id}|${r.channelIds.join(',')}` : ''}`;
    if (key === this.key) return;
    this.key = key;
    this.generation++;
    this.held = null;
    this.fresh = true;
    this.problem = null;
    this.retryAt = -Infinity;
  }

  private updatePlayback(
    input: Extract<FeedInput, { mode: 'playback' }>,
    span: WindowSpan,
    widthPx: number,
  ): FeedUpdate {
    const window = playbackWindow(input.cursor, span, input.start, input.end);
    const { bucketMs } = bucketGrid(window, widthPx);
    const need = playbackNeed(window, { t0: input.start, t1: input.end }, bucketMs);
    if (need && needsRequery(this.held, need, bucketMs))
      this.request(input.recording, need.query, bucketMs);
    let data: uPlot.AlignedData | null = null;
    if (this.fresh) {
      this.fresh = false;
      const held = this.held;
      if (held) data = held.data ??= toAlignedData(held.frame);
      else data = emptyAlignedData(this.channels.length);
    }
    return { window, data };
  }

  private updateLive(
    input: Extract<FeedInput, { mode: 'live' }>,
    span: WindowSpan,
    widthPx: number,
    now: number,
  ): FeedUpdate {
    const recording = input.recording;
    const earliest =
      recording?.start ??
      (Number.isNaN(this.oldestSeen) ? input.head - DEFAULT_WINDOW_MS : this.oldestSeen);
    const window = liveWindow(input.head, span, earliest);
    const grid = bucketGrid(window, widthPx);
    const due =
      this.fresh ||
      now - this.lastLive >= this.liveIntervalMs ||
      grid.bucketMs !== this.lastLiveBucketMs;
    if (!due) return { window: this.lastWindow, data: null };

    const length = grid.k1 - grid.k0 + 1;
    // History reaches back to `historyFrom` for every plotted channel; a ring not yet full holds
    // everything since the page connected, which is all the recording has too.
    let historyFrom = -Infinity;
    let oldest = Infinity;
    const columns: (BucketColumn | null)[] = this.channels.map((name, i) => {
      const live = this.sources.history.channel(name);
      if (!live) return recording?.channelIds[i] == null ? null : emptyColumn(length);
      const bucketed = bucketHistory(live.history, grid.k0, length, grid.bucketMs);
      if (bucketed.oldest < oldest) oldest = bucketed.oldest;
      if (live.history.size >= live.history.capacity && bucketed.oldest > historyFrom)
        historyFrom = bucketed.oldest;
      return bucketed.column;
    });
    if (Number.isFinite(oldest)) this.oldestSeen = oldest;
    const frame: BucketFrame = { k0: grid.k0, length, bucketMs: grid.bucketMs, columns };

    const need = recording ? liveNeed(window, historyFrom, recording.start, grid.bucketMs) : null;
    if (recording && need) {
      if (needsRequery(this.held, need, grid.bucketMs))
        this.request(recording, need.query, grid.bucketMs);
      if (this.held) mergeFrame(frame, this.held.frame);
    }
    this.fresh = false;
    this.lastLive = now;
    this.lastLiveBucketMs = grid.bucketMs;
    this.lastWindow = window;
    return { window, data: toAlignedData(frame) };
  }

  private request(recording: RecordingRef, query: TimeWindow, bucketMs: number): void {
    if (this.inFlight || this.now < this.retryAt) return;
    const { k0, k1 } = snapToGrid(query, bucketMs);
    const length = k1 - k0;
    const window = { t0: k0 * bucketMs, t1: k1 * bucketMs };
    const ids: number[] = [];
    const queried = recording.channelIds.map((id) => (id === null ? null : ids.push(id) - 1));
    if (ids.length === 0) {
      this.accept(window, bucketMs, frameFromRange([], queried, k0, length, bucketMs));
      return;
    }
    const generation = this.generation;
    this.inFlight = true;
    // floor(maxPoints / 2) buckets come back: one per bucket of the grid.
    this.sources.range(recording.id, window.t0, window.t1, ids, 2 * length).then(
      (series) => {
        this.inFlight = false;
        if (generation !== this.generation) return;
        this.problem = null;
        this.accept(window, bucketMs, frameFromRange(series, queried, k0, length, bucketMs));
      },
      (error: unknown) => {
        this.inFlight = false;
        if (generation !== this.generation) return;
        this.problem = `cannot read the recording: ${error instanceof Error ? error.message : String(error)}`;
        this.retryAt = this.now + this.retryMs;
      },
    );
  }

  private accept(window: TimeWindow, bucketMs: number, frame: BucketFrame): void {
    this.held = { window, bucketMs, frame, data: null };
    this.fresh = true;
  }
}
