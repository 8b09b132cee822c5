import { describe, expect, it } from 'vitest';
import type { ModelTestCase } from '../runtime/manifest/testCases.ts';
import { createCaseEvaluator } from './caseChecks.ts';
import { loadLoopModel } from './testing/loopModel.ts';

const testCase = (over: Partial<ModelTestCase>): ModelTestCase => ({
  name: 'case',
  steps: 4,
  every: 2,
  parameters: {},
  inputs: {},
  initialState: {},
  expect: [],
  invariants: [],
  gradients: [],
  ...over,
});
const state = (x0: number) => ({
  x: Float32Array.from({ length: 64 }, (_, i) => (i === 0 ? x0 : 0.5)),
});

describe('case checks', () => {
  it('record the observables of every sample and check expectations at their step', async () => {
    const { spec } = await loadLoopModel();
    const evaluator = createCaseEvaluator(
      spec,
      testCase({
        expect: [
          { value: 'x0', step: 2, equals: 0.25, tolerance: 0.01, relative: 0 },
          { value: 'x0 * 2', step: 4, equals: 1, tolerance: 0, relative: 0.1 },
        ],
      }),
    );
    evaluator.sample(2, state(0.25));
    evaluator.sample(4, state(0.75));
    expect(evaluator.series()).toEqual({ steps: [2, 4], observables: { x0: [0.25, 0.75] } });
    expect(evaluator.results(4).map((c) => [c.passed, c.message])).toEqual([
      [true, 'x0 after 2 steps is 0.25 (expected 0.25 ± 0.01)'],
      [false, 'x0 * 2 after 4 steps is 1.5, expected 1 ± 0.1 (off by 0.5)'],
    ]);
  });

  it('fail an expectation the run did not reach, and an invariant broken by NaN', async () => {
    const { spec } = await loadLoopModel();
    const evaluator = createCaseEvaluator(
      spec,
      testCase({
        expect: [{ value: 'x0', step: 4, equals: 0, tolerance: 1, relative: 0 }],
        invariants: [
          { value: 'sum(x)', min: 0, from: 0 },
          { value: 'x0', max: 1, from: 4 },
        ],
      }),
    );
    evaluator.sample(2, state(NaN));
    const [expectation, sum, late] = evaluator.results(2);
    expect(expectation?.message).toBe(
      'x0 after 4 steps: not reached — the run stopped after 2 steps',
    );
    expect(sum).toMatchObject({
      passed: false,
      violation: { step: 2, value: NaN },
      message:
        'sum(x) was NaN after 2 steps, not a number: the run diverged (lowest NaN, highest NaN over 1 samples)',
    });
    expect(late).toMatchObject({
      passed: false,
      samples: 0,
      message: 'x0 ≤ 1 from step 4: no sample was checked — the run stopped after 2 steps',
    });
  });
});
