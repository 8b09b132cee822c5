import { describe, expect, it } from 'vitest';
import type { CaseResult } from '../../workers/sandboxProtocol.ts';
import { applyProgress, finishRun, runHeadline, runProgress, startRun } from './testRunState.ts';

const result = (name: string, status: CaseResult['status'] = 'passed'): CaseResult => ({
  name,
  status,
  steps: 10,
  checks: [],
  series: { steps: [10], observables: { x: [1] } },
  timing: { runMs: 1, gradientMs: 0, totalMs: 1 },
});

describe('test run state', () => {
  it('follows compile, cases, heartbeats and results to the outcome', () => {
    let s = startRun(1000, 5000);
    s = applyProgress(s, {
      type: 'compiled',
      adapter: 'SwiftShader',
      compileMs: 40,
      cases: ['a', 'b'],
    });
    s = applyProgress(s, { type: 'case', case: 'a', index: 0 });
    s = applyProgress(s, { type: 'batch', case: 'a', step: 50, steps: 100 });
    expect(runProgress(s)).toBeCloseTo(0.25);
    s = applyProgress(s, { type: 'result', result: result('a') });
    s = applyProgress(s, { type: 'case', case: 'b', index: 1 });
    expect(runProgress(s)).toBeCloseTo(0.5);
    const outcome = {
      status: 'done' as const,
      adapter: 'SwiftShader',
      cases: [result('a'), result('b', 'failed')],
      passed: 1,
      failed: 1,
      timing: { compileMs: 40, totalMs: 90 },
    };
    const done = finishRun(s, outcome, 1500);
    expect(done).toMatchObject({
      phase: 'finished',
      elapsedMs: 500,
      adapter: 'SwiftShader',
      compileMs: 40,
    });
    expect(runHeadline(outcome)).toEqual({ text: '1 of 2 test cases failed', ok: false });
    expect(runProgress(done)).toBe(1);
  });

  it('keeps the results that arrived before the watchdog stopped the run', () => {
    let s = startRun(0, 2000);
    s = applyProgress(s, { type: 'compiled', adapter: 'x', compileMs: 1, cases: ['a', 'b'] });
    s = applyProgress(s, { type: 'result', result: result('a') });
    const stopped = {
      status: 'stopped' as const,
      reason: 'timeout' as const,
      message: 'over budget',
      elapsedMs: 2004,
      cases: [],
    };
    const done = finishRun(s, stopped, 2010);
    expect(done.phase === 'finished' && done.results.map((r) => r.name)).toEqual(['a']);
    expect(runHeadline(stopped)).toEqual({
      text: 'Stopped by the watchdog after 2.0 s: over budget',
      ok: false,
    });
  });

  it('ignores progress after the run finished', () => {
    const done = finishRun(startRun(0, 1), { status: 'cancelled', cases: [] }, 5);
    expect(applyProgress(done, { type: 'result', result: result('late') })).toBe(done);
  });
});
