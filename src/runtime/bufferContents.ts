import type { BufferSpec } from './modelSpec.ts';

/** A BufferSpec's `initial` as a list of values: every element, or the one fill value. */
export function initialValues(b: BufferSpec): readonly number[] {
  const initial = b.initial;
  if (initial === undefined) return [];
  // Arrays have a `fill` method too: tell them apart by what `fill` is.
  return typeof (initial as { fill?: unknown }).fill === 'number'
    ? [(initial as { fill: number }).fill]
    : (initial as readonly number[]);
}

/** Buffer contents: f32 buffers as the GPU holds them or in float64 (the CPU reference). */
export type Contents = Float32Array | Float64Array | Uint32Array;
export type Precision = 'f32' | 'f64';

/** An array for `length` elements of a buffer of type `type`. */
export function contentsArray(
  type: BufferSpec['type'],
  length: number,
  precision: Precision,
): Contents {
  if (type === 'u32') return new Uint32Array(length);
  return precision === 'f64' ? new Float64Array(length) : new Float32Array(length);
}

/** A buffer's initial contents (`input`: one row). */
export function initialContents(b: BufferSpec, precision: Precision = 'f32'): Contents {
  const out = contentsArray(b.type, b.length, precision);
  const values = initialValues(b);
  if (values.length === 1 && b.length !== 1) out.fill(values[0]!);
  else out.set(values);
  return out;
}
