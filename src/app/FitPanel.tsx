import { useMemo, useState } from 'react';
import { buildFootbridge } from '../twin/footbridge.ts';
import type { BridgeFitRequest, FitProgress } from '../workers/fitProtocol.ts';
import type { FitState } from './fitHost.ts';
import { LossChart } from './LossChart.tsx';
import { MemberDamageInputs } from './MemberDamageInputs.tsx';
import { useWorkbench, useWorkbenchState } from './WorkbenchContext.tsx';

const WINDOWS = [
  { samples: 10, label: '0.1 s (10 samples)' },
  { samples: 30, label: '0.3 s (30 samples)' },
  { samples: 100, label: '1 s (100 samples)' },
] as const;

const percent = (h: number) => `${(100 * h).toFixed(1)} %`;

/** Share of the whole fit done: localisation iterations, then refinement iterations. */
function fraction(request: BridgeFitRequest, last: FitProgress | undefined): number {
  if (!last) return 0;
  const total = request.localisationIterations + request.refineIterations;
  const done =
    last.stage === 'localise' ? last.iteration : request.localisationIterations + last.iteration;
  return Math.min(1, done / total);
}

function ProgressLine({ state }: { state: Exclude<FitState, { phase: 'idle' }> }) {
  const members = useMemo(() => buildFootbridge().members, []);
  const last = state.progress.at(-1);
  if (!last) return <p className="muted">Recording the hidden plant and compiling kernels…</p>;
  const stage = last.stage === 'localise' ? 'Localising (all 199 members)' : 'Refining';
  return (
    <p className="fit-progress-line" data-testid="fit-progress-line">
      {stage}: iteration {last.iteration}/{last.maxIterations} · loss{' '}
      <span data-testid="fit-loss">{last.loss.toExponential(3)}</span> mm² · |g|{' '}
      {last.gradientNorm.toExponential(1)} · {(last.elapsedMs / 1000).toFixed(1)} s
      {last.suspect >= 0 ? (
        <>
          {' '}
          · suspect {last.suspect} {members[last.suspect]?.label} ({percent(last.suspectHealth)})
        </>
      ) : null}
    </p>
  );
}

/**
 * Fit panel: hide a damage in the plant, let the fit find it from the displacement sensors with
 * gradients through every time step, watch the loss fall, and give the model the answer.
 */
export function FitPanel() {
  const workbench = useWorkbench();
  const state = useWorkbenchState((s) => s.fit);
  const modelDamage = useWorkbenchState((s) => s.modelDamage);
  const members = useMemo(() => buildFootbridge().members, []);
  const [member, setMember] = useState(() =>
    Math.max(
      0,
      members.findIndex((m) => m.label === 'bottom chord L7-8'),
    ),
  );
  const [health, setHealth] = useState(0.6);
  const [samples, setSamples] = useState(10);
  const [noiseMm, setNoiseMm] = useState(0);
  const [seed, setSeed] = useState(4);
  const [localisationIterations, setLocalisation] = useState(30);
  const [refineIterations, setRefine] = useState(15);
  const running = state.phase === 'running' || state.phase === 'cancelling';

  const run = () =>
    workbench.fit.run({
      member,
      health,
      samples,
      noiseMm,
      seed,
      localisationIterations,
      refineIterations,
    });

  return (
    <div className="fit-panel" data-testid="fit-panel">
      <p className="muted">
        Footbridge · stiffness of every member, fitted by L-BFGS (bounded) through the generated
        adjoint of the step kernel.
      </p>
      <fieldset disabled={running}>
        <MemberDamageInputs
          members={members}
          label="Hidden damage (the fit is not told)"
          member={member}
          onMember={setMember}
          health={health}
          onHealth={setHealth}
          minHealth={0.3}
          maxHealth={0.95}
          testId="fit"
        />
        <div className="fit-row">
          <label>
            Data window
            <select value={samples} onChange={(e) => setSamples(Number(e.target.value))}>
              {WINDOWS.map((w) => (
                <option key={w.samples} value={w.samples}>
                  {w.label}
                </option>
              ))}
            </select>
          </label>
          <label>
            Sensor noise (mm)
            <select value={noiseMm} onChange={(e) => setNoiseMm(Number(e.target.value))}>
              {[0, 0.0001, 0.001].map((n) => (
                <option key={n} value={n}>
                  {n === 0 ? 'none' : n}
                </option>
              ))}
            </select>
          </label>
        </div>
        <div className="fit-row">
          <label title="L-BFGS iterations over all members' stiffness at once">
            Localise iterations
            <input
              type="number"
              min={1}
              max={200}
              value={localisationIterations}
              data-testid="fit-iterations"
              onChange={(e) => setLocalisation(Math.max(1, Number(e.target.value) || 1))}
            />
          </label>
          <label title="L-BFGS iterations on the suspect member alone">
            Refine iterations
            <input
              type="number"
              min={1}
              max={100}
              value={refineIterations}
              data-testid="fit-refine"
              onChange={(e) => setRefine(Math.max(1, Number(e.target.value) || 1))}
            />
          </label>
        </div>
        <div className="fit-row">
          <label title="Walkers on the deck and sensor noise follow the seed: the same seed, the same fit">
            Seed
            <input
              type="number"
              value={seed}
              onChange={(e) => setSeed(Math.trunc(Number(e.target.value) || 0))}
            />
          </label>
        </div>
      </fieldset>
      <div className="buttons">
        <button type="button" data-testid="fit-run" disabled={running} onClick={run}>
          {state.phase === 'failed' && state.retry ? 'Run again on a new device' : 'Run fit'}
        </button>
        <button
          type="button"
          className="secondary"
          data-testid="fit-cancel"
          disabled={state.phase !== 'running'}
          onClick={() => workbench.fit.cancel()}
        >
          {state.phase === 'cancelling' ? 'Cancelling…' : 'Cancel'}
        </button>
      </div>
      {state.phase !== 'idle' ? (
        <>
          <progress
            className="fit-progress"
            data-testid="fit-progress"
            max={1}
            value={state.phase === 'done' ? 1 : fraction(state.request, state.progress.at(-1))}
          />
          <ProgressLine state={state} />
          <LossChart progress={state.progress} />
        </>
      ) : null}
      {state.phase === 'cancelled' ? <p className="muted">Cancelled.</p> : null}
      {state.phase === 'failed' ? (
        <p className="error-text" data-testid="fit-error">
          {state.message}
        </p>
      ) : null}
      {state.phase === 'done' ? (
        <div className="fit-result" data-testid="fit-result">
          <p>
            <strong>
              Member {state.result.member} · {members[state.result.member]?.label} at{' '}
              {percent(state.result.health)}
            </strong>{' '}
            <span className="muted">
              (hidden: member {state.result.truth.member} at {percent(state.result.truth.health)}) ·{' '}
              {state.result.evaluations} evaluations in {(state.result.elapsedMs / 1000).toFixed(1)}{' '}
              s on {state.result.adapter}
            </span>
          </p>
          <button
            type="button"
            data-testid="fit-apply"
            onClick={() =>
              workbench.applyFittedDamage({
                member: state.result.member,
                health: state.result.health,
              })
            }
          >
            Apply to the model
          </button>
        </div>
      ) : null}
      {modelDamage ? (
        <p className="notice" data-testid="fit-applied">
          The model runs with member {modelDamage.member} at {percent(modelDamage.health)} from the
          fit, until the plant reports a change.
        </p>
      ) : null}
    </div>
  );
}
