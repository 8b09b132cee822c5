/**
 * The bench page: plays the app's main thread. It makes relay-sized sample batches, transfers
 * them to the ingest worker over comlink as `src/app/recorder.ts` does, and times the queries
 * from here (round trip) while the worker times them around the store call.
 */
import * as Comlink from 'comlink';
import type { ChannelInfo } from '../../src/protocol/relay.ts';
import type {
  IngestKind,
  IngestParams,
  IngestProgress,
  IngestResult,
  IngestWorkerApi,
  LatestAtParams,
  QueryTimings,
  RangeParams,
  RangeTimings,
  ReplayBenchPage,
} from './protocol.ts';
import { WORKER_SCRIPT } from './protocol.ts';
import { SAMPLE_PERIOD_MS, Telemetry, random } from './telemetry.ts';

interface Session {
  readonly worker: Worker;
  readonly api: Comlink.Remote<IngestWorkerApi>;
  recordingId: string | null;
  channels: number;
  firstTime: number;
  lastTime: number;
}

let session: Session | null = null;

function current(): Session {
  if (session === null) throw new Error('replay bench: call prepare() first.');
  return session;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `count` distinct channel ids out of `channels`, at random. */
function pick(rand: () => number, channels: number, count: number): number[] {
  if (count >= channels) return Array.from({ length: channels }, (_, i) => i);
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(Math.floor(rand() * channels));
  return [...chosen];
}

const bench: ReplayBenchPage = {
  async prepare(kind: IngestKind, dbName: string, windowMs: number | null) {
    const worker = new Worker(WORKER_SCRIPT[kind], { type: 'module', name: `replay-${kind}` });
    const api = Comlink.wrap<IngestWorkerApi>(worker);
    await api.open(dbName, windowMs);
    session = { worker, api, recordingId: null, channels: 0, firstTime: NaN, lastTime: NaN };
  },

  async ingest(params: IngestParams): Promise<IngestResult> {
    const s = current();
    const { api } = s;
    const channels: ChannelInfo[] = Array.from({ length: params.channels }, (_, id) => ({
      id,
      name: `strain.${id}`,
      unit: 'µε',
      source: `mqtt:twinbench/bench/sensors/strain.${id}`,
    }));
    const recordingId = await api.start(channels);
    const telemetry = new Telemetry(params.channels, params.seed);
    const ticksPerBatch = Math.max(1, Math.round(params.batchMs / SAMPLE_PERIOD_MS));
    const perBatch = ticksPerBatch * params.channels;
    const batches = Math.ceil(params.samples / perBatch);
    // Ask for progress once a second of device time, but await the answer one round later, so
    // the worker always has a second of batches queued and never waits for the page.
    const checkEvery = Math.max(1, Math.round(1000 / params.batchMs));
    const firstTime = telemetry.nextTime;
    let inFlight: Promise<IngestProgress> | null = null;
    let throttled = 0;
    let largestBacklog = 0;
    const t0 = performance.now();
    for (let b = 0; b < batches; b++) {
      const batch = telemetry.batch(ticksPerBatch);
      void api.append(Comlink.transfer(batch, [batch.buffer]));
      if ((b + 1) % checkEvery !== 0) continue;
      const asked = inFlight;
      inFlight = api.progress();
      if (asked === null) continue;
      let progress = await asked;
      largestBacklog = Math.max(largestBacklog, progress.recorded - progress.persisted);
      if (progress.recorded - progress.persisted <= params.maxBacklog) continue;
      const waitStart = performance.now();
      while (progress.recorded - progress.persisted > params.maxBacklog) {
        await sleep(5);
        progress = await api.progress();
      }
      throttled += performance.now() - waitStart;
    }
    const stopped = await api.stop();
    const seconds = (performance.now() - t0) / 1000;
    const samples = batches * perBatch;
    Object.assign(s, {
      recordingId,
      channels: params.channels,
      firstTime,
      lastTime: telemetry.nextTime - SAMPLE_PERIOD_MS,
    });
    return {
      samples,
      seconds,
      flushes: stopped.flushes,
      flushSeconds: stopped.flushSeconds,
      appendSeconds: stopped.appendSeconds,
      throttledSeconds: throttled / 1000,
      largestBacklog,
      recordingId,
      firstTime,
      lastTime: s.lastTime,
      notices: stopped.notices,
    };
  },

  async latestAt(params: LatestAtParams): Promise<QueryTimings> {
    const s = current();
    if (s.recordingId === null) throw new Error('replay bench: ingest before querying.');
    const rand = random(params.seed);
    const inWorkerMs: number[] = [];
    const roundTripMs: number[] = [];
    let misses = 0;
    for (let q = 0; q < params.queries; q++) {
      const t = s.firstTime + rand() * (s.lastTime - s.firstTime);
      const channels = pick(rand, s.channels, params.channelsPerQuery);
      const t0 = performance.now();
      const { ms, result } = await s.api.latestAt(s.recordingId, t, channels);
      roundTripMs.push(performance.now() - t0);
      inWorkerMs.push(ms);
      if (result.some((sample) => sample === null || sample.time > t)) misses++;
    }
    return { inWorkerMs, roundTripMs, misses };
  },

  async range(params: RangeParams): Promise<RangeTimings> {
    const s = current();
    if (s.recordingId === null) throw new Error('replay bench: ingest before querying.');
    const rand = random(params.seed);
    const spanMs = Math.min(params.spanMs, s.lastTime - s.firstTime);
    const inWorkerMs: number[] = [];
    const roundTripMs: number[] = [];
    let points = 0;
    let chunksRead = 0;
    let chunksSummarized = 0;
    let misses = 0;
    for (let q = 0; q < params.repeats; q++) {
      const from = s.firstTime + rand() * (s.lastTime - s.firstTime - spanMs);
      const channels = pick(rand, s.channels, params.channelsPerQuery);
      const t0 = performance.now();
      const { ms, result } = await s.api.range(
        s.recordingId,
        from,
        from + spanMs,
        channels,
        params.maxPoints,
      );
      roundTripMs.push(performance.now() - t0);
      inWorkerMs.push(ms);
      for (const series of result) {
        const filled = series.count.filter((n) => n > 0).length;
        points += 2 * filled;
        if (filled < series.count.length) misses++;
        chunksRead += series.chunksRead;
        chunksSummarized += series.chunksSummarized;
      }
    }
    return { inWorkerMs, roundTripMs, misses, points, chunksRead, chunksSummarized, spanMs };
  },

  async dispose() {
    const s = session;
    session = null;
    if (s === null) return;
    await s.api.destroy();
    s.api[Comlink.releaseProxy]();
    s.worker.terminate();
  },
};

(window as unknown as { __replayBench: ReplayBenchPage }).__replayBench = bench;
