/**
 * Live telemetry as the app receives it: the relay flushes every 50 ms, so every 50 ms a batch
 * of five 100 Hz ticks of every channel arrives and goes into the workbench's LiveTelemetry
 * (`telemetry.ingest(samples)` in src/app/workbench.ts). Values are the replay bench's synthetic
 * sinusoids, stamped with the wall clock, so colours and positions change every frame.
 */
import type { LiveTelemetry } from '../../src/telemetry/liveTelemetry.ts';
import { decodeSampleBatch, SAMPLE_STRIDE } from '../../src/workers/sampleBatch.ts';
import { SAMPLE_PERIOD_MS, START_TIME, Telemetry } from '../replay/telemetry.ts';

/** The relay's flush period. */
export const BATCH_MS = 50;

/** Starts feeding `live` with `channels` channels (ids 0…channels−1); returns the stop function. */
export function startLiveFeed(live: LiveTelemetry, channels: number, seed: number): () => void {
  const telemetry = new Telemetry(channels, seed);
  const offset = Date.now() - START_TIME;
  const timer = setInterval(() => {
    const batch = telemetry.batch(BATCH_MS / SAMPLE_PERIOD_MS);
    for (let k = 0; k < batch.length; k += SAMPLE_STRIDE) {
      batch[k + 1]! += offset;
      batch[k + 3]! += offset;
    }
    live.ingest(decodeSampleBatch(batch), Date.now());
  }, BATCH_MS);
  return () => clearInterval(timer);
}
