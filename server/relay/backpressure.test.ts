import { describe, expect, it } from 'vitest';
import { Backpressure } from './backpressure.ts';

describe('Backpressure', () => {
  it('turns on above pauseAbove and off only below resumeBelow', () => {
    const pressure = new Backpressure({ pauseAbove: 100, resumeBelow: 20 });
    const changes: boolean[] = [];
    pressure.subscribe((paused) => changes.push(paused));
    for (const depth of [50, 100, 101, 150, 60, 20, 19, 50, 99, 101]) pressure.update(depth);
    expect(changes).toEqual([true, false, true]);
    expect(pressure.paused).toBe(true);
    expect(pressure.pauses).toBe(2);
  });

  it('stops telling a listener that unsubscribed', () => {
    const pressure = new Backpressure({ pauseAbove: 1, resumeBelow: 1 });
    const changes: boolean[] = [];
    const stop = pressure.subscribe((paused) => changes.push(paused));
    pressure.update(2);
    stop();
    pressure.update(0);
    expect(changes).toEqual([true]);
  });

  it('refuses thresholds that would never resume', () => {
    expect(() => new Backpressure({ pauseAbove: 10, resumeBelow: 11 })).toThrow(/resumeBelow/);
  });
});
