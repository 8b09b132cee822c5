import { describe, expect, it } from 'vitest';
import { CheckpointBudgetError, storeAll, uniformSchedule } from './checkpointSchedule.ts';

describe('uniformSchedule', () => {
  it('fits 1000 steps in 64 states with the longest segments that fit', () => {
    const s = uniformSchedule(1000, 64);
    expect(s.peakStates).toBeLessThanOrEqual(64);
    expect(s.segments * s.segmentLength).toBeGreaterThanOrEqual(1000);
    expect(s.segmentLength).toBe(uniformSchedule(1000, 64).segmentLength);
    expect(s.segmentLength).toBeGreaterThanOrEqual(31);
  });

  it('stores every state when the budget allows it', () => {
    expect(uniformSchedule(10, 11)).toEqual(storeAll(10));
  });

  it('refuses a budget below what √T segments need, saying what would fit', () => {
    expect(() => uniformSchedule(1000, 40)).toThrow(CheckpointBudgetError);
    expect(() => uniformSchedule(1000, 40)).toThrow(/at least 64 states/);
  });
});
