/**
 * What the recorder worker does, without the worker: one recording at a time written to a
 * {@link ReplayStore}, flushed on a timer of its own so it knows what a completed flush covered,
 * with status and notices reported through one callback. Tests run it on fake-indexeddb.
 */
import { BYTES_PER_SAMPLE } from '../replay/chunkCodec.ts';
import { exportMcap } from '../replay/mcap/mcapExport.ts';
import { importMcap } from '../replay/mcap/mcapImport.ts';
import { ReplayStore } from '../replay/replayStore.ts';
import type { FlushTimer, RecordingMeta, ReplayStoreOptions } from '../replay/replayStore.ts';
import type {
  Annotation,
  AnnotationPatch,
  Coverage,
  LatestSample,
  NeighbourDirection,
  NewAnnotation,
  McapImportReport,
  NewRecordingRequest,
  RangeSeries,
  RecorderEvent,
  RecorderStatus,
  RecordingSummary,
  SampleWindow,
  StorageInfo,
} from './recorderProtocol.ts';
import { SAMPLE_STRIDE, decodeSampleBatch, encodeSampleBatch } from './sampleBatch.ts';

/** The part of `navigator.storage` a worker can use (`persist()` is Window-only). */
export interface StorageLike {
  estimate(): Promise<{ usage?: number; quota?: number }>;
  persisted(): Promise<boolean>;
}

export interface RecorderServiceOptions {
  readonly indexedDB: IDBFactory;
  readonly onEvent: (event: RecorderEvent) => void;
  readonly storage?: StorageLike | undefined;
  readonly dbName?: string;
  /** Per-recording and global quotas of the replay store. */
  readonly quota?: ReplayStoreOptions['quota'];
  /** Flush period in ms (default 1000): a crash or reload loses at most this much. */
  readonly flushIntervalMs?: number;
  readonly timer?: FlushTimer;
  readonly now?: () => number;
}

const systemTimer: FlushTimer = {
  setInterval: (callback, ms) => setInterval(callback, ms),
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
};

interface Counters {
  recorded: number;
  persisted: number;
  firstTime: number | null;
  lastTime: number | null;
  persistedThrough: number | null;
}

type Session =
  | { readonly phase: 'starting'; readonly counters: Counters; readonly backlog: Float64Array[] }
  | { readonly phase: 'recording'; readonly counters: Counters; readonly id: string };

