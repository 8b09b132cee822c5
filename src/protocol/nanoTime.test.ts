import { describe, expect, it } from 'vitest';
import { createRandom } from '../twin/random.ts';
import { msToNs, nsToMs } from './nanoTime.ts';

describe('ms ↔ ns', () => {
  it('converts whole and fractional milliseconds to exact nanoseconds', () => {
    expect(msToNs(0)).toBe(0n);
    expect(msToNs(1.5)).toBe(1_500_000n);
    expect(msToNs(0.000001)).toBe(1n);
    expect(msToNs(1_700_000_000_000)).toBe(1_700_000_000_000_000_000n);
    expect(msToNs(1_700_000_000_000.25)).toBe(1_700_000_000_000_250_000n);
    expect(nsToMs(1_700_000_000_000_250_000n)).toBe(1_700_000_000_000.25);
  });

  it('round-trips every epoch-ms float exactly (their ulp is coarser than 1 ns)', () => {
    const random = createRandom(1);
    const misses: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const ms = 1_600_000_000_000 + random.uniform() * 200_000_000_000;
      if (nsToMs(msToNs(ms)) !== ms) misses.push(ms);
    }
    expect(misses).toEqual([]);
  });

  it('round-trips every decimal with at most six digits after the point exactly', () => {
    const random = createRandom(2);
    const misses: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const digits = Math.floor(random.uniform() * 7);
      const ms = Number((random.uniform() * 10 ** (1 + (i % 12))).toFixed(digits));
      if (nsToMs(msToNs(ms)) !== ms) misses.push(ms);
    }
    expect(misses).toEqual([]);
  });

  it('rounds detail finer than a nanosecond to the nearest nanosecond', () => {
    expect(msToNs(0.0000014)).toBe(1n);
    expect(msToNs(0.9999996)).toBe(1_000_000n);
  });

  it('refuses negative and non-finite times, which MCAP cannot hold', () => {
    for (const bad of [-1, NaN, Infinity]) {
      expect(() => msToNs(bad)).toThrow(RangeError);
    }
    expect(() => msToNs(-1)).toThrow(/unsigned nanoseconds/);
  });
});
