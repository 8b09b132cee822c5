/**
 * ReplayStore: every relay sample kept in IndexedDB as chunked columns, queryable while it is
 * still being written. Framework-free; the worker owns one, tests give it fake-indexeddb.
 *
 * ```ts
 * const store = await ReplayStore.open({ indexedDB: self.indexedDB, onNotice: console.warn });
 * const rec = await store.createRecording({ twin: 'footbridge', channels });
 * store.append(rec.id, message.samples); // from the relay, any order
 * const values = await store.latestAt(rec.id, cursorTime, [0, 1, 2]);
 * ```
 */
import type { ChannelInfo, Sample } from '../protocol/relay.ts';
import {
  compareAnnotations,
  makeAnnotation,
  parseAnnotationContent,
  patchAnnotation,
} from './annotations.ts';
import type {
  Annotation,
  AnnotationContent,
  AnnotationPatch,
  NewAnnotation,
} from './annotations.ts';
import { BYTES_PER_SAMPLE, encodeChunkData, summarizeChunk } from './chunkCodec.ts';
import type { ChunkIndexEntry, StoredChunkData } from './chunkCodec.ts';
import { ChannelChunker, DEFAULT_CHUNKING } from './channelChunker.ts';
import type { ChunkingOptions } from './channelChunker.ts';
import type { ChunkDraft } from './chunkDraft.ts';
import type { RangeSeries } from './minMaxBuckets.ts';
import { DEFAULT_REPLAY_DB_NAME, openReplayDb } from './replayDb.ts';
import type { RecordingMeta, ReplayDb } from './replayDb.ts';
import { ReplayError } from './replayError.ts';
import { latestAtQuery, rangeQuery, replayQuery } from './replayQueries.ts';
import type { LatestSample } from './replayQueries.ts';
import {
  DEFAULT_QUOTA,
  describeEviction,
  evictOldestChunks,
  formatBytes,
  settle,
} from './retention.ts';
import type { QuotaOptions } from './retention.ts';
import { coverageQuery, neighbourQuery } from './timelineQueries.ts';
import type { Coverage, NeighbourDirection } from './timelineQueries.ts';

export type {
  Annotation,
  AnnotationContent,
  AnnotationKind,
  AnnotationPatch,
  NewAnnotation,
} from './annotations.ts';
export type { Coverage, NeighbourDirection } from './timelineQueries.ts';
export type { LatestSample } from './replayQueries.ts';
export type { RangeSeries } from './minMaxBuckets.ts';
export type { RecordingMeta } from './replayDb.ts';

/** The timer the automatic flush runs on; tests pass a manual one. */
export interface FlushTimer {
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const systemTimer: FlushTimer = {
  setInterval: (callback, ms) => setInterval(callback, ms),
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
};

export interface ReplayStoreOptions {
  readonly indexedDB: IDBFactory;
  readonly dbName?: string;
  readonly chunking?: Partial<ChunkingOptions>;
  readonly quota?: Partial<QuotaOptions>;
  /** Automatic flush period in ms (default 1000); 0 turns it off. */
  readonly flushIntervalMs?: number;
  readonly timer?: FlushTimer;
  /** Wall clock for recording start and end (ms since the Unix epoch). */
  readonly now?: () => number;
  readonly newId?: () => string;
  /** Evictions, quota trouble and failed automatic flushes, as sentences for the user. */
  readonly onNotice?: (message: string) => void;
}

export interface NewRecording {
  readonly twin: string;
  readonly channels: readonly ChannelInfo[];
  readonly notes?: string;
  readonly startedAt?: number;
}

interface BatchItem {
  readonly chunker: ChannelChunker;
  readonly draft: ChunkDraft;
  readonly entry: ChunkIndexEntry;
  readonly data: StoredChunkData;
  readonly length: number;
  /** Bytes this write adds: the new size less what a provisional write already stored. */
  readonly addedBytes: number;
}

/** Largest `buckets` a coverage query takes. */
export const MAX_COVERAGE_BUCKETS = 100_000;

function annotationRange(recordingId: string): IDBKeyRange {
  return IDBKeyRange.bound([recordingId, -Infinity], [recordingId, Infinity]);
}

function unknownAnnotation(id: string): ReplayError {
  return new ReplayError(
    'unknown_annotation',
    `no annotation "${id}"; it may have been deleted. Pick one from listAnnotations().`,
  );
}

function isQuotaError(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'name' in error &&
    error.name === 'QuotaExceededError'
  );
}

