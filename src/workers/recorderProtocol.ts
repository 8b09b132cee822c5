/**
 * The main thread ↔ recorder worker boundary (comlink). The worker owns the replay store on its
 * own `indexedDB`; the page sends it relay samples as flat, transferred Float64Arrays (see
 * `sampleBatch.ts`) and reads back plain data: summaries, status and notices through a proxied
 * callback, and query results.
 */
import type { ChannelInfo } from '../protocol/relay.ts';
import type { McapImportReport } from '../replay/mcap/mcapImport.ts';
import type {
  Annotation,
  AnnotationPatch,
  Coverage,
  LatestSample,
  NeighbourDirection,
  NewAnnotation,
  RangeSeries,
} from '../replay/replayStore.ts';

export type { McapImportReport } from '../replay/mcap/mcapImport.ts';

export type {
  Annotation,
  AnnotationKind,
  AnnotationPatch,
  Coverage,
  LatestSample,
  NeighbourDirection,
  NewAnnotation,
  RangeSeries,
} from '../replay/replayStore.ts';

export const RECORDER_PROTOCOL_VERSION = 1;

/** What the browser says about this origin's storage; null where it cannot tell. */
export interface StorageInfo {
  /** Bytes this origin uses (all storage, not only recordings). */
  readonly usage: number | null;
  readonly quota: number | null;
  /** Whether the browser granted persistent storage (exempt from eviction under pressure). */
  readonly persisted: boolean | null;
}

export interface RecordingSummary {
  readonly id: string;
  readonly twin: string;
  /** Wall-clock ms since the Unix epoch. */
  readonly startedAt: number;
  /** Null while recording, and for a recording whose page went away before it was ended. */
  readonly endedAt: number | null;
  readonly channels: readonly ChannelInfo[];
  readonly notes: string;
  /** Bytes of sample data in IndexedDB, and the samples they hold (evictions subtract). */
  readonly bytes: number;
  readonly storedSamples: number;
  /** Device times (ms since the epoch) of the earliest and latest sample; null when none. */
  readonly firstSampleTime: number | null;
  readonly lastSampleTime: number | null;
  /** True for the recording this worker is writing now. */
  readonly active: boolean;
}

export interface RecorderStatus {
  /** The recording being written, or null when none is. */
  readonly recordingId: string | null;
  /** Samples appended to it (in memory or stored). */
  readonly samplesRecorded: number;
  /** Of those, the samples written to IndexedDB by a completed flush. */
  readonly samplesPersisted: number;
  /** Device-time span of the samples appended to it; null before the first. */
  readonly firstTime: number | null;
  readonly lastTime: number | null;
  /**
   * Every sample appended before the last completed flush is in IndexedDB; this is the latest
   * device time among them. A reload now loses nothing at or before it.
   */
  readonly persistedThrough: number | null;
  /** Bytes the current recording holds in IndexedDB. */
  readonly bytes: number;
  /** Samples that could not be stored: arrived with no recording, or had no finite time. */
  readonly dropped: number;
  readonly storage: StorageInfo;
}

export interface NewRecordingRequest {
  readonly twin: string;
  readonly channels: readonly ChannelInfo[];
  readonly notes?: string;
}

/** A stretch of a recording for playback: samples packed by `encodeSampleBatch`. */
export interface SampleWindow {
  readonly batch: Float64Array;
  /** False when `limit` cut the window short; ask again from `next`. */
  readonly complete: boolean;
  readonly next: number;
}

export type RecorderEvent =
  | { readonly type: 'status'; readonly status: RecorderStatus }
  /** Evictions, quota trouble and failed flushes, as sentences for the user. */
  | { readonly type: 'notice'; readonly message: string; readonly at: number };

export interface RecorderWorkerApi {
  protocolVersion(): number;
  /**
   * Opens the replay store and starts flushing every second; status and notices come through
   * `onEvent` (a `Comlink.proxy`). Calls made before it resolves wait for it, in order.
   */
  open(onEvent: (event: RecorderEvent) => void): Promise<readonly RecordingSummary[]>;
  /** Ends the recording in progress, if any, and starts a new one. */
  start(request: NewRecordingRequest): Promise<RecordingSummary>;
  /**
   * Appends a batch from `encodeSampleBatch` to the recording in progress (or the one being
   * started). Transfer its buffer: `Comlink.transfer(batch, [batch.buffer])`.
   */
  append(batch: Float64Array): void;
  /** Seals and writes everything, and ends the recording in progress; null when none was. */
  stop(): Promise<RecordingSummary | null>;
  /** Recordings, oldest first. */
  list(): Promise<readonly RecordingSummary[]>;
  latestAt(
    recordingId: string,
    t: number,
    channels: readonly number[],
  ): Promise<(LatestSample | null)[]>;
  range(
    recordingId: string,
    t0: number,
    t1: number,
    channels: readonly number[],
    maxPoints: number,
  ): Promise<RangeSeries[]>;
  /**
   * Samples with device time in [t0, t1) in time order, of `channels` (all when null), at most
   * `limit`; the batch's buffer is transferred.
   */
  window(
    recordingId: string,
    t0: number,
    t1: number,
    channels: readonly number[] | null,
    limit: number,
  ): Promise<SampleWindow>;
  /**
   * Device time of the closest sample strictly before or after `t` on `channels` (all when
   * null); null when there is none. For stepping one sample back or forward.
   */
  neighbour(
    recordingId: string,
    t: number,
    direction: NeighbourDirection,
    channels: readonly number[] | null,
  ): Promise<number | null>;
  /**
   * Samples per bucket over [t0, t1] (all channels), estimated from the chunk index, for the
   * timeline's overview: 0 is a gap. 1 ≤ buckets ≤ 100 000; the counts' buffer is transferred.
   */
  coverage(recordingId: string, t0: number, t1: number, buckets: number): Promise<Coverage>;
  /** Stores a note or bookmark on a recording; the worker assigns `id` and `createdAt`. */
  addAnnotation(input: NewAnnotation): Promise<Annotation>;
  /** Changes text, t0 or t1; moving t0 of a point bookmark moves its t1 too. */
  updateAnnotation(id: string, patch: AnnotationPatch): Promise<Annotation>;
  deleteAnnotation(id: string): Promise<void>;
  /** The recording's annotations, by t0. */
  listAnnotations(recordingId: string): Promise<Annotation[]>;
  /** The recording as an MCAP file (Foxglove and Lichtblick open it); the buffer is transferred. */
  exportMcap(recordingId: string): Promise<Uint8Array>;
  /** A new recording from an MCAP file; what could not be imported is listed in the report. */
  importMcap(bytes: Uint8Array, twin: string): Promise<McapImportReport>;
  /** Deletes a finished recording and its samples; the one being written cannot be deleted. */
  deleteRecording(recordingId: string): Promise<void>;
  setNotes(recordingId: string, notes: string): Promise<RecordingSummary>;
  /** Writes what is pending and closes the store. */
  close(): Promise<void>;
}
