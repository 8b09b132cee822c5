import type { SandboxResult } from '../../sandbox/sandboxHost.ts';
import { DEFAULT_SANDBOX_LIMITS } from '../../sandbox/sandboxLimits.ts';
import type { CaseResult, CheckResult } from '../../workers/sandboxProtocol.ts';
import { usePortal, usePortalState } from '../usePortal.ts';
import { CasePlot } from './CasePlot.tsx';
import { runHeadline, runProgress, type TestRunState } from './testRunState.ts';

const ms = (value: number) =>
  value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`;

/**
 * "Test run": the manifest's test cases in the sandbox worker, with the watchdog's budget and
 * the loop guard's cap as settings, progress, each case's checks and plots, and timings.
 */
export function TestRunPanel() {
  const { portal } = usePortal();
  const run = usePortalState((s) => s.run);
  const options = usePortalState((s) => s.runOptions);
  const model = usePortalState((s) => s.model);
  const checking = usePortalState((s) => s.checking);
  const running = run.phase === 'running';
  return (
    <section className="portal-run" data-testid="portal-run" aria-label="Test run">
      <h3>Test run</h3>
      <div className="portal-run-controls">
        <button
          type="button"
          className="primary"
          data-testid="portal-run-button"
          disabled={running || checking || !model}
          title={
            model
              ? `Runs the ${model.tests.length} test cases of the manifest`
              : 'Fix the problems first'
          }
          onClick={() => portal.runTests()}
        >
          Test run
        </button>
        <button
          type="button"
          data-testid="portal-run-cancel"
          disabled={!running || run.cancelling}
          onClick={() => portal.cancelRun()}
        >
          Cancel
        </button>
        <label title="The watchdog terminates the sandbox worker, and its GPU device, past this">
          Budget (s)
          <input
            type="number"
            min={1}
            step={1}
            value={options.budgetMs / 1000}
            disabled={running}
            data-testid="portal-run-budget"
            onChange={(e) => {
              const seconds = Number(e.target.value);
              if (seconds > 0) portal.setRunOptions({ budgetMs: Math.round(seconds * 1000) });
            }}
          />
        </label>
        <label
          title={`Loop iterations one invocation may run before the loop guard stops it. Whatever this is, a dispatch's invocations together may run ${DEFAULT_SANDBOX_LIMITS.maxDispatchIterations} (limits.maxDispatchIterations): a dispatch cannot be interrupted once it runs.`}
        >
          Loop cap
          <input
            type="number"
            min={1}
            step={1}
            value={options.maxLoopIterations}
            disabled={running}
            data-testid="portal-run-loop-cap"
            onChange={(e) => {
              const cap = Number(e.target.value);
              if (Number.isInteger(cap) && cap >= 1 && cap <= 2 ** 32 - 2)
                portal.setRunOptions({ maxLoopIterations: cap });
            }}
          />
        </label>
      </div>
      {!model && !checking && run.phase === 'idle' && (
        <p className="portal-muted">The model has problems; fix them to run its tests.</p>
      )}
      <RunStatus run={run} />
      {run.phase !== 'idle' && (
        <ul className="portal-cases">
          {run.results.map((result) => (
            <CaseRow key={result.name} result={result} />
          ))}
        </ul>
      )}
    </section>
  );
}

function RunStatus({ run }: { run: TestRunState }) {
  if (run.phase === 'idle') return null;
  if (run.phase === 'running')
    return (
      <div className="portal-run-status" data-testid="portal-run-status" data-phase="running">
        <progress value={runProgress(run)} max={1} />
        <p>
          {run.cancelling
            ? 'Cancelling…'
            : run.current
              ? `Case ${run.current.index + 1} of ${run.cases.length}: ${run.current.name}${run.current.steps > 0 ? ` — step ${run.current.step} of ${run.current.steps}` : ''}`
              : 'Compiling the model in the sandbox…'}
          <span className="portal-muted"> (budget {ms(run.budgetMs)})</span>
        </p>
      </div>
    );
  const { text, ok } = runHeadline(run.result);
  return (
    <div
      className={`portal-run-status ${ok ? 'ok' : 'bad'}`}
      data-testid="portal-run-status"
      data-phase="finished"
      data-status={run.result.status}
      data-reason={'reason' in run.result ? run.result.reason : ''}
    >
      <p className="portal-run-headline">{text}</p>
      {message(run.result) && <p className="portal-run-message">{message(run.result)}</p>}
      <p className="portal-muted">
        {run.adapter ? `${run.adapter} · ` : ''}
        {run.compileMs !== null ? `compile ${ms(run.compileMs)} · ` : ''}
        total {ms(run.elapsedMs)}
      </p>
    </div>
  );
}

function message(result: SandboxResult): string | null {
  return 'message' in result ? result.message : null;
}

function CaseRow({ result }: { result: CaseResult }) {
  return (
    <li
      className={`portal-case ${result.status}`}
      data-testid="portal-case"
      data-status={result.status}
    >
      <details open={result.status !== 'passed'}>
        <summary>
          <span className="portal-case-status">{result.status}</span> {result.name}
          <span className="portal-muted">
            {' '}
            · {result.steps} steps · run {ms(result.timing.runMs)}
            {result.timing.gradientMs > 0
              ? ` · gradients ${ms(result.timing.gradientMs)}`
              : ''} · {ms(result.timing.totalMs)}
          </span>
        </summary>
        {result.failure && <p className="portal-run-message">{result.failure.message}</p>}
        <ul className="portal-checks">
          {result.checks.map((check, i) => (
            <CheckRow key={i} check={check} />
          ))}
        </ul>
        <CasePlot series={result.series} />
      </details>
    </li>
  );
}

function CheckRow({ check }: { check: CheckResult }) {
  return (
    <li className={check.passed ? 'ok' : 'bad'}>
      <span>{check.passed ? '✓' : '✗'}</span> <strong>{check.label}</strong> — {check.message}
    </li>
  );
}
