/**
 * What the test-run panel shows, folded from the sandbox host's progress messages and result.
 * Pure, so the panel is a view of this state and tests drive it with plain messages.
 */
import type { SandboxResult } from '../../sandbox/sandboxHost.ts';
import type { CaseResult, SandboxProgress } from '../../workers/sandboxProtocol.ts';

export type TestRunState =
  | { readonly phase: 'idle' }
  | {
      readonly phase: 'running';
      readonly startedAt: number;
      /** The budget the watchdog holds the run to, ms. */
      readonly budgetMs: number;
      readonly adapter: string | null;
      readonly compileMs: number | null;
      /** The cases the worker will run, once the model compiled. */
      readonly cases: readonly string[];
      /** The case in progress and its last heartbeat. */
      readonly current: {
        readonly name: string;
        readonly index: number;
        readonly step: number;
        readonly steps: number;
      } | null;
      readonly results: readonly CaseResult[];
      readonly cancelling: boolean;
    }
  | {
      readonly phase: 'finished';
      readonly result: SandboxResult;
      readonly results: readonly CaseResult[];
      readonly cases: readonly string[];
      readonly adapter: string | null;
      readonly compileMs: number | null;
      readonly elapsedMs: number;
    };

export function startRun(startedAt: number, budgetMs: number): TestRunState {
  return {
    phase: 'running',
    startedAt,
    budgetMs,
    adapter: null,
    compileMs: null,
    cases: [],
    current: null,
    results: [],
    cancelling: false,
  };
}

export function applyProgress(state: TestRunState, progress: SandboxProgress): TestRunState {
  if (state.phase !== 'running') return state;
  switch (progress.type) {
    case 'compiled':
      return {
        ...state,
        adapter: progress.adapter,
        compileMs: progress.compileMs,
        cases: progress.cases,
      };
    case 'case':
      return {
        ...state,
        current: { name: progress.case, index: progress.index, step: 0, steps: 0 },
      };
    case 'batch':
      return {
        ...state,
        current: {
          name: progress.case,
          index: state.current?.index ?? state.results.length,
          step: progress.step,
          steps: progress.steps,
        },
      };
    case 'result':
      return { ...state, results: [...state.results, progress.result] };
  }
}

export function finishRun(state: TestRunState, result: SandboxResult, now: number): TestRunState {
  const running = state.phase === 'running' ? state : null;
  // The worker's own list is complete; a stopped run has only what arrived before the stop.
  const results =
    result.cases.length >= (running?.results.length ?? 0) ? result.cases : running!.results;
  return {
    phase: 'finished',
    result,
    results,
    cases: running?.cases ?? results.map((r) => r.name),
    adapter: running?.adapter ?? (result.status === 'done' ? result.adapter : null),
    compileMs: running?.compileMs ?? null,
    elapsedMs: running ? now - running.startedAt : 0,
  };
}

/** Fraction of the run done: finished cases plus the current case's steps, over all cases. */
export function runProgress(state: TestRunState): number {
  if (state.phase === 'finished') return 1;
  if (state.phase === 'idle' || state.cases.length === 0) return 0;
  const within =
    state.current && state.current.steps > 0 ? state.current.step / state.current.steps : 0;
  return Math.min(1, (state.results.length + within) / state.cases.length);
}

/** The run's outcome in a line, and whether it is good news. */
export function runHeadline(result: SandboxResult): { text: string; ok: boolean } {
  switch (result.status) {
    case 'done':
      return {
        text:
          result.failed === 0
            ? `All ${result.passed} test cases passed`
            : `${result.failed} of ${result.passed + result.failed} test cases failed`,
        ok: result.failed === 0,
      };
    case 'cancelled':
      return { text: `Cancelled after ${result.cases.length} case(s)`, ok: false };
    case 'failed':
      return { text: `The run failed (${result.reason.replace('_', ' ')})`, ok: false };
    case 'stopped':
      return {
        text:
          result.reason === 'timeout'
            ? `Stopped by the watchdog after ${(result.elapsedMs / 1000).toFixed(1)} s: over budget`
            : result.reason === 'no_heartbeat'
              ? `Stopped by the watchdog after ${(result.elapsedMs / 1000).toFixed(1)} s: no heartbeat`
              : result.reason === 'cancelled'
                ? 'Cancelled: the worker was terminated'
                : 'The sandbox worker failed',
        ok: false,
      };
  }
}
