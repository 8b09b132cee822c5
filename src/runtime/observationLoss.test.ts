import { describe, expect, it } from 'vitest';
import { ModelError } from './modelError.ts';
import { planModel } from './modelPlan.ts';
import { dataLoss, stepsForData } from './observationLoss.ts';
import { resampleChannel } from './simulationInputs.ts';
import { springChainSpec } from './testing/springChain.ts';

const base = springChainSpec();
const plan = planModel({ ...base, loss: { ...base.loss, window: { start: 3, end: 9 } } });
// Rows after 3, 6 and 9 steps; columns x3, x6 (scale 10), energy (weight 2).
const record = { every: 3, rows: 3, values: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]) };

describe('dataLoss', () => {
  it('weighs and scales residuals inside the window, skipping gaps and channels without data', () => {
    const data = {
      steps: [3, 6, 9],
      channels: { x3: Float64Array.from([100, 3, Number.NaN]), x6: Float64Array.from([0, 50, 81]) },
    };
    const r = dataLoss(plan, data, record);
    // Row 0 is outside the window (after 3 steps, start 3); energy has no channel in the data.
    expect(r.residuals).toBe(3);
    expect(r.loss).toBeCloseTo((4 - 3) ** 2 + (50 - 50) ** 2 + (80 - 81) ** 2, 10);
    expect(Array.from(r.seeds)).toEqual([0, 0, 0, 2, 0, 0, 0, 2 * -1 * 10, 0]);
    expect(stepsForData(plan, data)).toBe(9);
  });

  it('refuses rows that are not on observation steps, and channels of the wrong length', () => {
    const off = () =>
      dataLoss(plan, { steps: [4], channels: { x3: Float64Array.from([1]) } }, record);
    expect(off).toThrow(ModelError);
    expect(off).toThrow('not a positive multiple of loss.every (3)');
    const short = () =>
      dataLoss(plan, { steps: [3, 6], channels: { x3: Float64Array.from([1]) } }, record);
    expect(short).toThrow('channel x3 has 1 values for 2 rows');
  });
});

describe('resampleChannel', () => {
  it('holds or interpolates samples at step starts', () => {
    const times = [0.1, 0.3];
    const values = [1, 3];
    expect(Array.from(resampleChannel(times, values, 0.1, 5, 'hold'))).toEqual([1, 1, 1, 3, 3]);
    const linear = resampleChannel(times, values, 0.1, 5, 'linear');
    expect(Array.from(linear).map((v) => Math.round(v * 1e9) / 1e9)).toEqual([1, 1, 2, 3, 3]);
  });
});
