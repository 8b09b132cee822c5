import { describe, expect, it } from 'vitest';
import { observationSteps } from './observationSteps.ts';

describe('observationSteps', () => {
  it('takes positive multiples of every up to the run length by default', () => {
    expect(observationSteps({ steps: 10, loss: { every: 4 } })).toEqual([4, 8]);
    expect(observationSteps({ steps: 3, loss: { every: 1 } })).toEqual([1, 2, 3]);
  });

  it('keeps the states after n steps with start < n ≤ end', () => {
    expect(
      observationSteps({ steps: 100, loss: { every: 10, window: { start: 40, end: 60 } } }),
    ).toEqual([50, 60]);
    expect(
      observationSteps({ steps: 100, loss: { every: 10, window: { start: 39, end: 59 } } }),
    ).toEqual([40, 50]);
    expect(
      observationSteps({ steps: 100, loss: { every: 10, window: { start: 41, end: 49 } } }),
    ).toEqual([]);
  });
});
