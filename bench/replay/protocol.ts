/**
 * The replay bench's two boundaries: Node ↔ bench page (`window.__replayBench`, called through
 * `page.evaluate`) and bench page ↔ ingest worker (comlink, as the app's recorder worker).
 * Only plain data crosses either.
 */
import type { ChannelInfo } from '../../src/protocol/relay.ts';
import type { LatestSample, RangeSeries } from '../../src/replay/replayStore.ts';

/** Which worker takes the samples: the app's recorder service, or one record per sample. */
export type IngestKind = 'store' | 'baseline';

export const WORKER_SCRIPT: Record<IngestKind, string> = {
  store: '/store.worker.js',
  baseline: '/baseline.worker.js',
};

export interface IngestParams {
  readonly channels: number;
  /** Samples to append; rounded up to whole batches. */
  readonly samples: number;
  /** Device time per batch (the relay sends one message every 50 ms). */
  readonly batchMs: number;
  /** The page waits while more than this many appended samples are not yet in IndexedDB. */
  readonly maxBacklog: number;
  readonly seed: number;
}

export interface IngestResult {
  readonly samples: number;
  /** Wall time from the first append to the end of the final flush. */
  readonly seconds: number;
  /** Automatic flushes (the recorder's 1 s timer) and the wall time they took, final flush apart. */
  readonly flushes: number;
  readonly flushSeconds: number;
  /** Time the worker spent inside `append` (decode and chunking, or buffering for the baseline). */
  readonly appendSeconds: number;
  /** Time the page spent waiting for the backlog to drop under `maxBacklog`. */
  readonly throttledSeconds: number;
  readonly largestBacklog: number;
  readonly recordingId: string;
  /** Device-time span of the recording (ms since the epoch). */
  readonly firstTime: number;
  readonly lastTime: number;
  readonly notices: readonly string[];
}

export interface LatestAtParams {
  readonly queries: number;
  /** Channels per query, drawn at random; `channels` (all of them) when it equals that. */
  readonly channelsPerQuery: number;
  readonly seed: number;
}

/** Milliseconds per query, timed in the worker around the store call and from the page. */
export interface QueryTimings {
  readonly inWorkerMs: readonly number[];
  readonly roundTripMs: readonly number[];
  /** Queries that found no sample for some asked channel (should be 0: times lie inside). */
  readonly misses: number;
}

export interface RangeParams {
  readonly spanMs: number;
  readonly channelsPerQuery: number;
  readonly maxPoints: number;
  readonly repeats: number;
  readonly seed: number;
}

export interface RangeTimings extends QueryTimings {
  /** Points returned (2 per non-empty bucket and channel) and chunks read vs summarised. */
  readonly points: number;
  readonly chunksRead: number;
  readonly chunksSummarized: number;
  readonly spanMs: number;
}

/** What the ingest worker reports between batches: drives the page's back-pressure. */
export interface IngestProgress {
  readonly recorded: number;
  readonly persisted: number;
}

export interface TimedQuery<T> {
  readonly ms: number;
  readonly result: T;
}

/** The comlink API of both ingest workers; queries only on the store worker. */
export interface IngestWorkerApi {
  /** `windowMs`: experiment only, the store's chunk window (null: the store's default). */
  open(dbName: string, windowMs: number | null): Promise<void>;
  start(channels: readonly ChannelInfo[]): Promise<string>;
  /** A batch from `encodeSampleBatch`'s layout; transfer its buffer. */
  append(batch: Float64Array): void;
  progress(): IngestProgress;
  /** Seals and writes everything (waits for the final flush). */
  stop(): Promise<{
    flushes: number;
    flushSeconds: number;
    appendSeconds: number;
    notices: string[];
  }>;
  latestAt(
    recordingId: string,
    t: number,
    channels: readonly number[],
  ): Promise<TimedQuery<(LatestSample | null)[]>>;
  range(
    recordingId: string,
    t0: number,
    t1: number,
    channels: readonly number[],
    maxPoints: number,
  ): Promise<TimedQuery<RangeSeries[]>>;
  /** Closes the store and deletes its database. */
  destroy(): Promise<void>;
}

/** What the page exposes as `window.__replayBench`. */
export interface ReplayBenchPage {
  /** Starts the worker and opens its database; the Node side attaches to it before ingest. */
  prepare(kind: IngestKind, dbName: string, windowMs: number | null): Promise<void>;
  ingest(params: IngestParams): Promise<IngestResult>;
  latestAt(params: LatestAtParams): Promise<QueryTimings>;
  range(params: RangeParams): Promise<RangeTimings>;
  /** Deletes the database and ends the worker. */
  dispose(): Promise<void>;
}
