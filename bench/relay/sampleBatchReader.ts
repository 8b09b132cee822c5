/**
 * Reads a Twinbench sample-batch frame (opcode 0x81, encodeSampleBatch in
 * src/protocol/foxglove.ts) into reusable columns, as a browser client hands samples on to its
 * store: no object and no BigInt per sample (parseServerBinary makes both; it is for tests).
 * u64 ns times become ms as a double (≈ 0.25 µs resolution today, plenty for latency).
 */
import { SERVER_BINARY_OPCODE, sampleBatchBytes } from '../../src/protocol/foxglove.ts';

/** Bytes per sample in the layout read below: u32 subscription, u64 device ns, u64 receive ns, f64 value. */
const SAMPLE_BYTES = 28;
const HEADER_BYTES = 5;
const TWO_32 = 4294967296;

if (
  sampleBatchBytes(1) - sampleBatchBytes(0) !== SAMPLE_BYTES ||
  sampleBatchBytes(0) !== HEADER_BYTES
)
  throw new Error(
    'relay bench: the sample-batch layout in src/protocol/foxglove.ts changed; update bench/relay/sampleBatchReader.ts to match',
  );

export class BatchColumns {
  count = 0;
  subscriptionIds = new Uint32Array(1024);
  deviceTimesMs = new Float64Array(1024);
  receiveTimesMs = new Float64Array(1024);
  values = new Float64Array(1024);

  reserve(count: number): void {
    if (this.values.length >= count) return;
    let size = this.values.length;
    while (size < count) size *= 2;
    this.subscriptionIds = new Uint32Array(size);
    this.deviceTimesMs = new Float64Array(size);
    this.receiveTimesMs = new Float64Array(size);
    this.values = new Float64Array(size);
  }
}

/** Whether `bytes` is a sample-batch frame (the first byte is its opcode). */
export const isSampleBatch = (bytes: Uint8Array): boolean =>
  bytes[0] === SERVER_BINARY_OPCODE.sampleBatch;

/**
 * Fills `into` with the frame's samples and returns their count; throws on a frame whose length
 * does not match its count.
 */
export function readSampleBatch(bytes: Uint8Array, into: BatchColumns): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(1, true);
  if (bytes.byteLength !== HEADER_BYTES + count * SAMPLE_BYTES)
    throw new Error(
      `relay bench: sample batch of ${count} samples is ${bytes.byteLength} bytes, expected ${HEADER_BYTES + count * SAMPLE_BYTES}`,
    );
  into.reserve(count);
  const { subscriptionIds, deviceTimesMs, receiveTimesMs, values } = into;
  for (let i = 0, at = HEADER_BYTES; i < count; i++, at += SAMPLE_BYTES) {
    subscriptionIds[i] = view.getUint32(at, true);
    deviceTimesMs[i] = (view.getUint32(at + 4, true) + view.getUint32(at + 8, true) * TWO_32) / 1e6;
    receiveTimesMs[i] =
      (view.getUint32(at + 12, true) + view.getUint32(at + 16, true) * TWO_32) / 1e6;
    values[i] = view.getFloat64(at + 20, true);
  }
  into.count = count;
  return count;
}
