import { describe, expect, it } from 'vitest';
import type { BucketColumn } from './plotBuckets.ts';
import { columnValues, countPoints, emptyAlignedData, toAlignedData } from './plotData.ts';

/** A column from per-bucket [min, max, count]; `null` is an empty bucket. */
function column(buckets: readonly ([number, number, number] | null)[]): BucketColumn {
  return {
    min: Float64Array.from(buckets, (b) => (b ? b[0] : NaN)),
    max: Float64Array.from(buckets, (b) => (b ? b[1] : NaN)),
    count: Uint32Array.from(buckets, (b) => (b ? b[2] : 0)),
  };
}

describe('toAlignedData', () => {
  it('puts x at bucket centres and each channel as its max then min series', () => {
    const data = toAlignedData({
      k0: 100,
      length: 2,
      bucketMs: 10,
      columns: [
        column([
          [1, 3, 2],
          [2, 2, 1],
        ]),
        null,
      ],
    });
    expect(Array.from(data[0])).toEqual([1005, 1015]);
    expect(data[1]).toEqual([3, 2]);
    expect(data[2]).toEqual([1, 2]);
    expect(data[3]).toEqual([null, null]);
    expect(data[4]).toEqual([null, null]);
  });

  it('makes an empty table with two series per channel', () => {
    expect(emptyAlignedData(2)).toEqual([[], [], [], [], []]);
  });
});

describe('columnValues gaps', () => {
  it('joins across empty buckets narrower than the sampling interval (undefined)', () => {
    // Zoomed in on regular data: one sample every third bucket.
    const buckets = Array.from({ length: 12 }, (_, i) =>
      i % 3 === 0 ? ([i, i, 1] as [number, number, number]) : null,
    );
    const { max } = columnValues(column(buckets), 12, 1);
    expect(max.slice(0, 4)).toEqual([0, undefined, undefined, 3]);
    expect(max.slice(0, 10).includes(null)).toBe(false);
    expect(max.slice(10)).toEqual([null, null]);
  });

  it('breaks the line (null) where data stop for several sample intervals', () => {
    const buckets: ([number, number, number] | null)[] = [
      [1, 1, 1],
      [2, 2, 1],
      [3, 3, 1],
      [4, 4, 1],
      ...Array<null>(30).fill(null),
      [5, 5, 1],
      [6, 6, 1],
    ];
    const { max, min } = columnValues(column(buckets), buckets.length, 10);
    expect(max.slice(4, 34).every((v) => v === null)).toBe(true);
    expect(min[34]).toBe(5);
  });

  it('leaves the stretches before the first and after the last sample as gaps', () => {
    const { max } = columnValues(column([null, [1, 2, 4], [1, 2, 4], null]), 4, 10);
    expect(max).toEqual([null, 2, 2, null]);
  });

  it('turns buckets of NaN samples (counted, no value) into gaps', () => {
    const { max } = columnValues(
      column([
        [1, 1, 1],
        [NaN, NaN, 3],
        [2, 2, 1],
      ]),
      3,
      10,
    );
    expect(max).toEqual([1, null, 2]);
  });

  it('draws nothing for a channel with no column', () => {
    expect(columnValues(null, 2, 10)).toEqual({ max: [null, null], min: [null, null] });
  });
});

describe('countPoints', () => {
  it('counts values of one series inside the x range', () => {
    const data = [
      [0, 10, 20, 30],
      [1, null, undefined, 4],
    ] as [number[], (number | null | undefined)[]];
    expect(countPoints(data, 1)).toBe(2);
    expect(countPoints(data, 1, 5, 30)).toBe(1);
    expect(countPoints(data, 3)).toBe(0);
  });
});
