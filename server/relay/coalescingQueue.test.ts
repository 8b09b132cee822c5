import { describe, expect, it } from 'vitest';
import type { Sample } from '../../src/protocol/relay.ts';
import { CoalescingQueue } from './coalescingQueue.ts';

const sample = (channel: number, t: number): Sample => [channel, t, t, t];
const times = (samples: readonly Sample[]) => samples.map((s) => [s[0], s[1]]);

describe('CoalescingQueue', () => {
  it('passes every sample while the client keeps up', () => {
    const queue = new CoalescingQueue(10);
    for (let t = 1; t <= 4; t++) queue.push(sample(t % 2, t));
    expect(times(queue.drain())).toEqual([
      [1, 1],
      [0, 2],
      [1, 3],
      [0, 4],
    ]);
    expect(queue.dropped).toBe(0);
  });

  it('keeps only the newest sample per channel once the client is behind, and counts the rest', () => {
    const queue = new CoalescingQueue(10);
    queue.push(sample(0, 1));
    queue.push(sample(1, 2));
    queue.push(sample(0, 3));
    queue.fallBehind();
    expect(queue.coalescing).toBe(true);
    for (let t = 4; t <= 9; t++) queue.push(sample(t % 3, t));
    expect(queue.size).toBe(3);
    expect(times(queue.drain())).toEqual([
      [0, 9],
      [1, 7],
      [2, 8],
    ]);
    expect(queue.dropped).toBe(9 - 3);
    // Caught up: every sample passes again.
    queue.push(sample(0, 10));
    queue.push(sample(0, 11));
    expect(times(queue.drain())).toEqual([
      [0, 10],
      [0, 11],
    ]);
  });

  it('falls behind by itself when full, so its memory stays one sample per channel', () => {
    const queue = new CoalescingQueue(4);
    for (let t = 1; t <= 1000; t++) queue.push(sample(t % 2, t));
    expect(queue.size).toBe(2);
    expect(times(queue.drain())).toEqual([
      [1, 999],
      [0, 1000],
    ]);
    expect(queue.dropped).toBe(998);
  });
});
