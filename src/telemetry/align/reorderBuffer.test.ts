import { describe, expect, it } from 'vitest';
import { createRandom } from '../../twin/random.ts';
import { ReorderBuffer } from './reorderBuffer.ts';

type Item = { time: number; id: number };
const make = (allowedLatenessMs: number) =>
  new ReorderBuffer<Item>({ allowedLatenessMs, timeOf: (item) => item.time });

describe('ReorderBuffer', () => {
  it('emits out-of-order samples in time order once the watermark passes them', () => {
    const buffer = make(50);
    for (const time of [100, 130, 110, 160]) buffer.push({ time, id: time });
    expect(buffer.watermark).toBe(110);
    expect(buffer.drain().map((i) => i.time)).toEqual([100, 110]);
    buffer.push({ time: 120, id: 120 });
    expect(buffer.drain().map((i) => i.time)).toEqual([]);
    buffer.push({ time: 200, id: 200 });
    expect(buffer.drain().map((i) => i.time)).toEqual([120, 130]);
    expect(buffer.flush().map((i) => i.time)).toEqual([160, 200]);
  });

  it('counts and returns samples older than what was emitted as late instead of reordering them', () => {
    const buffer = make(10);
    buffer.push({ time: 100, id: 1 });
    buffer.push({ time: 200, id: 2 });
    expect(buffer.drain().map((i) => i.id)).toEqual([1]);
    expect(buffer.push({ time: 150, id: 3 })).toBe('late');
    expect(buffer.push({ time: 195, id: 4 })).toBe('buffered');
    expect(buffer.lateCount).toBe(1);
  });

  it('advances the watermark on the relay clock when a source goes quiet', () => {
    const buffer = make(1000);
    buffer.push({ time: 100, id: 1 });
    expect(buffer.drain()).toEqual([]);
    expect(buffer.advanceTo(150).map((i) => i.id)).toEqual([1]);
  });

  it('orders a jittered, shuffled, gappy stream exactly and flags only the truly late', () => {
    const random = createRandom(3);
    const arrivals: Item[] = [];
    for (let i = 0; i < 5000; i++) {
      if (random.uniform() < 0.1) continue; // drops
      const time = i * 10;
      // Arrival order: time plus delay; 2 % arrive far too late for the allowed lateness.
      const delay = random.uniform() * 40 + (random.uniform() < 0.02 ? 500 : 0);
      arrivals.push({ time, id: time + delay });
    }
    arrivals.sort((a, b) => a.id - b.id);
    const buffer = make(60);
    const out: number[] = [];
    let late = 0;
    for (const item of arrivals) {
      if (buffer.push(item) === 'late') late++;
      for (const ready of buffer.drain()) out.push(ready.time);
    }
    for (const ready of buffer.flush()) out.push(ready.time);
    expect(out).toEqual([...out].sort((a, b) => a - b));
    expect(out.length + late).toBe(arrivals.length);
    expect(buffer.lateCount).toBe(late);
    expect(late).toBeGreaterThan(0);
    expect(late).toBeLessThan(arrivals.length * 0.03);
  });
});
