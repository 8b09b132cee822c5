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

describe('SampleQueue storage', () => {
  it('grows on demand up to its capacity and keeps the order across the wrap', () => {
    const queue = new SampleQueue(5000);
    for (let i = 0; i < 3000; i++) queue.push(sample(i));
    expect(queue.take(1000).map((s) => s[1])).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    for (let i = 3000; i < 6000; i++) queue.push(sample(i));
    expect(queue.size).toBe(5000);
    expect(queue.dropped).toBe(0);
    queue.push(sample(6000));
    expect(queue.dropped).toBe(1);
    const all = queue.drain().map((s) => s[1]);
    expect(all).toEqual(Array.from({ length: 5000 }, (_, i) => 1001 + i));
  });

  it('takes at most the samples asked for, oldest first', () => {
    const queue = new SampleQueue(4);
    for (let i = 1; i <= 6; i++) queue.push(sample(i));
    expect(queue.take(3).map((s) => s[1])).toEqual([3, 4, 5]);
    expect(queue.take(3).map((s) => s[1])).toEqual([6]);
    expect(queue.take(3)).toEqual([]);
    queue.push(sample(7));
    expect(queue.drain().map((s) => s[1])).toEqual([7]);
  });
});
