import { describe, expect, it } from 'vitest';
import { planModel } from './modelPlan.ts';
import { regularisation } from './regularisation.ts';
import { springChainSpec } from './testing/springChain.ts';

describe('regularisation', () => {
  it('sums smoothness over grid neighbours and l2 towards a value, with the matching gradient', () => {
    const base = springChainSpec();
    const plan = planModel({
      ...base,
      parameters: [
        { name: 'field', buffer: 'stiffness', offset: 0, count: 6, lower: 0, upper: 10 },
        { name: 'damping', buffer: 'damping', offset: 0, count: 1, lower: 0, upper: 2 },
      ],
      loss: {
        ...base.loss,
        regularisation: [
          { kind: 'smoothness', parameter: 'field', weight: 0.5, shape: [2, 3] },
          { kind: 'l2', parameter: 'damping', weight: 2, towards: 1 },
        ],
      },
    });
    // field [[1, 2, 4], [1, 1, 1]]: row pairs (1,2), (2,4), (1,1), (1,1); column pairs (1,1), (2,1), (4,1).
    const x = Float64Array.from([1, 2, 4, 1, 1, 1, 0.25]);
    const { loss, gradient } = regularisation(plan, x);
    expect(loss).toBeCloseTo(0.5 * (1 + 4 + 0 + 0 + 0 + 1 + 9) + 2 * 0.75 ** 2, 12);
    for (let i = 0; i < x.length; i++) {
      const h = 1e-6;
      const plus = x.slice();
      plus[i] = plus[i]! + h;
      const minus = x.slice();
      minus[i] = minus[i]! - h;
      const fd = (regularisation(plan, plus).loss - regularisation(plan, minus).loss) / (2 * h);
      expect(gradient[i]).toBeCloseTo(fd, 6);
    }
  });
});
