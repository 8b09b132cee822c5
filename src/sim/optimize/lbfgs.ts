import {
  checkStart,
  norm,
  project,
  projectedGradient,
  evaluateFinite,
  type FitOptions,
  type FitResult,
  type Objective,
} from './types.ts';

export interface LbfgsOptions extends FitOptions {
  /** Correction pairs kept (the "L"). */
  readonly memory?: number;
  /** Armijo sufficient-decrease constant. */
  readonly armijo?: number;
  readonly maxLineSearchSteps?: number;
}

const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

/**
 * L-BFGS with bound constraints by projection: the two-loop recursion gives a quasi-Newton
 * direction in the free variables (those not held at a bound by the gradient), and a
 * backtracking Armijo line search follows the projected path P(x + αd). Curvature pairs with
 * s·y ≤ 0 are skipped, so the inverse-Hessian estimate stays positive definite.
 */
export async function lbfgs(
  objective: Objective,
  x0: Float64Array,
  options: LbfgsOptions,
): Promise<FitResult> {
  checkStart(x0, options.bounds);
  const memory = options.memory ?? 10;
  const c1 = options.armijo ?? 1e-4;
  const maxSteps = options.maxLineSearchSteps ?? 30;
  const now = options.now ?? (() => performance.now());
  const started = now();
  const n = x0.length;
  let x = project(x0.slice(), options.bounds);
  let evaluations = 0;
  const evaluate = async (at: Float64Array) => {
    evaluations += 1;
    return evaluateFinite(objective, at, 'tighten the bounds or rescale the parameters');
  };
  let { loss, gradient } = await evaluate(x);
  const pairs: { s: Float64Array; y: Float64Array; rho: number }[] = [];

  for (let iteration = 1; iteration <= options.maxIterations; iteration++) {
    const pg = projectedGradient(x, gradient, options.bounds);
    const gradientNorm = norm(pg);
    options.onProgress?.({
      iteration,
      loss,
      gradientNorm,
      parameters: x.slice(),
      elapsedMs: now() - started,
    });
    if (gradientNorm <= (options.gradientTolerance ?? 1e-8))
      return { x, loss, iterations: iteration, evaluations, reason: 'converged' };
    if (options.signal?.aborted)
      return { x, loss, iterations: iteration - 1, evaluations, reason: 'cancelled' };

    // Two-loop recursion on the free variables.
    const free = pg.map((g, i) => (g === 0 && gradient[i] !== 0 ? 0 : 1));
    const q = Float64Array.from(gradient, (g, i) => g * free[i]!);
    const alphas: number[] = [];
    for (let k = pairs.length - 1; k >= 0; k--) {
      const { s, y, rho } = pairs[k]!;
      const a = rho * dot(s, q);
      alphas[k] = a;
      for (let i = 0; i < n; i++) q[i] = q[i]! - a * y[i]!;
    }
    const last = pairs[pairs.length - 1];
    const gamma = last
      ? dot(last.s, last.y) / dot(last.y, last.y)
      : 1 / Math.max(gradientNorm, 1e-12);
    for (let i = 0; i < n; i++) q[i] = q[i]! * gamma;
    for (let k = 0; k < pairs.length; k++) {
      const { s, y, rho } = pairs[k]!;
      const b = rho * dot(y, q);
      for (let i = 0; i < n; i++) q[i] = q[i]! + s[i]! * (alphas[k]! - b);
    }
    const d = Float64Array.from(q, (v, i) => -v * free[i]!);
    if (!(dot(gradient, d) < 0)) {
      // Not a descent direction (stale curvature): restart from steepest descent.
      pairs.length = 0;
      for (let i = 0; i < n; i++) d[i] = -pg[i]! / Math.max(gradientNorm, 1e-12);
    }

    let step = 1;
    let accepted: { x: Float64Array; loss: number; gradient: Float64Array } | null = null;
    for (let tries = 0; tries < maxSteps; tries++) {
      const trial = project(
        Float64Array.from(x, (v, i) => v + step * d[i]!),
        options.bounds,
      );
      const r = await evaluate(trial);
      const moved = Float64Array.from(trial, (v, i) => v - x[i]!);
      if (r.loss <= loss + c1 * dot(gradient, moved)) {
        accepted = { x: trial, loss: r.loss, gradient: r.gradient };
        break;
      }
      step *= 0.5;
    }
    if (!accepted)
      return { x, loss, iterations: iteration, evaluations, reason: 'line_search_failed' };
    const s = Float64Array.from(accepted.x, (v, i) => v - x[i]!);
    const y = Float64Array.from(accepted.gradient, (v, i) => v - gradient[i]!);
    const sy = dot(s, y);
    if (sy > 1e-12 * norm(s) * norm(y)) {
      pairs.push({ s, y, rho: 1 / sy });
      if (pairs.length > memory) pairs.shift();
    }
    x = accepted.x;
    loss = accepted.loss;
    gradient = accepted.gradient;
  }
  return { x, loss, iterations: options.maxIterations, evaluations, reason: 'max_iterations' };
}
