import { describe, expect, it } from 'vitest';
import { MinMaxBuckets } from '../../replay/minMaxBuckets.ts';
import { SampleRing } from '../../telemetry/liveTelemetry.ts';
import { bucketHistory, frameFromRange, mergeFrame } from './plotBuckets.ts';

function ring(samples: readonly (readonly [number, number])[], capacity = 64): SampleRing {
  const r = new SampleRing(capacity);
  for (const [t, v] of samples) r.push(t, v);
  return r;
}

const arr = (a: ArrayLike<number>) => Array.from(a);

describe('bucketHistory', () => {
  it('puts each sample in the bucket of the fixed grid that holds its time', () => {
    // Buckets of 10 ms from k0 = 100: [1000, 1010), [1010, 1020), [1020, 1030).
    const { column, oldest } = bucketHistory(
      ring([
        [995, 9],
        [1001, 1],
        [1004, 3],
        [1015, -2],
        [1029, 5],
        [1031, 7],
      ]),
      100,
      3,
      10,
    );
    expect(arr(column.min)).toEqual([1, -2, 5]);
    expect(arr(column.max)).toEqual([3, -2, 5]);
    expect(arr(column.count)).toEqual([2, 1, 1]);
    expect(oldest).toBe(995);
  });

  it('leaves buckets without samples NaN and reports no oldest sample for an empty history', () => {
    const { column, oldest } = bucketHistory(ring([]), 0, 2, 10);
    expect(arr(column.min)).toEqual([NaN, NaN]);
    expect(oldest).toBeNaN();
  });
});

function rangeOf(
  samples: readonly (readonly [number, number])[],
  k0: number,
  n: number,
  b: number,
) {
  const acc = new MinMaxBuckets(7, k0 * b, (k0 + n) * b, n);
  for (const [t, v] of samples) acc.add(t, v);
  return acc.result();
}

describe('frameFromRange', () => {
  it('maps each plotted channel to its queried series, null where it was not queried', () => {
    const s = rangeOf([[1005, 2]], 100, 2, 10);
    const frame = frameFromRange([s], [null, 0], 100, 2, 10);
    expect(frame.columns[0]).toBeNull();
    expect(arr(frame.columns[1]!.max)).toEqual([2, NaN]);
  });

  it('drops a series whose bucket count does not match the grid', () => {
    const s = rangeOf([[1005, 2]], 100, 3, 10);
    expect(frameFromRange([s], [0], 100, 2, 10).columns[0]).toBeNull();
  });
});

describe('mergeFrame', () => {
  const frameOf = (samples: readonly (readonly [number, number])[], k0: number, n: number) => {
    const s = rangeOf(samples, k0, n, 10);
    return frameFromRange([s], [0], k0, n, 10);
  };

  it('merges overlapping buckets by min of mins and max of maxes', () => {
    const live = frameOf([[1012, 5]], 101, 2); // buckets 101, 102
    const recorded = frameOf(
      [
        [1001, 4],
        [1013, 1],
        [1015, 9],
      ],
      100,
      2,
    ); // buckets 100, 101
    mergeFrame(live, recorded);
    expect(arr(live.columns[0]!.min)).toEqual([1, NaN]);
    expect(arr(live.columns[0]!.max)).toEqual([9, NaN]);
  });

  it('leaves buckets unchanged when the same samples arrive from both sides', () => {
    const samples = [
      [1001, 4],
      [1013, 1],
    ] as const;
    const a = frameOf(samples, 100, 2);
    mergeFrame(a, frameOf(samples, 100, 2));
    expect(arr(a.columns[0]!.min)).toEqual([4, 1]);
    expect(arr(a.columns[0]!.count)).toEqual([1, 1]);
  });

  it('ignores a frame on another bucket width', () => {
    const a = frameOf([[1001, 4]], 100, 1);
    const other = { ...frameOf([[1001, -4]], 100, 1), bucketMs: 20 };
    mergeFrame(a, other);
    expect(arr(a.columns[0]!.min)).toEqual([4]);
  });
});
