import { ModelError } from './modelError.ts';
import type { ModelPlan } from './modelPlan.ts';
import type { ObservationData } from './modelSpec.ts';

/**
 * The observables of a run: row r is the state after (r + 1)·every steps, one column per
 * observable in ModelSpec order (before `scale`).
 */
export interface ObservationRecord {
  readonly every: number;
  readonly rows: number;
  readonly values: Float32Array | Float64Array;
}

export interface DataLoss {
  readonly loss: number;
  /** dLoss/d(record value), same layout as the record: the seeds of the reverse pass. */
  readonly seeds: Float32Array;
  /** Residuals that entered the sum (rows × observables with data, gaps left out). */
  readonly residuals: number;
}

/** The step count the data needs simulated: its last observation inside the loss window. */
export function stepsForData(plan: ModelPlan, data: ObservationData): number {
  checkData(plan, data);
  const inWindow = data.steps.filter((n) => inLossWindow(plan, n));
  const last = inWindow[inWindow.length - 1];
  if (last === undefined)
    throw new ModelError(
      'bad_data',
      `model "${plan.spec.name}": no observation falls in the loss window (${windowText(plan)}). Widen the window or give data inside it`,
    );
  return last;
}

/**
 * Σ weight_o · (scale_o · x − measured)² over the data rows in the loss window, and its
 * derivative with respect to every recorded value. Observables without data are left out;
 * measured NaNs are gaps.
 */
export function dataLoss(
  plan: ModelPlan,
  data: ObservationData,
  record: ObservationRecord,
): DataLoss {
  checkData(plan, data);
  const { observables, loss: spec } = plan.spec;
  const columns = observables.length;
  const seeds = new Float32Array(record.values.length);
  const fitted = observables
    .map((o, column) => ({
      column,
      scale: o.scale ?? 1,
      weight: spec.weights?.[o.name] ?? 1,
      measured: o.channel === undefined ? undefined : data.channels[o.channel],
    }))
    .filter((f) => f.measured !== undefined);
  if (fitted.length === 0)
    throw new ModelError(
      'bad_data',
      `model "${plan.spec.name}": the data has none of the observables' channels (${observables.map((o) => o.channel ?? `${o.name}: no channel`).join(', ')}; data has ${Object.keys(data.channels).join(', ') || 'none'}). Give data for at least one`,
    );
  let loss = 0;
  let residuals = 0;
  data.steps.forEach((n, r) => {
    if (!inLossWindow(plan, n)) return;
    const row = n / record.every - 1;
    if (row >= record.rows)
      throw new ModelError(
        'bad_data',
        `model "${plan.spec.name}": data row ${r} is after ${n} steps but the run has ${record.rows * record.every}. Simulate at least ${n} steps`,
      );
    for (const f of fitted) {
      const measured = f.measured![r]!;
      if (Number.isNaN(measured)) continue;
      const residual = f.scale * record.values[row * columns + f.column]! - measured;
      loss += f.weight * residual * residual;
      seeds[row * columns + f.column] = 2 * f.weight * residual * f.scale;
      residuals += 1;
    }
  });
  return { loss, seeds, residuals };
}

function inLossWindow(plan: ModelPlan, n: number): boolean {
  const w = plan.spec.loss.window;
  return !w || (n > w.start && n <= w.end);
}

const windowText = (plan: ModelPlan) => {
  const w = plan.spec.loss.window;
  return w ? `after ${w.start + 1}…${w.end} steps` : 'the whole run';
};

function checkData(plan: ModelPlan, data: ObservationData): void {
  const fail = (problem: string): never => {
    throw new ModelError('bad_data', `model "${plan.spec.name}": ${problem}`);
  };
  const every = plan.spec.loss.every;
  data.steps.forEach((n, r) => {
    if (!Number.isInteger(n) || n < every || n % every !== 0)
      fail(
        `data row ${r} is after ${n} steps, which is not a positive multiple of loss.every (${every}). Resample the data onto observation times`,
      );
    if (r > 0 && n <= data.steps[r - 1]!)
      fail(`data rows are not in increasing step order at row ${r}. Sort them by step`);
  });
  for (const [channel, values] of Object.entries(data.channels)) {
    if (values.length !== data.steps.length)
      fail(
        `channel ${channel} has ${values.length} values for ${data.steps.length} rows. Give one value per row (NaN for a gap)`,
      );
  }
}
