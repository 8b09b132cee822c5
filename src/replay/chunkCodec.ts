/**
 * A chunk is one channel's samples in one time window, stored column-wise.
 *
 * Values are kept as Float64Array, not Float32Array: relay samples are JS numbers, the issue
 * promises "every sample kept" and an MCAP export that round-trips exactly, and float32 would
 * silently round counters, epoch timestamps and high-resolution strains (24-bit ADCs already
 * exceed float32's mantissa). The cost is 4 bytes a sample; chunks stay small enough anyway.
 * Receive times are kept too (a third column): they are what re-aligns a recording's clocks
 * later and what MCAP calls `logTime`.
 *
 * In IndexedDB a chunk is two records with the same key: its {@link ChunkIndexEntry} (small,
 * read by queries and overviews without touching samples) and its {@link StoredChunkData}
 * (ArrayBuffers, read only when the samples are needed).
 */
import { ReplayError } from './replayError.ts';

export interface ChunkIndexEntry {
  /** Primary key, assigned by IndexedDB when the chunk is first written. */
  readonly id?: number;
  readonly recordingId: string;
  readonly channel: number;
  /** First and last device time in the chunk (ms); samples are sorted, so t0 ≤ t1. */
  readonly t0: number;
  readonly t1: number;
  readonly count: number;
  /** Smallest and largest finite value; NaN when the chunk holds no finite value. */
  readonly min: number;
  readonly max: number;
  /** Bytes of sample data, for quotas. */
  readonly bytes: number;
  /** 1 for a chunk of samples that arrived after their window was sealed, else 0. */
  readonly late: 0 | 1;
}

/** What the chunk data store holds: plain object with ArrayBuffers (structured-clone friendly). */
export interface StoredChunkData {
  readonly times: ArrayBuffer;
  readonly values: ArrayBuffer;
  readonly receiveTimes: ArrayBuffer;
}

/** Decoded columns of one chunk, sorted by `times`. */
export interface ChunkColumns {
  readonly times: Float64Array;
  readonly values: Float64Array;
  readonly receiveTimes: Float64Array;
}

/** Bytes one sample takes in a chunk (three float64 columns). */
export const BYTES_PER_SAMPLE = 24;

/** Builds the index entry for sorted columns. Throws when the columns are not sorted. */
export function summarizeChunk(
  recordingId: string,
  channel: number,
  columns: ChunkColumns,
  late: boolean,
): ChunkIndexEntry {
  const { times, values } = columns;
  const count = times.length;
  if (count === 0 || values.length !== count || columns.receiveTimes.length !== count) {
    throw new ReplayError(
      'invalid_argument',
      `a chunk needs at least one sample and columns of equal length (got ${count}, ${values.length}, ${columns.receiveTimes.length}).`,
    );
  }
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < count; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    if (i > 0 && times[i]! < times[i - 1]!) {
      throw new ReplayError('invalid_argument', 'chunk times must be sorted; sort before sealing.');
    }
  }
  return {
    recordingId,
    channel,
    t0: times[0]!,
    t1: times[count - 1]!,
    count,
    min: min === Infinity ? NaN : min,
    max: max === -Infinity ? NaN : max,
    bytes: count * BYTES_PER_SAMPLE,
    late: late ? 1 : 0,
  };
}

/** Copies the columns into standalone ArrayBuffers for IndexedDB. */
export function encodeChunkData(columns: ChunkColumns): StoredChunkData {
  return {
    times: copyBuffer(columns.times),
    values: copyBuffer(columns.values),
    receiveTimes: copyBuffer(columns.receiveTimes),
  };
}

/**
 * Decodes and validates a stored chunk against its index entry. A corrupt record throws
 * `ReplayError('corrupt_chunk')` naming the chunk, so a caller can skip it and keep the rest.
 */
export function decodeChunkData(entry: ChunkIndexEntry, stored: unknown): ChunkColumns {
  const where = `chunk ${entry.id ?? '?'} (recording ${entry.recordingId}, channel ${entry.channel}, t0 ${entry.t0})`;
  const fail = (what: string): never => {
    throw new ReplayError(
      'corrupt_chunk',
      `${where} is corrupt: ${what}. Delete the recording or evict this chunk; other chunks are unaffected.`,
    );
  };
  if (typeof stored !== 'object' || stored === null) return fail('its data record is missing');
  const record = stored as Partial<Record<keyof StoredChunkData, unknown>>;
  const times = column(record.times, 'times', entry.count, fail);
  const values = column(record.values, 'values', entry.count, fail);
  const receiveTimes = column(record.receiveTimes, 'receiveTimes', entry.count, fail);
  if (times[0] !== entry.t0 || times[entry.count - 1] !== entry.t1) {
    fail(
      `its times span ${times[0]}..${times[entry.count - 1]}, the index says ${entry.t0}..${entry.t1}`,
    );
  }
  return { times, values, receiveTimes };
}

function column(
  buffer: unknown,
  name: string,
  count: number,
  fail: (what: string) => never,
): Float64Array {
  if (!(buffer instanceof ArrayBuffer)) return fail(`column "${name}" is not an ArrayBuffer`);
  if (buffer.byteLength !== count * 8) {
    return fail(
      `column "${name}" has ${buffer.byteLength} bytes, expected ${count * 8} for ${count} samples`,
    );
  }
  return new Float64Array(buffer);
}

function copyBuffer(array: Float64Array): ArrayBuffer {
  const out = new ArrayBuffer(array.length * 8);
  new Float64Array(out).set(array);
  return out;
}

/** Index of the last element ≤ t in sorted `times`, or -1 when every element is > t. */
export function lastIndexAtOrBefore(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** Index of the first element ≥ t in sorted `times` (times.length when none). */
export function firstIndexAtOrAfter(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
