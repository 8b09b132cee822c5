/**
 * Summing float contributions from many threads into one buffer element, which WGSL cannot do
 * directly (it has no float atomics). Three ways, chosen per kernel:
 * - `atomic`: compare-exchange loop on the f32's bits in an `atomic<u32>`; fast, but the sum's
 *   rounding depends on thread order, so results differ in the last bits from run to run.
 * - `deterministic`: 64-bit fixed point (units of 2^-32, range ±2^31) in two `atomic<u32>` words
 *   per element, added with a carry; integer addition is associative, so every run gives the
 *   same bits. Contributions below 2^-32 round away.
 * - `plain`: `+=` on `array<f32>`, for the CPU backend, where threads run one after another.
 */
export type AccumulationMode = 'atomic' | 'deterministic' | 'plain';

/** Fixed-point scale of the deterministic mode: 2^32 units per 1.0. */
export const FIXED_POINT_SCALE = 4294967296;

/** WGSL element type of an accumulation buffer in each mode. */
export function accumulationElement(mode: AccumulationMode): string {
  return mode === 'plain' ? 'f32' : 'atomic<u32>';
}

/** Words (u32) per float slot in each mode. */
export function wordsPerSlot(mode: AccumulationMode): number {
  return mode === 'deterministic' ? 2 : 1;
}

/** WGSL of `fn tb_add_<buffer>(i: u32, v: f32)`, which adds v to float slot i of `buffer`. */
export function accumulationFunction(buffer: string, mode: AccumulationMode): string {
  const name = `tb_add_${buffer}`;
  switch (mode) {
    case 'plain':
      return `fn ${name}(i: u32, v: f32) { ${buffer}[i] += v; }`;
    case 'atomic':
      return [
        `fn ${name}(i: u32, v: f32) {`,
        '  if (v == 0.0) { return; } // padding and unused fields: no atomic traffic',
        `  var old = atomicLoad(&${buffer}[i]);`,
        '  loop {',
        `    let r = atomicCompareExchangeWeak(&${buffer}[i], old, bitcast<u32>(bitcast<f32>(old) + v));`,
        '    if (r.exchanged) { break; }',
        '    old = r.old_value;',
        '  }',
        '}',
      ].join('\n');
    case 'deterministic':
      return [
        `fn ${name}(i: u32, v: f32) {`,
        '  if (v == 0.0) { return; }',
        '  // v in units of 2^-32 as a 64-bit integer hi·2^32 + lo; every step below is exact in f32.',
        `  let x = round(v * ${FIXED_POINT_SCALE}.0);`,
        `  let hi = floor(x / ${FIXED_POINT_SCALE}.0);`,
        `  let lo = u32(x - hi * ${FIXED_POINT_SCALE}.0);`,
        `  let old = atomicAdd(&${buffer}[2u * i], lo);`,
        '  let carry = select(0u, 1u, old + lo < old);',
        `  atomicAdd(&${buffer}[2u * i + 1u], bitcast<u32>(i32(hi)) + carry);`,
        '}',
      ].join('\n');
  }
}

/** Reads an accumulation buffer's contents (as returned by the GPU) into float64 values. */
export function decodeAccumulation(bytes: ArrayBuffer, mode: AccumulationMode): Float64Array {
  if (mode === 'deterministic') {
    const words = new Uint32Array(bytes);
    const his = new Int32Array(bytes);
    return Float64Array.from(
      { length: words.length / 2 },
      (_, i) => his[2 * i + 1]! + words[2 * i]! / FIXED_POINT_SCALE,
    );
  }
  return Float64Array.from(new Float32Array(bytes));
}

/** Writes float values into an accumulation buffer's format (its starting contents). */
export function encodeAccumulation(values: ArrayLike<number>, mode: AccumulationMode): ArrayBuffer {
  if (mode !== 'deterministic') return Float32Array.from(values).buffer;
  const words = new Uint32Array(values.length * 2);
  const his = new Int32Array(words.buffer);
  for (let i = 0; i < values.length; i++) {
    const x = Math.round(values[i]! * FIXED_POINT_SCALE);
    const hi = Math.floor(x / FIXED_POINT_SCALE);
    words[2 * i] = x - hi * FIXED_POINT_SCALE;
    his[2 * i + 1] = hi;
  }
  return words.buffer;
}
