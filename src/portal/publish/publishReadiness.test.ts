import { describe, expect, it } from 'vitest';
import type { CaseResult } from '../../workers/sandboxProtocol.ts';
import type { ModelWithTests } from '../../runtime/manifest/parseManifest.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { PortalState } from '../portalStore.ts';
import { finishRun, startRun } from '../testRun/testRunState.ts';
import { publishReadiness } from './publishReadiness.ts';

const files = { 'model.yaml': 'name: m', 'm.wgsl': 'fn f() {}' };
const draft: NonNullable<PortalState['draft']> = {
  id: 'pidPlant',
  title: 'PID plant',
  origin: 'pidPlant',
  original: { manifest: 'model.yaml', files },
  manifest: 'model.yaml',
};
// The readiness only asks whether a model loaded, not what it is.
const model = {} as ModelWithTests;

function passedCase(name: string, status: CaseResult['status'] = 'passed'): CaseResult {
  return {
    name,
    status,
    steps: 10,
    checks: [],
    series: { steps: [], observables: {} },
    timing: { runMs: 5, gradientMs: 0, totalMs: 12.4 },
  };
}

function finished(cases: CaseResult[]): PortalState['run'] {
  return finishRun(
    startRun(0, 60_000),
    {
      status: 'done',
      adapter: 'test',
      cases,
      passed: cases.filter((c) => c.status === 'passed').length,
      failed: cases.filter((c) => c.status !== 'passed').length,
      timing: { compileMs: 1, totalMs: 20 },
    },
    20,
  );
}

const ready: Parameters<typeof publishReadiness>[0] = {
  draft,
  files,
  checking: false,
  diagnostics: [],
  model,
  run: finished([passedCase('step'), passedCase('gradient')]),
  runFiles: files,
};

describe('publishReadiness', () => {
  it('is ready after a passing test run of exactly these files, with its results to record', () => {
    const r = publishReadiness(ready);
    expect(r).toEqual({
      ready: true,
      results: [
        { suite: 'portal test run', name: 'step', status: 'passed', durationMs: 12 },
        { suite: 'portal test run', name: 'gradient', status: 'passed', durationMs: 12 },
      ],
    });
  });

  it('says why not: errors, no run, a stale run, a failed case', () => {
    const error: Diagnostic = {
      file: 'm.wgsl',
      source: 'wgsl',
      severity: 'error',
      message: 'x',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 2,
    };
    const reason = (patch: Partial<typeof ready>) => {
      const r = publishReadiness({ ...ready, ...patch });
      return r.ready ? null : r.reason;
    };
    expect(reason({ diagnostics: [error] })).toMatch(/1 error .*fix them/);
    expect(reason({ diagnostics: [{ ...error, severity: 'warning' }] })).toBeNull();
    expect(reason({ run: { phase: 'idle' } })).toMatch(/Run the tests first/);
    expect(reason({ runFiles: { ...files, 'm.wgsl': 'fn g() {}' } })).toMatch(/changed since/);
    expect(reason({ runFiles: null })).toMatch(/changed since/);
    expect(reason({ run: finished([passedCase('step'), passedCase('grad', 'failed')]) })).toMatch(
      /failed "grad"/,
    );
    expect(reason({ run: finished([]) })).toMatch(/no test cases/);
    expect(reason({ checking: true })).toMatch(/still running/);
    expect(reason({ model: null })).toMatch(/did not load/);
  });
});
