import { describe, expect, it } from 'vitest';
import { createRandom } from '../../twin/random.ts';
import { ClockEstimator, ClockFitError, fitClock, toRelayTime } from './clockFit.ts';
import type { ClockPair } from './clockFit.ts';

/**
 * A device whose clock runs `driftPpm` fast and `skewMs` ahead of the relay, sampling at 10 Hz;
 * receive = true time + network delay (2 ms + exponential jitter), with drops and delay bursts.
 */
function syntheticDevice(
  seed: number,
  options: { skewMs: number; driftPpm: number; drop: number; burst: number },
) {
  const random = createRandom(seed);
  const start = 1_700_000_000_000;
  const pairs: ClockPair[] = [];
  for (let i = 0; i < 600; i++) {
    if (random.uniform() < options.drop) continue;
    const trueTime = start + i * 100;
    const deviceTime = start + options.skewMs + (trueTime - start) * (1 + options.driftPpm * 1e-6);
    let delay = 2 - 3 * Math.log(Math.max(random.uniform(), 1e-12));
    if (random.uniform() < options.burst) delay += 200 + 800 * random.uniform();
    pairs.push({ deviceTime, receiveTime: trueTime + delay });
  }
  return { pairs, start };
}

describe('clock fit', () => {
  it('recovers skew and drift despite jitter, drops and 15 % delay bursts', () => {
    const skewMs = 4321;
    const driftPpm = 80;
    const { pairs, start } = syntheticDevice(1, { skewMs, driftPpm, drop: 0.2, burst: 0.15 });
    const fit = fitClock(pairs); // ~480 pairs over 60 s
    // 4 ms jitter over a 60 s window bounds the drift estimate to a few ppm.
    expect(Math.abs((1 / fit.slope - 1) * 1e6 - driftPpm)).toBeLessThan(10);
    // Device time of true instant T maps to T + the typical delay (median of 2 + Exp(3) ≈ 4 ms).
    const trueTime = start + 55_000;
    const deviceTime = start + skewMs + (trueTime - start) * (1 + driftPpm * 1e-6);
    const mapped = toRelayTime(fit, deviceTime);
    expect(mapped - trueTime).toBeGreaterThan(2);
    expect(mapped - trueTime).toBeLessThan(8);
    expect(fit.jitterMs).toBeLessThan(5);
  });

  it('is not dragged by outliers the way a least-squares line is', () => {
    const { pairs } = syntheticDevice(2, { skewMs: 0, driftPpm: 0, drop: 0, burst: 0.2 });
    const fit = fitClock(pairs);
    expect(Math.abs(fit.slope - 1) * 1e6).toBeLessThan(20);
    const deviceTime = pairs.at(-1)!.deviceTime;
    expect(toRelayTime(fit, deviceTime) - deviceTime).toBeLessThan(10);
  });

  it('falls back to slope 1 with a single pair and refuses to fit none', () => {
    const fit = fitClock([{ deviceTime: 1000, receiveTime: 1500 }]);
    expect(toRelayTime(fit, 2000)).toBe(2500);
    expect(() => fitClock([])).toThrow(ClockFitError);
  });

  it('estimator fits only the latest window, so a changed clock is picked up', () => {
    const estimator = new ClockEstimator(50);
    expect(estimator.fit()).toBeNull();
    for (let i = 0; i < 100; i++) estimator.add(i * 100, i * 100 + (i < 50 ? 10 : 1000));
    expect(toRelayTime(estimator.fit()!, 10_000)).toBeCloseTo(11_000, 6);
    expect(estimator.fit()!.pairs).toBe(50);
  });
});
