import { describe, expect, it } from 'vitest';
import { timelineAction } from './timelineKeys.ts';
import {
  dragRegion,
  formatRelative,
  fractionOf,
  tickLabel,
  ticks,
  timeAt,
} from './timelineMath.ts';

const key = (
  k: string,
  mods: Partial<Record<'shiftKey' | 'altKey' | 'ctrlKey' | 'metaKey', boolean>> = {},
) => ({
  key: k,
  shiftKey: false,
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  ...mods,
});

describe('timeline math', () => {
  const span = { t0: 1_000_000, t1: 1_060_000 };

  it('maps pixels to device time and back, clamped to the track', () => {
    expect(timeAt(span, 0, 600)).toBe(span.t0);
    expect(timeAt(span, 300, 600)).toBe(1_030_000);
    expect(timeAt(span, 900, 600)).toBe(span.t1);
    expect(timeAt(span, -5, 600)).toBe(span.t0);
    expect(fractionOf(span, 1_015_000)).toBe(0.25);
  });

  it('writes time since the start with a sign, minutes and milliseconds', () => {
    expect(formatRelative(1_062_250, 1_000_000)).toBe('+1:02.250');
    expect(formatRelative(1_000_000 + 3_723_004, 1_000_000)).toBe('+1:02:03.004');
    expect(formatRelative(999_500, 1_000_000)).toBe('−0:00.500');
  });

  it('places ticks on round steps from the origin in relative mode, at least the spacing apart', () => {
    const { step, times } = ticks(span, 600, 'relative', span.t0, 90);
    expect(step).toBe(10_000); // 60 s over 600 px: 9 s per 90 px → 10 s steps
    expect(times).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => span.t0 + i * 10_000));
    expect(tickLabel(times[1]!, step, 'relative', span.t0)).toBe('+0:10');
  });

  it('puts absolute ticks on whole clock seconds', () => {
    const t0 = Date.UTC(2026, 10, 23, 12, 0, 0, 123);
    const { step, times } = ticks({ t0, t1: t0 + 10_000 }, 1000, 'absolute', t0, 90);
    expect(step).toBe(1000);
    for (const t of times) expect(new Date(t).getMilliseconds()).toBe(0);
  });

  it('takes a drag as a loop region only when it is long enough', () => {
    expect(dragRegion(500, 100)).toEqual({ t0: 100, t1: 500 });
    expect(dragRegion(100, 105)).toBeNull();
  });
});

describe('timeline keys', () => {
  it('maps the shortcuts and leaves browser shortcuts alone', () => {
    expect(timelineAction(key(' '))).toEqual({ kind: 'togglePlay' });
    expect(timelineAction(key('ArrowLeft'))).toEqual({ kind: 'step', direction: 'before' });
    expect(timelineAction(key('ArrowRight', { shiftKey: true }))).toEqual({
      kind: 'jump',
      deltaMs: 1000,
    });
    expect(timelineAction(key('ArrowLeft', { altKey: true }))).toEqual({
      kind: 'jump',
      deltaMs: -10_000,
    });
    expect(timelineAction(key('b'))).toEqual({ kind: 'bookmark' });
    expect(timelineAction(key('['))).toEqual({ kind: 'loopIn' });
    expect(timelineAction(key('ArrowLeft', { ctrlKey: true }))).toBeNull();
    expect(timelineAction(key('x'))).toBeNull();
  });
});
