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

export interface AdamOptions extends FitOptions {
  readonly learningRate: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
}

/**
 * Adam (Kingma & Ba) with projection onto the bounds after each step. Deterministic: the same
 * objective and start give the same path.
 */
export async function adam(
  objective: Objective,
  x0: Float64Array,
  options: AdamOptions,
): Promise<FitResult> {
  checkStart(x0, options.bounds);
  const { learningRate, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8 } = options;
  const now = options.now ?? (() => performance.now());
  const started = now();
  const x = project(x0.slice(), options.bounds);
  const m = new Float64Array(x.length);
  const v = new Float64Array(x.length);
  let best = { x: x.slice(), loss: Infinity };
  let evaluations = 0;
  for (let iteration = 1; iteration <= options.maxIterations; iteration++) {
    if (options.signal?.aborted)
      return {
        x: best.x,
        loss: best.loss,
        iterations: iteration - 1,
        evaluations,
        reason: 'cancelled',
      };
    evaluations += 1;
    const { loss, gradient } = await evaluateFinite(
      objective,
      x,
      'lower the learning rate or tighten the bounds',
    );
    if (loss < best.loss) best = { x: x.slice(), loss };
    const pg = projectedGradient(x, gradient, options.bounds);
    const gradientNorm = norm(pg);
    options.onProgress?.({
      iteration,
      loss,
      gradientNorm,
      parameters: x.slice(),
      elapsedMs: now() - started,
    });
    if (gradientNorm <= (options.gradientTolerance ?? 0))
      return { x: x.slice(), loss, iterations: iteration, evaluations, reason: 'converged' };
    for (let i = 0; i < x.length; i++) {
      m[i] = beta1 * m[i]! + (1 - beta1) * gradient[i]!;
      v[i] = beta2 * v[i]! + (1 - beta2) * gradient[i]! ** 2;
      const mHat = m[i]! / (1 - beta1 ** iteration);
      const vHat = v[i]! / (1 - beta2 ** iteration);
      x[i] = x[i]! - (learningRate * mHat) / (Math.sqrt(vHat) + epsilon);
    }
    project(x, options.bounds);
  }
  return {
    x: best.x,
    loss: best.loss,
    iterations: options.maxIterations,
    evaluations,
    reason: 'max_iterations',
  };
}
