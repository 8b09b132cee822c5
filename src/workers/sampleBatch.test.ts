import { describe, expect, it } from 'vitest';
import type { Sample } from '../protocol/relay.ts';
import { SAMPLE_STRIDE, decodeSampleBatch, encodeSampleBatch } from './sampleBatch.ts';

describe('sample batches', () => {
  it('round-trips samples exactly, NaN, epoch times and tiny values included', () => {
    const samples: Sample[] = [
      [0, 1_700_000_000_123.25, 0.1 + 0.2, 1_700_000_000_130],
      [16, 1_700_000_000_124, Number.NaN, 1_700_000_000_131],
      [3, 1_700_000_000_125, 1e-300, 1_700_000_000_132],
      [2, -5, -Infinity, 0],
    ];
    const batch = encodeSampleBatch(samples);
    expect(batch).toHaveLength(samples.length * SAMPLE_STRIDE);
    expect(decodeSampleBatch(batch)).toEqual(samples);
  });

  it('encodes an empty message as an empty batch', () => {
    expect(decodeSampleBatch(encodeSampleBatch([]))).toEqual([]);
  });

  it('rejects a batch whose length is not a whole number of samples, naming the fix', () => {
    expect(() => decodeSampleBatch(new Float64Array(6))).toThrow(
      /6 numbers, not a multiple of 4; build it with encodeSampleBatch/,
    );
  });
});
