import { describe, expect, it } from 'vitest';
import type { Sample } from '../../src/protocol/relay.ts';
import { SampleQueue } from './sampleQueue.ts';

const sample = (i: number): Sample => [0, i, i, i];

describe('SampleQueue', () => {
  it('drains in arrival order and empties', () => {
    const queue = new SampleQueue(4);
    [1, 2, 3].forEach((i) => queue.push(sample(i)));
    expect(queue.drain().map((s) => s[1])).toEqual([1, 2, 3]);
    expect(queue.size).toBe(0);
    expect(queue.drain()).toEqual([]);
  });

  it('drops the oldest samples when full and counts them', () => {
    const queue = new SampleQueue(3);
    for (let i = 1; i <= 7; i++) queue.push(sample(i));
    expect(queue.dropped).toBe(4);
    expect(queue.drain().map((s) => s[1])).toEqual([5, 6, 7]);
    queue.push(sample(8));
    expect(queue.drain().map((s) => s[1])).toEqual([8]);
    expect(queue.dropped).toBe(4);
  });

  it('refuses a capacity below one', () => {
    expect(() => new SampleQueue(0)).toThrow(RangeError);
  });
});
