import { formatValue } from './format.ts';
import { useWorkbenchState } from './WorkbenchContext.tsx';

/** The model running beside the plant in the simulation worker. */
export function SimPanel() {
  const sim = useWorkbenchState((s) => s.sim);
  const measured = useWorkbenchState(
    (s) => s.channels.find((c) => c.name === 'disp.z.L50')?.value ?? Number.NaN,
  );
  if (sim.phase === 'starting') return <p className="muted">Starting the simulation worker…</p>;
  if (sim.phase === 'failed') return <p className="error-text">{sim.message}</p>;
  const { backend, status, problem } = sim;
  return (
    <div className="sim-panel">
      {backend.kind === 'webgpu' ? (
        <dl className="kv">
          <dt>Step kernel</dt>
          <dd>WGSL compute on {backend.adapter}</dd>
          <dt>Self-check vs CPU</dt>
          <dd title="Max relative error of one GPU step against the float64 CPU reference">
            u {backend.selfCheck.displacement.toExponential(1)} · v{' '}
            {backend.selfCheck.velocity.toExponential(1)}
          </dd>
        </dl>
      ) : (
        <p className="notice" data-testid="sim-fallback">
          <strong>WebGPU unavailable</strong> — running the CPU step instead. Reason:{' '}
          {backend.reason}
        </p>
      )}
      {status ? (
        <dl className="kv">
          <dt>Steps/s</dt>
          <dd data-testid="sim-steps">
            {Math.round(status.stepsPerSecond).toLocaleString()} ({status.steps.toLocaleString()}{' '}
            total)
          </dd>
          <dt>Real-time factor</dt>
          <dd>{status.realtimeFactor.toFixed(2)}×</dd>
          <dt>Midspan, model / plant</dt>
          <dd>
            {formatValue(status.midspanMm)} / {formatValue(measured)} mm
          </dd>
        </dl>
      ) : (
        <p className="muted">Waiting for the first steps…</p>
      )}
      {problem ? <p className="error-text">{problem}</p> : null}
    </div>
  );
}
