/**
 * A test case's expectations and invariants, evaluated on the CPU (float64) at each sample of
 * the run as it goes, so nothing but the observables' series is kept.
 */
import type { ModelTestCase } from '../runtime/manifest/testCases.ts';
import {
  evaluateTestExpression,
  parseTestExpression,
  type ExpressionScope,
  type TestExpression,
} from '../runtime/manifest/testExpression.ts';
import type { ModelSpec } from '../runtime/modelSpec.ts';
import type { CheckResult, SampleSeries } from '../workers/sandboxProtocol.ts';
import type { StateSnapshot } from './batchedRun.ts';

export interface CaseEvaluator {
  sample(step: number, state: StateSnapshot): void;
  /** The observables at every sample so far. */
  series(): SampleSeries;
  /** Expectations and invariants; those whose step was not reached fail saying so. */
  results(stepsRun: number): CheckResult[];
}

/** `1234.5678901` → `1234.568`: seven significant digits, as float32 holds. */
export const show = (x: number) =>
  Number.isFinite(x) ? String(Number(x.toPrecision(7))) : String(x);

/**
 * Parses the case's expressions (throwing a TestExpressionError for one that does not parse;
 * the manifest checks rule that out) and returns what samples the run.
 */
export function createCaseEvaluator(spec: ModelSpec, testCase: ModelTestCase): CaseEvaluator {
  const observables = new Map(spec.observables.map((o) => [o.name, o]));
  const stateBuffers = new Set(spec.buffers.filter((b) => b.role === 'state').map((b) => b.name));
  const steps: number[] = [];
  const values: Record<string, number[]> = Object.fromEntries(
    spec.observables.map((o) => [o.name, [] as number[]]),
  );
  const expectations = testCase.expect.map((e) => ({
    spec: e,
    tree: parseTestExpression(e.value),
    measured: NaN,
    reached: false,
  }));
  const invariants = testCase.invariants.map((v) => ({
    spec: v,
    tree: parseTestExpression(v.value),
    lowest: Infinity,
    highest: -Infinity,
    samples: 0,
    violation: undefined as { step: number; value: number } | undefined,
  }));
  const evaluate = (tree: TestExpression, scope: ExpressionScope) =>
    evaluateTestExpression(tree, scope);

  return {
    sample(step, state) {
      const scope: ExpressionScope = {
        observable: (name) => {
          const o = observables.get(name);
          const data = o && state[o.buffer];
          return o && data ? (o.scale ?? 1) * data[o.index]! : undefined;
        },
        buffer: (name) => (stateBuffers.has(name) ? state[name] : undefined),
      };
      steps.push(step);
      for (const o of spec.observables) values[o.name]!.push(scope.observable(o.name)!);
      for (const e of expectations) {
        if (e.spec.step !== step) continue;
        e.measured = evaluate(e.tree, scope);
        e.reached = true;
      }
      for (const v of invariants) {
        if (step < v.spec.from) continue;
        const value = evaluate(v.tree, scope);
        v.samples++;
        v.lowest = Number.isNaN(value) || Number.isNaN(v.lowest) ? NaN : Math.min(v.lowest, value);
        v.highest =
          Number.isNaN(value) || Number.isNaN(v.highest) ? NaN : Math.max(v.highest, value);
        const inside =
          (v.spec.min === undefined || value >= v.spec.min) &&
          (v.spec.max === undefined || value <= v.spec.max);
        if (!inside && !v.violation) v.violation = { step, value };
      }
    },
    series: () => ({ steps: [...steps], observables: structuredClone(values) }),
    results(stepsRun) {
      const checks: CheckResult[] = expectations.map(({ spec: e, measured, reached }) => {
        const allowed = e.tolerance + e.relative * Math.abs(e.equals);
        const label = `${e.value} after ${e.step} steps`;
        const expected = `${show(e.equals)} ± ${show(allowed)}`;
        const off = Math.abs(measured - e.equals);
        const passed = reached && off <= allowed;
        return {
          kind: 'expect',
          label,
          passed,
          message: !reached
            ? `${label}: not reached — the run stopped after ${stepsRun} steps`
            : passed
              ? `${label} is ${show(measured)} (expected ${expected})`
              : `${label} is ${show(measured)}, expected ${expected}${Number.isNaN(measured) ? ' — the state is NaN: the run diverged' : ` (off by ${show(off)})`}`,
          step: e.step,
          measured,
          expected: e.equals,
          allowed,
        };
      });
      for (const v of invariants) {
        const { min, max, value, from } = v.spec;
        const bounds =
          min !== undefined && max !== undefined
            ? `within [${show(min)}, ${show(max)}]`
            : min !== undefined
              ? `≥ ${show(min)}`
              : `≤ ${show(max!)}`;
        const label = `${value} ${bounds}${from > 0 ? ` from step ${from}` : ''}`;
        const range = `lowest ${show(v.lowest)}, highest ${show(v.highest)} over ${v.samples} samples`;
        const bad = v.violation;
        checks.push({
          kind: 'invariant',
          label,
          passed: !bad && v.samples > 0,
          message: bad
            ? `${value} was ${show(bad.value)} after ${bad.step} steps, ${Number.isNaN(bad.value) ? 'not a number: the run diverged' : min !== undefined && bad.value < min ? `below the min ${show(min)}` : `above the max ${show(max!)}`} (${range})`
            : v.samples === 0
              ? `${label}: no sample was checked — the run stopped after ${stepsRun} steps`
              : `${value} stayed ${bounds} (${range})`,
          ...(min !== undefined && { min }),
          ...(max !== undefined && { max }),
          lowest: v.lowest,
          highest: v.highest,
          samples: v.samples,
          ...(bad && { violation: bad }),
        });
      }
      return checks;
    },
  };
}
