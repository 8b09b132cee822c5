/**
 * Relay samples as one flat Float64Array, `[channel, deviceTime, value, receiveTime, …]`, for the
 * main thread → recorder worker hop. A relay message holds hundreds of 4-tuples; structured
 * clone copies each as its own array, while a Float64Array's buffer is transferred without a
 * copy. Float64 keeps every JS number exactly, so nothing is rounded on the way to IndexedDB.
 */
import type { Sample } from '../protocol/relay.ts';

/** Numbers per sample in a batch. */
export const SAMPLE_STRIDE = 4;

/** Packs samples for `RecorderWorkerApi.append`; transfer `batch.buffer` when posting it. */
export function encodeSampleBatch(samples: readonly Sample[]): Float64Array {
  const batch = new Float64Array(samples.length * SAMPLE_STRIDE);
  let k = 0;
  for (const [channel, time, value, receiveTime] of samples) {
    batch[k++] = channel;
    batch[k++] = time;
    batch[k++] = value;
    batch[k++] = receiveTime;
  }
  return batch;
}

/**
 * Unpacks a batch. Throws a RangeError saying what was wrong when the length is not a multiple
 * of {@link SAMPLE_STRIDE} (a sender bug: nothing in it can be trusted to line up).
 */
export function decodeSampleBatch(batch: Float64Array): Sample[] {
  if (batch.length % SAMPLE_STRIDE !== 0) {
    throw new RangeError(
      `Twinbench recorder: a sample batch holds ${batch.length} numbers, not a multiple of ${SAMPLE_STRIDE}; ` +
        'build it with encodeSampleBatch().',
    );
  }
  const samples: Sample[] = new Array<Sample>(batch.length / SAMPLE_STRIDE);
  for (let i = 0, k = 0; k < batch.length; i++, k += SAMPLE_STRIDE) {
    samples[i] = [batch[k]!, batch[k + 1]!, batch[k + 2]!, batch[k + 3]!];
  }
  return samples;
}
