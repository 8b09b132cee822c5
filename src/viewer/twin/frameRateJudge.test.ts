import { describe, expect, it } from 'vitest';
import { FrameRateJudge } from './frameRateJudge.ts';

/** Feeds frames `intervalMs` apart (one interval per frame after the first) until a verdict. */
function feed(judge: FrameRateJudge, intervals: readonly number[], start = 0) {
  let now = start;
  let verdict = judge.frame(now);
  for (const dt of intervals) {
    now += dt;
    verdict = judge.frame(now);
  }
  return verdict;
}

describe('FrameRateJudge', () => {
  it('calls a GPU at 60 frames/s fast and one at 0.8 frames/s slow, after warm-up and a window', () => {
    expect(feed(new FrameRateJudge(), Array(11).fill(16.7))).toEqual({
      slow: false,
      medianMs: 16.7,
    });
    expect(feed(new FrameRateJudge(), Array(11).fill(1250))).toEqual({
      slow: true,
      medianMs: 1250,
    });
  });

  it('gives no verdict before warm-up and a full window, and keeps its first verdict', () => {
    const judge = new FrameRateJudge({ warmupFrames: 3, window: 8 });
    expect(feed(judge, Array(9).fill(500))).toBeNull();
    expect(judge.frame(5000)).toEqual({ slow: true, medianMs: 500 });
    expect(judge.frame(5010)).toEqual({ slow: true, medianMs: 500 });
  });

  it('does not count the slow first frames of shader compilation', () => {
    expect(feed(new FrameRateJudge(), [4000, 3000, ...Array<number>(9).fill(16)])?.slow).toBe(
      false,
    );
  });

  it('uses the median, so a few long frames do not decide', () => {
    const verdict = feed(
      new FrameRateJudge({ warmupFrames: 0, window: 8 }),
      [16, 16, 16, 16, 16, 900, 900, 900],
    );
    expect(verdict).toEqual({ slow: false, medianMs: 16 });
  });

  it('does not count the gap while the page was hidden', () => {
    const judge = new FrameRateJudge({ warmupFrames: 0, window: 2 });
    judge.frame(0);
    judge.frame(16);
    expect(judge.frame(60_000, true)).toBeNull();
    expect(judge.frame(60_016)).toEqual({ slow: false, medianMs: 16 });
  });

  it('refuses options that could never decide', () => {
    expect(() => new FrameRateJudge({ window: 0 })).toThrow(/window must be ≥ 1/);
    expect(() => new FrameRateJudge({ slowMs: -1 })).toThrow(RangeError);
  });
});
