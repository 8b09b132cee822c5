import { describe, expect, it } from 'vitest';
import { createRandom } from '../../twin/random.ts';
import { resample, uniformTimeline } from './resample.ts';

describe('resample', () => {
  const times = [0, 10, 20, 50];
  const values = [0, 1, 4, 7];

  it('interpolates linearly between neighbours and gives NaN outside the samples', () => {
    const out = resample(times, values, [-5, 0, 5, 15, 35, 50, 60], { mode: 'linear' });
    expect([...out]).toEqual([NaN, 0, 0.5, 2.5, 5.5, 7, NaN]);
  });

  it('holds the last value with zero-order hold, NaN only before the first sample', () => {
    const out = resample(times, values, [-5, 0, 5, 15, 35, 50, 60], { mode: 'zoh' });
    expect([...out]).toEqual([NaN, 0, 0, 1, 4, 7, 7]);
  });

  it('marks instants inside a dropout longer than maxGapMs as missing', () => {
    const timeline = [5, 35, 55];
    expect([...resample(times, values, timeline, { mode: 'linear', maxGapMs: 20 })]).toEqual([
      0.5,
      NaN,
      NaN,
    ]);
    expect([...resample(times, values, timeline, { mode: 'zoh', maxGapMs: 20 })]).toEqual([
      0,
      NaN,
      7,
    ]);
  });

  it('reconstructs a jittered, drifting sine on a common 10 ms timeline within interpolation error', () => {
    const random = createRandom(8);
    const t: number[] = [];
    const v: number[] = [];
    for (let i = 0; i < 2000; i++) {
      if (random.uniform() < 0.05) continue;
      const time = i * 7.3 * (1 + 50e-6) + random.uniform() * 2;
      t.push(time);
      v.push(Math.sin(time / 200));
    }
    const timeline = uniformTimeline(100, 14_000, 10);
    expect(timeline.length).toBe(1391);
    const out = resample(t, v, timeline, { mode: 'linear', maxGapMs: 30 });
    let worst = 0;
    timeline.forEach(
      (time, k) => (worst = Math.max(worst, Math.abs(out[k]! - Math.sin(time / 200)))),
    );
    // h²/8·max|f''| with h up to two 7.3 ms steps (drops): ≈ 1.3e-3.
    expect(worst).toBeLessThan(2e-3);
  });

  it('rejects an empty or backwards timeline with a message that says what it needs', () => {
    expect(() => uniformTimeline(10, 0, 1)).toThrow(/t1 ≥ t0/);
  });
});