export class ReplayStore {
  private readonly recordings = new Map<string, RecordingMeta>();
  private readonly chunkers = new Map<string, Map<number, ChannelChunker>>();
  private readonly chunking: ChunkingOptions;
  private readonly quota: QuotaOptions;
  private readonly timerHandle: unknown;
  private flushing: Promise<void> = Promise.resolve();
  private closed = false;
  /** Samples skipped by append because their device time was not a finite number. */
  rejectedSamples = 0;

  private constructor(
    private readonly db: ReplayDb,
    private readonly options: ReplayStoreOptions,
    existing: readonly RecordingMeta[],
  ) {
    this.chunking = { ...DEFAULT_CHUNKING, ...options.chunking };
    if (!(this.chunking.windowMs > 0) || !(this.chunking.maxSamples >= 1)) {
      throw new ReplayError(
        'invalid_argument',
        'chunking.windowMs must be > 0 and maxSamples ≥ 1.',
      );
    }
    this.quota = { ...DEFAULT_QUOTA, ...options.quota };
    for (const meta of existing) this.recordings.set(meta.id, meta);
    const interval = options.flushIntervalMs ?? 1000;
    const timer = options.timer ?? systemTimer;
    this.timerHandle =
      interval > 0 ? timer.setInterval(() => void this.autoFlush(), interval) : undefined;
  }

  static async open(options: ReplayStoreOptions): Promise<ReplayStore> {
    // The hook can fire only after open, once the store exists.
    const opened: { store?: ReplayStore } = {};
    const db = await openReplayDb(options.indexedDB, options.dbName ?? DEFAULT_REPLAY_DB_NAME, {
      onBlocked: () =>
        options.onNotice?.(
          'Replay store: waiting for another Twinbench tab to let go of the replay database so it can be upgraded; reload or close that tab.',
        ),
      onVersionChange: () => opened.store?.lostDatabase(),
    });
    const existing = await db.getAll('recordings');
    const store = new ReplayStore(db, options, existing);
    opened.store = store;
    return store;
  }

  // ---- recordings ------------------------------------------------------------------------

  async createRecording(init: NewRecording): Promise<RecordingMeta> {
    this.assertOpen();
    const meta: RecordingMeta = {
      id: this.newId(),
      twin: init.twin,
      startedAt: init.startedAt ?? this.now(),
      endedAt: null,
      channels: init.channels,
      notes: init.notes ?? '',
      windowMs: this.chunking.windowMs,
      bytes: 0,
    };
    await this.db.put('recordings', meta);
    this.recordings.set(meta.id, meta);
    return meta;
  }

  /** Recordings, oldest first. */
  listRecordings(): RecordingMeta[] {
    return [...this.recordings.values()].sort((a, b) => a.startedAt - b.startedAt);
  }

  /** Seals every open chunk, writes it and sets `endedAt`. */
  async endRecording(recordingId: string, endedAt = this.now()): Promise<RecordingMeta> {
    this.meta(recordingId);
    for (const chunker of this.chunkers.get(recordingId)?.values() ?? []) chunker.sealOpen();
    await this.flush();
    const meta = { ...this.meta(recordingId), endedAt };
    await this.db.put('recordings', meta);
    this.recordings.set(recordingId, meta);
    return meta;
  }

  /** Replaces the recording's notes. */
  async setNotes(recordingId: string, notes: string): Promise<RecordingMeta> {
    this.assertOpen();
    const meta = { ...this.meta(recordingId), notes };
    await this.db.put('recordings', meta);
    this.recordings.set(recordingId, meta);
    return meta;
  }

