import { describe, expect, it } from 'vitest';
import { createFloatScratch, floatValues, readF64le, readU64nsAsMs } from './binaryValues.ts';

describe('binary values', () => {
  it('reads an aligned f32le array as a view on the payload, without copying', () => {
    const bytes = new Uint8Array(new Float32Array([1.5, -2, 3]).buffer);
    const scratch = createFloatScratch(4, 3);
    const values = floatValues(bytes, 0, scratch);
    expect(values).not.toBe(scratch.values);
    expect(values.buffer).toBe(bytes.buffer);
    expect([...values]).toEqual([1.5, -2, 3]);
  });

  it('copies unaligned values into the scratch and reads them the same', () => {
    const backing = new Uint8Array(1 + 8 + 16);
    const bytes = backing.subarray(1); // byteOffset 1: unaligned for both widths
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    view.setFloat64(0, 1714564800000.5, true);
    view.setFloat64(8, 0.1, true);
    view.setFloat64(16, -7, true);
    expect(readF64le(bytes, 0)).toBe(1714564800000.5);
    const scratch = createFloatScratch(8, 2);
    const values = floatValues(bytes, 8, scratch);
    expect(values).toBe(scratch.values);
    expect([...values]).toEqual([0.1, -7]);
  });

  it('reads u64 ns as ms', () => {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigUint64(0, 1714564800123456789n, true);
    expect(readU64nsAsMs(bytes, 0)).toBeCloseTo(1714564800123.4568, 3);
    new DataView(bytes.buffer).setBigUint64(0, 2_500_000n, true);
    expect(readU64nsAsMs(bytes, 0)).toBe(2.5);
  });
});
