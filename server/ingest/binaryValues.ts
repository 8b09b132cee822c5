/**
 * Little-endian numbers read straight from payload bytes, with no DataView per message: the
 * relay maps hundreds of thousands of values a second.
 */

export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const f64 = new Float64Array(1);
const f64Bytes = new Uint8Array(f64.buffer);

/** The float64 at `offset`, little-endian. */
export function readF64le(bytes: Uint8Array, offset: number): number {
  for (let i = 0; i < 8; i++) {
    f64Bytes[LITTLE_ENDIAN ? i : 7 - i] = bytes[offset + i] as number;
  }
  return f64[0] as number;
}

function readU32le(bytes: Uint8Array, offset: number): number {
  return (
    ((bytes[offset] as number) |
      ((bytes[offset + 1] as number) << 8) |
      ((bytes[offset + 2] as number) << 16) |
      ((bytes[offset + 3] as number) << 24)) >>>
    0
  );
}

/**
 * The uint64 nanoseconds at `offset`, as ms. Past 2^53 ns (every epoch time) the sum rounds to
 * about 256 ns, far below the ms resolution the relay keeps; no BigInt per message.
 */
export function readU64nsAsMs(bytes: Uint8Array, offset: number): number {
  return (readU32le(bytes, offset + 4) * 4294967296 + readU32le(bytes, offset)) / 1e6;
}

export type FloatArray = Float32Array | Float64Array;

/** Where unaligned values are copied; one per rule, reused for every message. */
export interface FloatScratch {
  readonly values: FloatArray;
  readonly bytes: Uint8Array;
}

export function createFloatScratch(bytesPerValue: 4 | 8, count: number): FloatScratch {
  const values = bytesPerValue === 4 ? new Float32Array(count) : new Float64Array(count);
  return { values, bytes: new Uint8Array(values.buffer) };
}

/**
 * Reads `scratch.values.length` little-endian floats starting at byte `offset` of `bytes`. When
 * they are aligned (on a little-endian platform) the result is a view on the payload, no copy;
 * otherwise they are copied into the scratch, whose values are returned — valid until its next
 * use.
 */
export function floatValues(bytes: Uint8Array, offset: number, scratch: FloatScratch): FloatArray {
  const { values, bytes: target } = scratch;
  const size = values.BYTES_PER_ELEMENT;
  const count = values.length;
  const start = bytes.byteOffset + offset;
  if (LITTLE_ENDIAN && start % size === 0) {
    return size === 4
      ? new Float32Array(bytes.buffer, start, count)
      : new Float64Array(bytes.buffer, start, count);
  }
  if (LITTLE_ENDIAN) {
    target.set(bytes.subarray(offset, offset + target.length));
  } else {
    for (let i = 0; i < target.length; i += size) {
      for (let j = 0; j < size; j++) target[i + j] = bytes[offset + i + size - 1 - j] as number;
    }
  }
  return values;
}