  async deleteRecording(recordingId: string): Promise<void> {
    this.meta(recordingId);
    await this.flushing;
    this.chunkers.delete(recordingId);
    const tx = this.db.transaction(
      ['recordings', 'chunkIndex', 'chunkData', 'annotations'],
      'readwrite',
    );
    const range = IDBKeyRange.bound(
      [recordingId, -Infinity, -Infinity],
      [recordingId, Infinity, Infinity],
    );
    let cursor = await tx.objectStore('chunkIndex').index('byRecordingT0').openCursor(range);
    while (cursor !== null) {
      settle(tx.objectStore('chunkData').delete(cursor.value.id!));
      settle(cursor.delete());
      cursor = await cursor.continue();
    }
    const annotations = tx.objectStore('annotations');
    const keys = await annotations.index('byRecording').getAllKeys(annotationRange(recordingId));
    for (const key of keys) settle(annotations.delete(key));
    settle(tx.objectStore('recordings').delete(recordingId));
    await tx.done;
    this.recordings.delete(recordingId);
  }

  // ---- annotations -----------------------------------------------------------------------

  /**
   * Stores a note or bookmark on the recording; the store assigns `id` and `createdAt`.
   *
   * ```ts
   * await store.addAnnotation({ recordingId, t0: cursor, t1: cursor, text: '', author: 'operator', kind: 'note' });
   * ```
   */
  async addAnnotation(input: NewAnnotation): Promise<Annotation> {
    this.assertOpen();
    const annotation = makeAnnotation(input, this.newId(), this.now());
    this.meta(annotation.recordingId);
    await this.putAnnotations(annotation.recordingId, [annotation]);
    return annotation;
  }

  /**
   * Changes an annotation's text or times. Moving t0 of a point bookmark without giving t1 moves
   * t1 with it.
   */
  async updateAnnotation(id: string, patch: AnnotationPatch): Promise<Annotation> {
    this.assertOpen();
    const tx = this.db.transaction('annotations', 'readwrite');
    const current = await tx.store.get(id);
    if (current === undefined) {
      await tx.done;
      throw unknownAnnotation(id);
    }
    let next: Annotation;
    try {
      next = patchAnnotation(current, patch);
    } catch (error) {
      await tx.done;
      throw error;
    }
    settle(tx.store.put(next));
    await tx.done;
    return next;
  }

  async deleteAnnotation(id: string): Promise<void> {
    this.assertOpen();
    const tx = this.db.transaction('annotations', 'readwrite');
    const found = (await tx.store.count(id)) > 0;
    if (found) settle(tx.store.delete(id));
    await tx.done;
    if (!found) throw unknownAnnotation(id);
  }

  /** The recording's annotations, by t0 (then t1, then creation). */
  async listAnnotations(recordingId: string): Promise<Annotation[]> {
    this.meta(recordingId);
    const all = await this.db.getAllFromIndex(
      'annotations',
      'byRecording',
      annotationRange(recordingId),
    );
    return all.sort(compareAnnotations);
  }

  /**
   * Adds annotations read from a file (an MCAP import) to a recording, each with a new id and its
   * own `createdAt`; all or none. Each is checked as `addAnnotation` checks it.
   */
  async restoreAnnotations(
    recordingId: string,
    contents: readonly AnnotationContent[],
  ): Promise<Annotation[]> {
    this.assertOpen();
    this.meta(recordingId);
    const annotations = contents.map((content) => ({
      ...parseAnnotationContent(content),
      id: this.newId(),
      recordingId,
    }));
    await this.putAnnotations(recordingId, annotations);
    return annotations.sort(compareAnnotations);
  }

  // ---- ingest ----------------------------------------------------------------------------

