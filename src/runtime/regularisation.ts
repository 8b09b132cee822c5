import type { ModelPlan } from './modelPlan.ts';

/**
 * The loss's regularisation terms at parameter vector `x` and their gradient:
 * - `l2`: weight · Σ (p − towards)²
 * - `smoothness`: weight · Σ over grid neighbours (p_i − p_j)², the slice laid out row-major as
 *   `shape` (neighbours differ by one in one index).
 */
export function regularisation(
  plan: ModelPlan,
  x: Float64Array,
): { readonly loss: number; readonly gradient: Float64Array } {
  const gradient = new Float64Array(plan.parameterCount);
  let loss = 0;
  for (const term of plan.spec.loss.regularisation) {
    const p = plan.parameters.find((q) => q.spec.name === term.parameter)!;
    const { offset } = p;
    const count = p.spec.count;
    if (term.kind === 'l2') {
      for (let i = offset; i < offset + count; i++) {
        const d = x[i]! - term.towards;
        loss += term.weight * d * d;
        gradient[i] = gradient[i]! + 2 * term.weight * d;
      }
      continue;
    }
    // Row-major strides: the last dimension varies fastest.
    const strides = term.shape.map((_, k) => term.shape.slice(k + 1).reduce((a, b) => a * b, 1));
    for (let i = 0; i < count; i++) {
      term.shape.forEach((size, k) => {
        const index = Math.floor(i / strides[k]!) % size;
        if (index + 1 >= size) return;
        const j = i + strides[k]!;
        const d = x[offset + i]! - x[offset + j]!;
        loss += term.weight * d * d;
        gradient[offset + i] = gradient[offset + i]! + 2 * term.weight * d;
        gradient[offset + j] = gradient[offset + j]! - 2 * term.weight * d;
      });
    }
  }
  return { loss, gradient };
}
