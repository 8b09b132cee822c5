import { useMemo, useState } from 'react';
import { buildFootbridge } from '../twin/footbridge.ts';
import type {
  BridgeFitResult,
  ExampleFitRequest,
  ExampleFitResult,
  FitProgress,
} from '../workers/fitProtocol.ts';
import type { FitJob, FitState } from './fitHost.ts';
import { fitRunEntry, shadowRunEntry } from './fitRunLog.ts';
import { RunLogBadge } from './RunLogBadge.tsx';
import type { AppendRunRequest } from '../protocol/registry.ts';
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
function fraction(job: FitJob, last: FitProgress | undefined): number {
  if (!last) return 0;
  if (job.kind === 'example') return Math.min(1, last.iteration / last.maxIterations);
  const { request } = job;
  const total = request.localisationIterations + request.refineIterations;
  const done =
    last.stage === 'localise' ? last.iteration : request.localisationIterations + last.iteration;
  return Math.min(1, done / total);
}

function ProgressLine({ state }: { state: Exclude<FitState, { phase: 'idle' }> }) {
  const members = useMemo(() => buildFootbridge().members, []);
  const last = state.progress.at(-1);
  if (!last) return <p className="muted">Recording the hidden truth and compiling kernels…</p>;
  const stage =
    last.stage === 'localise'
      ? 'Localising (all 199 members)'
      : last.stage === 'refine'
        ? 'Refining'
        : 'Fitting';
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
 * A whole-number input: clamped into [min, max]; an empty or unreadable entry becomes `min`
 * (or 0 without one) instead of NaN reaching the fit.
 */
function NumberField(props: {
  label: string;
  title?: string;
  value: number;
  min?: number;
  max?: number;
  testId?: string;
  onChange: (value: number) => void;
}) {
  const { min, max } = props;
  return (
    <label title={props.title}>
      {props.label}
      <input
        type="number"
        min={min}
        max={max}
        value={props.value}
        data-testid={props.testId}
        onChange={(e) => {
          const n = Math.trunc(Number(e.target.value));
          const fallback = min ?? 0;
          props.onChange(
            Math.min(
              max ?? Infinity,
              Math.max(min ?? -Infinity, Number.isFinite(n) ? n : fallback),
            ),
          );
        }}
      />
    </label>
  );
}

const LEARNING_RATES = [0.005, 0.01, 0.02, 0.05, 0.1] as const;

type ModelChoice = 'bridge' | ExampleFitRequest['example'];

const MODELS: Record<ModelChoice, { name: string; about: string }> = {
  bridge: {
    name: 'Footbridge · member stiffness',
    about:
      'Every member’s stiffness, fitted by L-BFGS (bounded) through the generated adjoint of the step kernel, from the displacement sensors.',
  },
  'heat-plate': {
    name: 'Heat plate · conductivity field',
    about:
      '16 patch conductivities of a 16 × 16 plate from 16 temperature sensors under 4 heaters (300 steps, 5 mK noise).',
  },
  'pid-plant': {
    name: 'PID plant · controller gains',
    about:
      'Kp, Ki and Kd of a PID-controlled mass–spring–damper, from its recorded position response (600 steps, 0.5 mm noise).',
  },
};

function BridgeAnswer({
  result,
  onApplied,
}: {
  result: BridgeFitResult;
  /** The fitted damage went into the shadow model. */
  onApplied: (damage: { member: number; health: number }) => void;
}) {
  const workbench = useWorkbench();
  const members = useMemo(() => buildFootbridge().members, []);
  return (
    <div className="fit-result" data-testid="fit-result">
      <p>
        <strong>
          Member {result.member} · {members[result.member]?.label} at {percent(result.health)}
        </strong>{' '}
        <span className="muted">
          (hidden: member {result.truth.member} at {percent(result.truth.health)}) ·{' '}
          {result.evaluations} evaluations in {(result.elapsedMs / 1000).toFixed(1)} s on{' '}
          {result.adapter}
        </span>
      </p>
      <button
        type="button"
        data-testid="fit-apply"
        onClick={() => {
          const damage = { member: result.member, health: result.health };
          workbench.applyFittedDamage(damage);
          onApplied(damage);
        }}
      >
        Apply to the model
      </button>
    </div>
  );
}

function ExampleAnswer({ result }: { result: ExampleFitResult }) {
  return (
    <div className="fit-result" data-testid="fit-result">
      <table className="recordings">
        <thead>
          <tr>
            <th>Parameter</th>
            <th className="rec-num">Start</th>
            <th className="rec-num">Fitted</th>
            <th className="rec-num">Hidden</th>
            <th className="rec-num">Error</th>
          </tr>
        </thead>
        <tbody>
          {result.parameters.map((p) => (
            <tr key={p.name}>
              <td>
                {p.name} <span className="muted">{p.unit}</span>
              </td>
              <td className="rec-num">{p.start.toPrecision(4)}</td>
              <td className="rec-num">{p.fitted.toPrecision(4)}</td>
              <td className="rec-num">{p.truth.toPrecision(4)}</td>
              <td className="rec-num">{percent(Math.abs(p.fitted - p.truth) / p.truth)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">
        Loss {result.lossStart.toExponential(2)} → {result.loss.toExponential(2)} in{' '}
        {result.iterations} {result.optimiser === 'adam' ? 'Adam' : 'L-BFGS'} iterations (
        {result.evaluations} evaluations, {(result.elapsedMs / 1000).toFixed(1)} s on{' '}
        {result.adapter})
      </p>
    </div>
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
  // Each finished fit, and each fitted damage put into the shadow, is logged once.
  const fitEntry = useMemo(
    () => (state.phase === 'done' ? () => fitRunEntry(state.job, state.answer) : null),
    [state],
  );
  const [deployment, setDeployment] = useState<(() => Promise<AppendRunRequest>) | null>(null);
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

  const [model, setModel] = useState<ModelChoice>('bridge');
  const [exampleIterations, setExampleIterations] = useState(40);
  const [optimiser, setOptimiser] = useState<'lbfgs' | 'adam'>('lbfgs');
  const [learningRate, setLearningRate] = useState(0.02);

  const run = () =>
    workbench.fit.run(
      model === 'bridge'
        ? {
            kind: 'bridge',
            request: {
              member,
              health,
              samples,
              noiseMm,
              seed,
              localisationIterations,
              refineIterations,
            },
          }
        : {
            kind: 'example',
            request: {
              example: model,
              seed,
              iterations: exampleIterations,
              optimiser: optimiser === 'adam' ? { kind: 'adam', learningRate } : { kind: 'lbfgs' },
            },
          },
    );

  return (
    <div className="fit-panel" data-testid="fit-panel">
      <label>
        Model
        <select
          value={model}
          data-testid="fit-model"
          disabled={running}
          onChange={(e) => setModel(e.target.value as ModelChoice)}
        >
          {Object.entries(MODELS).map(([key, m]) => (
            <option key={key} value={key}>
              {m.name}
            </option>
          ))}
        </select>
      </label>
      <p className="muted">{MODELS[model].about}</p>
      {model !== 'bridge' ? (
        <fieldset disabled={running}>
          <div className="fit-row">
            <label title="L-BFGS: bounded quasi-Newton with a line search. Adam: first-order steps on parameters scaled to their bounds.">
              Optimiser
              <select
                value={optimiser}
                data-testid="fit-optimiser"
                onChange={(e) => setOptimiser(e.target.value as 'lbfgs' | 'adam')}
              >
                <option value="lbfgs">L-BFGS (bounded)</option>
                <option value="adam">Adam</option>
              </select>
            </label>
            {optimiser === 'adam' ? (
              <label title="Step size in parameters scaled to their bounds (1 = the whole range)">
                Learning rate
                <select
                  value={learningRate}
                  data-testid="fit-learning-rate"
                  onChange={(e) => setLearningRate(Number(e.target.value))}
                >
                  {LEARNING_RATES.map((rate) => (
                    <option key={rate} value={rate}>
                      {rate}
                    </option>
                  ))}
                </select>
              </label>
            ) : null}
          </div>
          <div className="fit-row">
            <NumberField
              label="Iterations"
              value={exampleIterations}
              min={1}
              max={500}
              testId="fit-example-iterations"
              onChange={setExampleIterations}
            />
            <NumberField
              label="Seed"
              title="Seeds the sensor noise of the recorded data: the same seed, the same fit"
              value={seed}
              onChange={setSeed}
            />
          </div>
        </fieldset>
      ) : (
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
            <NumberField
              label="Localise iterations"
              title="L-BFGS iterations over all members' stiffness at once"
              value={localisationIterations}
              min={1}
              max={200}
              testId="fit-iterations"
              onChange={setLocalisation}
            />
            <NumberField
              label="Refine iterations"
              title="L-BFGS iterations on the suspect member alone"
              value={refineIterations}
              min={1}
              max={100}
              testId="fit-refine"
              onChange={setRefine}
            />
          </div>
          <div className="fit-row">
            <NumberField
              label="Seed"
              title="Walkers on the deck and sensor noise follow the seed: the same seed, the same fit"
              value={seed}
              onChange={setSeed}
            />
          </div>
        </fieldset>
      )}
      <div className="buttons">
        {state.phase === 'failed' && state.resumeFrom ? (
          <button type="button" data-testid="fit-resume" onClick={() => workbench.fit.resume()}>
            Resume from iteration {state.resumeFrom.iteration} on a new device
          </button>
        ) : null}
        <button
          type="button"
          className={state.phase === 'failed' && state.resumeFrom ? 'secondary' : undefined}
          data-testid="fit-run"
          disabled={running}
          onClick={run}
        >
          {state.phase === 'failed' && state.retry ? 'Start over on a new device' : 'Run fit'}
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
            value={state.phase === 'done' ? 1 : fraction(state.job, state.progress.at(-1))}
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
      {state.phase === 'done' && state.answer.kind === 'bridge' ? (
        <BridgeAnswer
          result={state.answer.result}
          onApplied={(damage) => {
            const from = state.answer;
            setDeployment(() => () => shadowRunEntry(damage, from));
          }}
        />
      ) : null}
      {state.phase === 'done' && state.answer.kind === 'example' ? (
        <ExampleAnswer result={state.answer.result} />
      ) : null}
      {fitEntry ? <RunLogBadge entry={fitEntry} what="fit" testId="fit-log" /> : null}
      {modelDamage ? (
        <p className="notice" data-testid="fit-applied">
          The model runs with member {modelDamage.member} at {percent(modelDamage.health)} from the
          fit, until the plant reports a change.
        </p>
      ) : null}
      {modelDamage && deployment ? (
        <RunLogBadge entry={deployment} what="shadow deployment" testId="shadow-log" />
      ) : null}
    </div>
  );
}