const freshCounters = (): Counters => ({
  recorded: 0,
  persisted: 0,
  firstTime: null,
  lastTime: null,
  persistedThrough: null,
});

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class RecorderService {
  private session: Session | null = null;
  private dropped = 0;
  private storageInfo: StorageInfo = { usage: null, quota: null, persisted: null };
  private readonly timerHandle: unknown;
  private flushFailing = false;
  private ticking = false;
  private closed = false;
  /** start() and stop() run one after another, in call order. */
  private lifecycle: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly store: ReplayStore,
    private readonly options: RecorderServiceOptions,
  ) {
    const timer = options.timer ?? systemTimer;
    this.timerHandle = timer.setInterval(() => void this.tick(), options.flushIntervalMs ?? 1000);
  }

  static async open(options: RecorderServiceOptions): Promise<RecorderService> {
    const notify = (text: string) =>
      options.onEvent({ type: 'notice', message: text, at: (options.now ?? Date.now)() });
    const store = await ReplayStore.open({
      indexedDB: options.indexedDB,
      ...(options.dbName === undefined ? {} : { dbName: options.dbName }),
      ...(options.now === undefined ? {} : { now: options.now }),
      ...(options.quota === undefined ? {} : { quota: options.quota }),
      // The service flushes on its own timer, so it knows which samples a flush covered.
      flushIntervalMs: 0,
      onNotice: notify,
    });
    const service = new RecorderService(store, options);
    await service.refreshStorage();
    return service;
  }

  /**
   * Ends the recording in progress, if any, and starts a new one. Batches appended from this
   * call on belong to the new recording, even while IndexedDB is still creating it.
   */
  start(request: NewRecordingRequest): Promise<RecordingSummary> {
    this.assertOpen();
    const previous = this.session;
    const session: Session = { phase: 'starting', counters: freshCounters(), backlog: [] };
    this.session = session;
    return this.enqueue(async () => {
      if (previous?.phase === 'recording') await this.store.endRecording(previous.id);
      let meta: RecordingMeta;
      try {
        meta = await this.store.createRecording({
          twin: request.twin,
          channels: request.channels,
          ...(request.notes === undefined ? {} : { notes: request.notes }),
        });
      } catch (error) {
        if (this.session === session) this.session = null;
        for (const batch of session.backlog) this.dropped += batch.length / SAMPLE_STRIDE;
        throw error;
      }
      for (const batch of session.backlog) this.appendTo(meta.id, batch, session.counters);
      if (this.session !== session) {
        // stop() or another start() came while this one was being created: end it at once.
        return this.summarize(await this.store.endRecording(meta.id), null);
      }
      this.session = { phase: 'recording', counters: session.counters, id: meta.id };
      this.emitStatus();
      return this.summarize(meta, meta.id);
    });
  }

  /** Appends a batch from `encodeSampleBatch` to the recording in progress. */
  append(batch: Float64Array): void {
    const session = this.session;
    // The store closes itself when a newer tab upgrades the database; it has said so.
    if (session === null || this.closed || !this.store.isOpen) {
      this.dropped += batch.length / SAMPLE_STRIDE;
    } else if (session.phase === 'starting') {
      session.backlog.push(batch);
    } else {
      this.appendTo(session.id, batch, session.counters);
    }
  }

  /** Seals and writes everything and ends the recording in progress; null when none was. */
  stop(): Promise<RecordingSummary | null> {
    const session = this.session;
    this.session = null;
    return this.enqueue(async () => {
      // A recording still being created sees it was superseded and ends itself.
      if (session?.phase !== 'recording') return null;
      const meta = await this.store.endRecording(session.id);
      session.counters.persisted = session.counters.recorded;
      session.counters.persistedThrough = session.counters.lastTime;
      this.emitStatus();
      return this.summarize(meta, null);
    });
  }

  async list(): Promise<RecordingSummary[]> {
    const active = this.session?.phase === 'recording' ? this.session.id : null;
    return Promise.all(this.store.listRecordings().map((meta) => this.summarize(meta, active)));
  }

  latestAt(
    recordingId: string,
    t: number,
    channels: readonly number[],
  ): Promise<(LatestSample | null)[]> {
    return this.store.latestAt(recordingId, t, channels);
  }

  range(
    recordingId: string,
    t0: number,
    t1: number,
    channels: readonly number[],
    maxPoints: number,
  ): Promise<RangeSeries[]> {
    return this.store.range(recordingId, t0, t1, channels, maxPoints);
  }

  async window(
    recordingId: string,
    t0: number,
    t1: number,
    channels: readonly number[] | null,
    limit: number,
  ): Promise<SampleWindow> {
    const page = await this.store.window(recordingId, t0, t1, {
      ...(channels === null ? {} : { channels }),
      limit,
    });
    return { batch: encodeSampleBatch(page.samples), complete: page.complete, next: page.next };
  }

  neighbour(
    recordingId: string,
    t: number,
    direction: NeighbourDirection,
    channels: readonly number[] | null,
  ): Promise<number | null> {
    return this.store.neighbour(recordingId, t, direction, channels);
  }

  coverage(recordingId: string, t0: number, t1: number, buckets: number): Promise<Coverage> {
    return this.store.coverage(recordingId, t0, t1, buckets);
  }

  addAnnotation(input: NewAnnotation): Promise<Annotation> {
    return this.store.addAnnotation(input);
  }

  updateAnnotation(id: string, patch: AnnotationPatch): Promise<Annotation> {
    return this.store.updateAnnotation(id, patch);
  }

  deleteAnnotation(id: string): Promise<void> {
    return this.store.deleteAnnotation(id);
  }

  listAnnotations(recordingId: string): Promise<Annotation[]> {
    return this.store.listAnnotations(recordingId);
  }

  exportMcap(recordingId: string): Promise<Uint8Array> {
    return exportMcap(this.store, recordingId);
  }

  async importMcap(bytes: Uint8Array, twin: string): Promise<McapImportReport> {
    const report = await importMcap(this.store, bytes, { twin });
    this.emitStatus();
    return report;
  }

  async deleteRecording(recordingId: string): Promise<void> {
    const session = this.session;
    if (session?.phase === 'recording' && session.id === recordingId) {
      throw new Error(
        'Twinbench recorder: this recording is being written; stop it (or wait for the next one) before deleting it.',
      );
    }
    await this.store.deleteRecording(recordingId);
    await this.refreshStorage();
    this.emitStatus();
  }

  async setNotes(recordingId: string, notes: string): Promise<RecordingSummary> {
    const meta = await this.store.setNotes(recordingId, notes);
    return this.summarize(meta, this.session?.phase === 'recording' ? this.session.id : null);
  }

  status(): RecorderStatus {
    const session = this.session;
    const c = session?.counters ?? freshCounters();
    const id = session?.phase === 'recording' ? session.id : null;
    const meta = id === null ? undefined : this.store.listRecordings().find((m) => m.id === id);
    return {
      recordingId: id,
      samplesRecorded: c.recorded,
      samplesPersisted: c.persisted,
      firstTime: c.firstTime,
      lastTime: c.lastTime,
      persistedThrough: c.persistedThrough,
      bytes: meta?.bytes ?? 0,
      dropped: this.dropped,
      storage: this.storageInfo,
    };
  }

  /** Flushes now (what the timer does every second) and then emits status. */
  async tick(): Promise<void> {
    if (this.ticking || this.closed) return;
    this.ticking = true;
    const c = this.session?.counters;
    const recorded = c?.recorded ?? 0;
    const through = c?.lastTime ?? null;
    try {
      await this.store.flush();
      if (c !== undefined) {
        c.persisted = Math.max(c.persisted, recorded);
        c.persistedThrough = through;
      }
      if (this.flushFailing) {
        this.flushFailing = false;
        this.notice('Recorder: writing to IndexedDB works again; nothing was lost.');
      }
    } catch (error) {
      // The store keeps the batch in memory and the next tick retries: say so once, not every second.
      if (!this.flushFailing) {
        this.flushFailing = true;
        this.notice(
          `Recorder: could not write to IndexedDB; the samples stay in memory and are retried every second. ${message(error)}`,
        );
      }
    } finally {
      this.ticking = false;
    }
    await this.refreshStorage();
    this.emitStatus();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.stop();
    this.closed = true;
    (this.options.timer ?? systemTimer).clearInterval(this.timerHandle);
    await this.store.close();
  }

  private appendTo(id: string, batch: Float64Array, c: Counters): void {
    const samples = decodeSampleBatch(batch);
    const rejectedBefore = this.store.rejectedSamples;
    this.store.append(id, samples);
    for (const [, time] of samples) {
      if (!Number.isFinite(time)) continue;
      if (c.firstTime === null || time < c.firstTime) c.firstTime = time;
      if (c.lastTime === null || time > c.lastTime) c.lastTime = time;
    }
    const rejected = this.store.rejectedSamples - rejectedBefore;
    this.dropped += rejected;
    c.recorded += samples.length - rejected;
  }

  private enqueue<T>(op: () => Promise<T>): Promise<T> {
    const run = this.lifecycle.then(op);
    this.lifecycle = run.catch(() => undefined);
    return run;
  }

  private async summarize(meta: RecordingMeta, active: string | null): Promise<RecordingSummary> {
    let lastSampleTime: number | null = null;
    let firstSampleTime: number | null = null;
    if (meta.bytes > 0 || meta.id === active) {
      firstSampleTime = await this.store.firstSampleTime(meta.id);
      const latest = await this.store.latestAt(
        meta.id,
        Infinity,
        meta.channels.map((ch) => ch.id),
      );
      for (const sample of latest) {
        if (sample !== null && (lastSampleTime === null || sample.time > lastSampleTime))
          lastSampleTime = sample.time;
      }
    }
    return {
      id: meta.id,
      twin: meta.twin,
      startedAt: meta.startedAt,
      endedAt: meta.endedAt,
      channels: meta.channels,
      notes: meta.notes,
      bytes: meta.bytes,
      storedSamples: Math.round(meta.bytes / BYTES_PER_SAMPLE),
      firstSampleTime,
      lastSampleTime,
      active: meta.id === active,
    };
  }

  private async refreshStorage(): Promise<void> {
    const storage = this.options.storage;
    if (storage === undefined) return;
    try {
      const [estimate, persisted] = await Promise.all([storage.estimate(), storage.persisted()]);
      this.storageInfo = {
        usage: estimate.usage ?? null,
        quota: estimate.quota ?? null,
        persisted,
      };
    } catch {
      // Some browsers refuse estimates in private windows; the panel shows "unknown".
    }
  }

  private emitStatus(): void {
    this.options.onEvent({ type: 'status', status: this.status() });
  }

  private notice(text: string): void {
    this.options.onEvent({ type: 'notice', message: text, at: (this.options.now ?? Date.now)() });
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('Twinbench recorder: closed; open a new recorder.');
  }
}
