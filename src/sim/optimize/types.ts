/** A differentiable objective: loss and gradient at x (async: it may run on the GPU). */
export type Objective = (
  x: Float64Array,
) => Promise<{ readonly loss: number; readonly gradient: Float64Array }>;

export interface Bounds {
  readonly lower: Float64Array;
  readonly upper: Float64Array;
}

export interface Progress {
  readonly iteration: number;
  readonly loss: number;
  /** Norm of the projected gradient (zero at a bound-constrained optimum). */
  readonly gradientNorm: number;
  readonly parameters: Float64Array;
  readonly elapsedMs: number;
}

export interface FitOptions {
  readonly maxIterations: number;
  /** Stop when the projected gradient's norm falls below this. */
  readonly gradientTolerance?: number;
  readonly bounds?: Bounds;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: Progress) => void;
  readonly now?: () => number;
}

export type StopReason = 'converged' | 'max_iterations' | 'cancelled' | 'line_search_failed';

export interface FitResult {
  readonly x: Float64Array;
  readonly loss: number;
  readonly iterations: number;
  readonly evaluations: number;
  readonly reason: StopReason;
}

export class OptimizerInputError extends Error {
  override readonly name = 'OptimizerInputError';
  constructor(
    readonly reason: 'bad_bounds' | 'bad_start' | 'non_finite',
    message: string,
  ) {
    super(message);
  }
}

/** Clamps x into the bounds, in place. */
export function project(x: Float64Array, bounds: Bounds | undefined): Float64Array {
  if (!bounds) return x;
  for (let i = 0; i < x.length; i++)
    x[i] = Math.min(Math.max(x[i]!, bounds.lower[i]!), bounds.upper[i]!);
  return x;
}

/** The gradient with components that push against an active bound removed. */
export function projectedGradient(
  x: Float64Array,
  g: Float64Array,
  bounds: Bounds | undefined,
): Float64Array {
  const out = g.slice();
  if (!bounds) return out;
  for (let i = 0; i < x.length; i++) {
    if ((x[i]! <= bounds.lower[i]! && g[i]! > 0) || (x[i]! >= bounds.upper[i]! && g[i]! < 0))
      out[i] = 0;
  }
  return out;
}

export const norm = (v: Float64Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

export function checkStart(x0: Float64Array, bounds: Bounds | undefined): void {
  if (x0.some((v) => !Number.isFinite(v)))
    throw new OptimizerInputError(
      'bad_start',
      'the starting parameters contain NaN or infinity: give finite values',
    );
  if (!bounds) return;
  if (bounds.lower.length !== x0.length || bounds.upper.length !== x0.length) {
    throw new OptimizerInputError(
      'bad_bounds',
      `bounds have ${bounds.lower.length}/${bounds.upper.length} entries for ${x0.length} parameters: give one per parameter`,
    );
  }
  for (let i = 0; i < x0.length; i++) {
    if (!(bounds.lower[i]! <= bounds.upper[i]!)) {
      throw new OptimizerInputError(
        'bad_bounds',
        `parameter ${i}: lower bound ${bounds.lower[i]} is above upper bound ${bounds.upper[i]}`,
      );
    }
  }
}

/** Evaluates the objective and refuses a non-finite loss or gradient, saying what to try (`fix`). */
export async function evaluateFinite(
  objective: Objective,
  x: Float64Array,
  fix: string,
): Promise<{ readonly loss: number; readonly gradient: Float64Array }> {
  const r = await objective(x);
  if (!Number.isFinite(r.loss) || r.gradient.some((g) => !Number.isFinite(g))) {
    throw new OptimizerInputError(
      'non_finite',
      `the objective returned a non-finite loss or gradient: ${fix}`,
    );
  }
  return r;
}
