/**
 * Writes the bench's recording through the app's RecorderService in a dedicated worker (the
 * replay bench's writer: the service as `src/workers/recorder.worker.ts` runs it, quotas lifted
 * because 100M samples are 2.4 GB and the default 2 GiB quota would evict the oldest), into the
 * database the app's recorder worker opens. Relay-sized batches (50 ms of every channel at
 * 100 Hz) are transferred over comlink as `src/app/recorder.ts` does, as fast as IndexedDB takes
 * them: the page holds back while more than `maxBacklog` samples are unflushed.
 */
import * as Comlink from 'comlink';
import type { ChannelInfo } from '../../src/protocol/relay.ts';
import { DEFAULT_REPLAY_DB_NAME } from '../../src/replay/replayDb.ts';
import type { IngestWorkerApi } from '../replay/protocol.ts';
import { SAMPLE_PERIOD_MS, Telemetry } from '../replay/telemetry.ts';
import { BATCH_MS } from './liveFeed.ts';
import { WORKER_SCRIPTS, type IngestParams, type IngestResult } from './protocol.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function ingestRecording(
  channels: readonly ChannelInfo[],
  params: IngestParams,
  log: (message: string) => void,
): Promise<IngestResult> {
  const worker = new Worker(WORKER_SCRIPTS.writer, { type: 'module', name: 'viewer-bench-writer' });
  const api = Comlink.wrap<IngestWorkerApi>(worker);
  try {
    await api.open(DEFAULT_REPLAY_DB_NAME, null);
    const recordingId = await api.start(channels);
    const telemetry = new Telemetry(channels.length, params.seed);
    const ticks = BATCH_MS / SAMPLE_PERIOD_MS;
    const perBatch = ticks * channels.length;
    const batches = Math.ceil(params.samples / perBatch);
    // Progress is asked once a second of device time and awaited a round later, so the worker
    // always has batches queued and never waits for the page.
    const checkEvery = 1000 / BATCH_MS;
    let inFlight: ReturnType<typeof api.progress> | null = null;
    const t0 = performance.now();
    let lastLog = t0;
    for (let b = 0; b < batches; b++) {
      const batch = telemetry.batch(ticks);
      void api.append(Comlink.transfer(batch, [batch.buffer]));
      if ((b + 1) % checkEvery !== 0) continue;
      const asked = inFlight;
      inFlight = api.progress();
      if (asked === null) continue;
      let progress = await asked;
      while (progress.recorded - progress.persisted > params.maxBacklog) {
        await sleep(5);
        progress = await api.progress();
      }
      const now = performance.now();
      if (now - lastLog > 30_000) {
        lastLog = now;
        const s = (now - t0) / 1000;
        const rate = progress.persisted / s;
        const left = (batches * perBatch - progress.persisted) / rate;
        log(
          `ingest: ${(progress.persisted / 1e6).toFixed(1)}M of ${((batches * perBatch) / 1e6).toFixed(1)}M samples stored after ${s.toFixed(0)} s (${Math.round(rate)}/s, ≈ ${Math.round(left)} s left)`,
        );
      }
    }
    const stopped = await api.stop();
    return {
      recordingId,
      samples: batches * perBatch,
      seconds: (performance.now() - t0) / 1000,
      notices: stopped.notices,
    };
  } finally {
    api[Comlink.releaseProxy]();
    worker.terminate();
  }
}
