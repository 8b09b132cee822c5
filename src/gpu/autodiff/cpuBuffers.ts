import { layoutOf, slotKinds, type Type } from './types.ts';

/**
 * Converts a binding's GPU bytes (WGSL layout) into the CPU backend's one-number-per-slot array,
 * reading each slot as f32, i32 or u32 as its type says. `count` elements for runtime-sized arrays.
 */
export function bytesToSlots(type: Type, bytes: ArrayBuffer | ArrayBufferView): Float64Array {
  const buffer =
    bytes instanceof ArrayBuffer
      ? bytes
      : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const kinds = kindsFor(type, buffer.byteLength);
  const f32 = new Float32Array(buffer);
  const i32 = new Int32Array(buffer);
  const u32 = new Uint32Array(buffer);
  const out = new Float64Array(kinds.length);
  kinds.forEach((kind, i) => {
    out[i] =
      kind === 'f32'
        ? f32[i]!
        : kind === 'i32'
          ? i32[i]!
          : kind === 'u32' || kind === 'bool'
            ? u32[i]!
            : 0;
  });
  return out;
}

/** The inverse of bytesToSlots: float64 slots back to WGSL bytes (floats rounded to f32). */
export function slotsToBytes(type: Type, slots: Float64Array): ArrayBuffer {
  const buffer = new ArrayBuffer(slots.length * 4);
  const kinds = kindsFor(type, buffer.byteLength);
  const f32 = new Float32Array(buffer);
  const i32 = new Int32Array(buffer);
  const u32 = new Uint32Array(buffer);
  kinds.forEach((kind, i) => {
    if (kind === 'f32') f32[i] = slots[i]!;
    else if (kind === 'i32') i32[i] = slots[i]!;
    else if (kind === 'u32' || kind === 'bool') u32[i] = slots[i]!;
  });
  return buffer;
}

function kindsFor(type: Type, byteLength: number) {
  if (type.kind === 'array' && type.length === null) {
    const elementSize = layoutOf({ ...type, length: 1 }).size;
    return slotKinds({ ...type, length: Math.floor(byteLength / elementSize) });
  }
  return slotKinds(type);
}
