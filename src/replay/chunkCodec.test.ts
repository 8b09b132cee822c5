import { describe, expect, it } from 'vitest';
import {
  decodeChunkData,
  encodeChunkData,
  firstIndexAtOrAfter,
  lastIndexAtOrBefore,
  summarizeChunk,
} from './chunkCodec.ts';
import { ReplayError } from './replayError.ts';

const columns = () => ({
  times: new Float64Array([10, 20, 20, 35]),
  values: new Float64Array([1.5, -2, NaN, 7.000000000000001]),
  receiveTimes: new Float64Array([11, 21, 22, 36]),
});

describe('chunkCodec', () => {
  it('summarizes span, count and finite min/max, ignoring NaN values', () => {
    const entry = summarizeChunk('r', 3, columns(), false);
    expect(entry).toEqual({
      recordingId: 'r',
      channel: 3,
      t0: 10,
      t1: 35,
      count: 4,
      min: -2,
      max: 7.000000000000001,
      bytes: 96,
      late: 0,
    });
  });

  it('round-trips float64 values exactly through the stored ArrayBuffers', () => {
    const entry = summarizeChunk('r', 3, columns(), true);
    const stored = structuredClone(encodeChunkData(columns()));
    const decoded = decodeChunkData(entry, stored);
    expect([...decoded.values]).toEqual([...columns().values]);
    expect([...decoded.times]).toEqual([10, 20, 20, 35]);
    expect([...decoded.receiveTimes]).toEqual([11, 21, 22, 36]);
  });

  it('refuses to summarize unsorted columns', () => {
    const bad = { ...columns(), times: new Float64Array([10, 5, 20, 35]) };
    expect(() => summarizeChunk('r', 0, bad, false)).toThrow(/sorted/);
  });

  it.each([
    ['a missing record', undefined, /data record is missing/],
    [
      'a column that is not an ArrayBuffer',
      { ...encodeChunkData(columns()), values: [1, 2] },
      /"values" is not an ArrayBuffer/,
    ],
    [
      'a truncated column',
      { ...encodeChunkData(columns()), times: new ArrayBuffer(24) },
      /"times" has 24 bytes, expected 32/,
    ],
    [
      'times that disagree with the index',
      { ...encodeChunkData({ ...columns(), times: new Float64Array([0, 20, 20, 35]) }) },
      /times span 0\.\.35, the index says 10\.\.35/,
    ],
  ])('rejects %s as a corrupt chunk with a reason', (_what, stored, message) => {
    const entry = { ...summarizeChunk('r', 3, columns(), false), id: 42 };
    let caught: unknown;
    try {
      decodeChunkData(entry, stored);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ReplayError);
    expect((caught as ReplayError).reason).toBe('corrupt_chunk');
    expect((caught as ReplayError).message).toMatch(message);
    expect((caught as ReplayError).message).toMatch(/chunk 42 .*channel 3/);
  });

  it('binary-searches the last time at or before t and the first at or after t', () => {
    const times = new Float64Array([10, 20, 20, 35]);
    expect(lastIndexAtOrBefore(times, 9)).toBe(-1);
    expect(lastIndexAtOrBefore(times, 20)).toBe(2);
    expect(lastIndexAtOrBefore(times, 100)).toBe(3);
    expect(firstIndexAtOrAfter(times, 20)).toBe(1);
    expect(firstIndexAtOrAfter(times, 36)).toBe(4);
  });
});