  /**
   * Buffers samples in memory; they are queryable at once and written by the next flush.
   * Samples may arrive in any order; ones older than a sealed window go into a late chunk.
   */
  append(recordingId: string, samples: readonly Sample[]): void {
    this.assertOpen();
    this.meta(recordingId);
    let byChannel = this.chunkers.get(recordingId);
    if (byChannel === undefined) {
      byChannel = new Map();
      this.chunkers.set(recordingId, byChannel);
    }
    for (const [channel, time, value, receiveTime] of samples) {
      if (!Number.isFinite(time)) {
        this.rejectedSamples++;
        continue;
      }
      let chunker = byChannel.get(channel);
      if (chunker === undefined) {
        chunker = new ChannelChunker(channel, this.chunking);
        byChannel.set(channel, chunker);
      }
      chunker.push(time, value, receiveTime);
    }
  }

  /** False once closed, or once another tab's upgrade of the database closed it. */
  get isOpen(): boolean {
    return !this.closed;
  }

  /** Samples appended but not yet in IndexedDB. */
  get pendingSamples(): number {
    let n = 0;
    for (const byChannel of this.chunkers.values()) {
      for (const chunker of byChannel.values()) n += chunker.pendingSamples;
    }
    return n;
  }

  /** Samples that arrived after their window was sealed (kept, in late chunks). */
  get lateSamples(): number {
    let n = 0;
    for (const byChannel of this.chunkers.values()) {
      for (const chunker of byChannel.values()) n += chunker.lateSamples;
    }
    return n;
  }

