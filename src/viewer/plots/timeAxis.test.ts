import { describe, expect, it } from 'vitest';
import { formatSpan, formatTimeTick } from './timeAxis.ts';

// Local clock times, so the expectations hold in any time zone.
const at = (h: number, m: number, s = 0, ms = 0) => new Date(2026, 2, 14, h, m, s, ms).getTime();

describe('formatTimeTick', () => {
  it('labels whole-minute ticks with hours and minutes', () => {
    expect(formatTimeTick(at(14, 3), 60_000)).toBe('14:03');
  });

  it('labels second ticks with seconds, in 24-hour local time', () => {
    expect(formatTimeTick(at(9, 5, 7), 5_000)).toBe('09:05:07');
    expect(formatTimeTick(at(21, 0, 30), 60_000)).toBe('21:00:30');
  });

  it('adds as many decimals as sub-second ticks need', () => {
    expect(formatTimeTick(at(14, 3, 7, 500), 500)).toBe('14:03:07.5');
    expect(formatTimeTick(at(14, 3, 7, 250), 50)).toBe('14:03:07.25');
    expect(formatTimeTick(at(14, 3, 7, 5), 5)).toBe('14:03:07.005');
  });
});

describe('formatSpan', () => {
  it('writes spans in seconds, minutes or hours', () => {
    expect(formatSpan(10_000)).toBe('10 s');
    expect(formatSpan(47_300)).toBe('47 s');
    expect(formatSpan(120_000)).toBe('2 min');
    expect(formatSpan(5_400_000)).toBe('1.5 h');
  });
});
