import { describe, expect, it } from 'vitest';
import { createDeadLetterRing } from './deadLetterRing.ts';
import type { DeadLetterEntry } from './protocol.ts';

const entry = (n: number): Omit<DeadLetterEntry, 'seq'> => ({
  at: n,
  source: 'mqtt',
  topic: `t/${n}`,
  rule: '',
  reason: 'unmatched_topic',
  message: 'no rule',
  excerpt: '',
  excerptKind: 'text',
  size: 0,
});

describe('createDeadLetterRing', () => {
  it('numbers entries and keeps only the newest `capacity`', () => {
    const ring = createDeadLetterRing(3);
    for (let n = 1; n <= 5; n++) expect(ring.push(entry(n)).seq).toBe(n);
    expect(ring.size).toBe(3);
    expect(ring.total).toBe(5);
    expect(ring.page().entries.map((e) => e.seq)).toEqual([5, 4, 3]);
  });

  it('pages newest first by seq, stable while new entries arrive', () => {
    const ring = createDeadLetterRing(10);
    for (let n = 1; n <= 7; n++) ring.push(entry(n));
    const first = ring.page({ limit: 3 });
    expect(first.entries.map((e) => e.seq)).toEqual([7, 6, 5]);
    ring.push(entry(8));
    const second = ring.page({ before: first.next, limit: 3 });
    expect(second.entries.map((e) => e.seq)).toEqual([4, 3, 2]);
    const third = ring.page({ before: second.next, limit: 3 });
    expect(third).toEqual({ entries: [expect.objectContaining({ seq: 1 })], next: undefined });
  });

  it('ends paging at entries that fell off or were cleared', () => {
    const ring = createDeadLetterRing(2);
    for (let n = 1; n <= 4; n++) ring.push(entry(n));
    expect(ring.page({ before: 3 }).entries).toEqual([]);
    ring.clear();
    expect(ring.size).toBe(0);
    expect(ring.page()).toEqual({ entries: [], next: undefined });
    expect(ring.push(entry(5)).seq).toBe(5);
    expect(ring.page().entries.map((e) => e.seq)).toEqual([5]);
  });

  it('defaults to 1000 entries and refuses a capacity below 1', () => {
    expect(createDeadLetterRing().capacity).toBe(1000);
    expect(() => createDeadLetterRing(0)).toThrow(/capacity must be a whole number ≥ 1/);
  });
});