  /**
   * Writes every sealed chunk, every late chunk and the changed part of every open chunk in one
   * relaxed-durability transaction, then enforces the quotas. Concurrent calls are queued.
   * On QuotaExceededError the batch stays in memory, the oldest chunks are evicted and the write
   * is retried once; if that fails too, the batch is still in memory and this throws.
   */
  flush(): Promise<void> {
    const run = this.flushing.then(() => this.flushNow());
    this.flushing = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.timerHandle !== undefined)
      (this.options.timer ?? systemTimer).clearInterval(this.timerHandle);
    await this.flush();
    this.closed = true;
    this.db.close();
  }

  // ---- queries ---------------------------------------------------------------------------

  /**
   * Each channel's last sample at or before `t` (device time), or `null` when the channel has
   * none that early — null rather than NaN, because NaN can be a stored value.
   */
  latestAt(
    recordingId: string,
    t: number,
    channels: readonly number[],
  ): Promise<(LatestSample | null)[]> {
    if (Number.isNaN(t))
      throw new ReplayError('invalid_argument', 'latestAt needs a time, got NaN.');
    return latestAtQuery(this.db, this.meta(recordingId), t, channels, (ch) =>
      this.drafts(recordingId, ch),
    );
  }

  /**
   * Min/max per bucket over [t0, t1]: `floor(maxPoints / 2)` equal buckets, so drawing each
   * bucket's min and max gives at most `maxPoints` points.
   */
  range(
    recordingId: string,
    t0: number,
    t1: number,
    channels: readonly number[],
    maxPoints: number,
  ): Promise<RangeSeries[]> {
    if (!(t1 >= t0) || !Number.isFinite(t0) || !Number.isFinite(t1)) {
      throw new ReplayError('invalid_argument', `range needs finite t0 ≤ t1, got ${t0}..${t1}.`);
    }
    if (!(maxPoints >= 2))
      throw new ReplayError('invalid_argument', `range needs maxPoints ≥ 2, got ${maxPoints}.`);
    const buckets = Math.floor(maxPoints / 2);
    return rangeQuery(this.db, this.meta(recordingId), t0, t1, channels, buckets, (ch) =>
      this.drafts(recordingId, ch),
    );
  }

  /**
   * Samples from `t0` on, in device-time order across channels. Flushes first and then reads
   * what IndexedDB holds; pacing by `speed` is the caller's job (it is accepted for the
   * worker API's sake and ignored here).
   */
  async *replay(
    recordingId: string,
    t0: number,
    _speed = 1,
  ): AsyncGenerator<Sample, void, undefined> {
    const meta = this.meta(recordingId);
    await this.flush();
    yield* replayQuery(this.db, meta, t0);
  }

  /**
   * Samples with device time in [t0, t1), in time order across channels (only `channels` when
   * given), at most `limit` of them: the playback's read-ahead. `complete` is false when the
   * limit cut the window short; `next` is then the time to continue from.
   */
  async window(
    recordingId: string,
    t0: number,
    t1: number,
    options: { readonly channels?: readonly number[]; readonly limit?: number } = {},
  ): Promise<{ samples: Sample[]; complete: boolean; next: number }> {
    if (!(t1 >= t0) || Number.isNaN(t0))
      throw new ReplayError('invalid_argument', `window needs t0 ≤ t1, got ${t0}..${t1}.`);
    const limit = options.limit ?? Infinity;
    const wanted = options.channels === undefined ? null : new Set(options.channels);
    const samples: Sample[] = [];
    for await (const sample of this.replay(recordingId, t0)) {
      if (sample[1] >= t1) break;
      if (wanted !== null && !wanted.has(sample[0])) continue;
      if (samples.length >= limit) {
        // Resume at this sample's time; samples sharing it are sent again, so cut before them.
        const next = sample[1];
        while (samples.length > 0 && samples.at(-1)![1] === next) samples.pop();
        return { samples, complete: false, next };
      }
      samples.push(sample);
    }
    return { samples, complete: true, next: t1 };
  }

  /**
   * Device time of the closest sample strictly before or after `t` on `channels` (every channel
   * when null), stored or still in memory; null when there is none. For stepping one sample
   * back or forward: `t = await store.neighbour(id, cursor, 'after', null) ?? cursor`.
   * Reads the chunk index and decodes only chunks that straddle `t`.
   */
  neighbour(
    recordingId: string,
    t: number,
    direction: NeighbourDirection,
    channels: readonly number[] | null,
  ): Promise<number | null> {
    if (Number.isNaN(t))
      throw new ReplayError('invalid_argument', 'neighbour needs a time, got NaN.');
    if (direction !== 'before' && direction !== 'after') {
      throw new ReplayError(
        'invalid_argument',
        `neighbour direction must be 'before' or 'after', got ${JSON.stringify(direction)}.`,
      );
    }
    const meta = this.meta(recordingId);
    const byChannel = this.chunkers.get(recordingId);
    const chunkers =
      channels === null
        ? [...(byChannel?.values() ?? [])]
        : channels.flatMap((channel) => byChannel?.get(channel) ?? []);
    const drafts = chunkers.flatMap((chunker) => chunker.drafts());
    return neighbourQuery(this.db, meta, t, direction, channels, drafts);
  }

  /**
   * Samples per bucket over [t0, t1] in `buckets` equal buckets, all channels together, for the
   * timeline's overview strip: a bucket with 0 is a gap. Estimated from the chunk index alone
   * (each stored chunk's samples spread uniformly over its span; see `coverageQuery`), exact for
   * samples still in memory.
   */
  coverage(recordingId: string, t0: number, t1: number, buckets: number): Promise<Coverage> {
    if (!Number.isFinite(t0) || !Number.isFinite(t1) || !(t1 > t0)) {
      throw new ReplayError('invalid_argument', `coverage needs finite t0 < t1, got ${t0}..${t1}.`);
    }
    if (!Number.isInteger(buckets) || buckets < 1 || buckets > MAX_COVERAGE_BUCKETS) {
      throw new ReplayError(
        'invalid_argument',
        `coverage needs a whole number of buckets from 1 to ${MAX_COVERAGE_BUCKETS}, got ${buckets}; one per pixel of the strip is plenty.`,
      );
    }
    const meta = this.meta(recordingId);
    const drafts = [...(this.chunkers.get(recordingId)?.values() ?? [])].flatMap((chunker) =>
      chunker.drafts(),
    );
    return coverageQuery(this.db, meta, t0, t1, buckets, drafts);
  }

  /** Device time of the recording's earliest sample, stored or in memory; null when it has none. */
  async firstSampleTime(recordingId: string): Promise<number | null> {
    const meta = this.meta(recordingId);
    let first = Infinity;
    for (const chunker of this.chunkers.get(recordingId)?.values() ?? []) {
      for (const draft of chunker.drafts())
        draft.forEach((time) => (first = Math.min(first, time)));
    }
    const range = IDBKeyRange.bound([meta.id, -Infinity, -Infinity], [meta.id, Infinity, Infinity]);
    const cursor = await this.db
      .transaction('chunkIndex', 'readonly')
      .store.index('byRecordingT0')
      .openCursor(range);
    if (cursor !== null) first = Math.min(first, cursor.value.t0);
    return first === Infinity ? null : first;
  }

  // ---- internals -------------------------------------------------------------------------

  /** Writes annotations of one recording, in one transaction that checks the recording exists. */
  private async putAnnotations(
    recordingId: string,
    annotations: readonly Annotation[],
  ): Promise<void> {
    const tx = this.db.transaction(['recordings', 'annotations'], 'readwrite');
    // Checked inside the transaction: a deleteRecording queued before it leaves no orphans.
    const exists = (await tx.objectStore('recordings').count(recordingId)) > 0;
    if (exists)
      for (const annotation of annotations) settle(tx.objectStore('annotations').add(annotation));
    await tx.done;
    if (!exists) {
      throw new ReplayError(
        'unknown_recording',
        `recording "${recordingId}" was deleted while its annotations were being stored; pick one from listRecordings().`,
      );
    }
  }

  /** Another tab upgraded the database and this connection was closed for it. */
  private lostDatabase(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timerHandle !== undefined)
      (this.options.timer ?? systemTimer).clearInterval(this.timerHandle);
    this.notice(
      'Replay store: a newer Twinbench in another tab upgraded the replay database, so this tab stopped recording; reload it.',
    );
  }

  private newId(): string {
    return this.options.newId?.() ?? crypto.randomUUID();
  }

  private async autoFlush(): Promise<void> {
    if (this.closed) return;
    try {
      await this.flush();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.notice(
        `Replay store: automatic flush failed; the samples stay in memory and the next flush retries. ${message}`,
      );
    }
  }

  private async flushNow(): Promise<void> {
    if (this.closed) return;
    const batch = this.collectBatch();
    if (batch.length === 0) return;
    try {
      await this.writeBatch(batch);
    } catch (error) {
      if (!isQuotaError(error)) throw error;
      const bytes = batch.reduce((sum, item) => sum + item.entry.bytes, 0);
      this.notice(
        `Replay store: the browser's storage quota was exceeded writing ${batch.length} chunks ` +
          `(${formatBytes(bytes)}); they are kept in memory, the oldest chunks are being evicted and the write retried.`,
      );
      await this.evict(this.listRecordings(), bytes, 'the browser storage quota was exceeded');
      try {
        await this.writeBatch(batch);
      } catch (retryError) {
        throw new ReplayError(
          'quota_exceeded',
          `storage is still full after evicting; ${batch.length} chunks stay in memory and the next flush retries. ` +
            'Free space (delete recordings) or lower the quotas.',
          { cause: retryError },
        );
      }
    }
    for (const item of batch) {
      item.draft.persistedCount = item.length;
      item.chunker.releaseWritten();
    }
    await this.enforceQuotas();
  }

  private collectBatch(): BatchItem[] {
    const batch: BatchItem[] = [];
    for (const [recordingId, byChannel] of this.chunkers) {
      for (const chunker of byChannel.values()) {
        for (const draft of chunker.collectBatch()) {
          const columns = draft.sorted();
          const entry = summarizeChunk(recordingId, draft.channel, columns, draft.late);
          batch.push({
            chunker,
            draft,
            entry: draft.id === undefined ? entry : { ...entry, id: draft.id },
            data: encodeChunkData(columns),
            length: draft.length,
            addedBytes: entry.bytes - draft.persistedCount * BYTES_PER_SAMPLE,
          });
        }
      }
    }
    return batch;
  }

  /**
   * One transaction; draft ids and recording sizes change only once it has committed. Any
   * failing request (or a put that throws, as a full disk can) aborts the whole transaction, so
   * IndexedDB never keeps an index entry without its data, and the first error is rethrown.
   */
  private async writeBatch(batch: readonly BatchItem[]): Promise<void> {
    const tx = this.db.transaction(['chunkIndex', 'chunkData', 'recordings'], 'readwrite', {
      durability: 'relaxed',
    });
    const index = tx.objectStore('chunkIndex');
    const data = tx.objectStore('chunkData');
    let failure: { error: unknown } | undefined;
    const fail = (error: unknown) => {
      failure ??= { error };
      try {
        tx.abort();
      } catch {
        // Already aborted or finished; `failure` carries the error that matters.
      }
    };
    const keys: number[] = [];
    const added = new Map<string, number>();
    const updated: RecordingMeta[] = [];
    const requests: Promise<unknown>[] = [];
    try {
      batch.forEach((item, k) => {
        const id = item.entry.id === undefined ? index.add(item.entry) : index.put(item.entry);
        requests.push(
          id.then((key) => {
            keys[k] = key;
            return data.put(item.data, key);
          }),
        );
        const recordingId = item.entry.recordingId;
        added.set(recordingId, (added.get(recordingId) ?? 0) + item.addedBytes);
      });
      for (const [recordingId, bytes] of added) {
        const meta = this.recordings.get(recordingId);
        if (meta === undefined) continue;
        const next = { ...meta, bytes: meta.bytes + bytes };
        requests.push(tx.objectStore('recordings').put(next));
        updated.push(next);
      }
    } catch (error) {
      fail(error);
    }
    for (const request of requests) request.catch(fail);
    await tx.done.catch((error: unknown) => fail(error));
    if (failure !== undefined) throw failure.error;
    batch.forEach((item, k) => (item.draft.id = keys[k]));
    for (const meta of updated) this.recordings.set(meta.id, meta);
  }

  private async enforceQuotas(): Promise<void> {
    for (const meta of this.listRecordings()) {
      const over = meta.bytes - this.quota.perRecordingBytes;
      if (over > 0) {
        await this.evict(
          [meta],
          over,
          `the recording exceeds its quota of ${formatBytes(this.quota.perRecordingBytes)}`,
        );
      }
    }
    const total = this.listRecordings().reduce((sum, meta) => sum + meta.bytes, 0);
    if (total > this.quota.globalBytes) {
      await this.evict(
        this.listRecordings(),
        total - this.quota.globalBytes,
        `all recordings together exceed the global quota of ${formatBytes(this.quota.globalBytes)}`,
      );
    }
  }

  private async evict(
    recordings: readonly RecordingMeta[],
    bytes: number,
    why: string,
  ): Promise<void> {
    const held = new Set<number>();
    for (const byChannel of this.chunkers.values()) {
      for (const chunker of byChannel.values()) {
        for (const draft of chunker.drafts()) if (draft.id !== undefined) held.add(draft.id);
      }
    }
    const { reports, updated } = await evictOldestChunks(this.db, recordings, bytes, held);
    for (const meta of updated) this.recordings.set(meta.id, meta);
    for (const report of reports)
      this.notice(describeEviction(report, this.meta(report.recordingId), why));
  }

  private drafts(recordingId: string, channel: number): readonly ChunkDraft[] {
    return this.chunkers.get(recordingId)?.get(channel)?.drafts() ?? [];
  }

  private meta(recordingId: string): RecordingMeta {
    const meta = this.recordings.get(recordingId);
    if (meta === undefined) {
      throw new ReplayError(
        'unknown_recording',
        `no recording "${recordingId}"; create it with createRecording() or pick one from listRecordings().`,
      );
    }
    return meta;
  }

  private assertOpen(): void {
    if (this.closed)
      throw new ReplayError('closed', 'this store is closed; open a new ReplayStore.');
  }

  private notice(message: string): void {
    this.options.onNotice?.(message);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
