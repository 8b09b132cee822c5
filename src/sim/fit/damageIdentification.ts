import { lbfgs } from '../optimize/lbfgs.ts';
import type { Objective, Progress } from '../optimize/types.ts';
import { memberHealthObjective, type HealthFitProblem } from './memberHealthFit.ts';

export interface DamageIdentification {
  /** The member whose fitted health dropped the most in the all-member fit. */
  readonly member: number;
  /** Its health refined on its own (1 = intact). */
  readonly health: number;
  /** Health of every member after the localisation stage, for display and diagnosis. */
  readonly localisation: Float64Array;
  readonly evaluations: number;
}

export interface IdentifyOptions {
  /** Weight of the pull towards intact (Σ (1 − h)²) in the localisation stage, in the loss's units (mm²). */
  readonly prior?: number;
  readonly localisationIterations?: number;
  readonly refineIterations?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (stage: 'localise' | 'refine', progress: Progress) => void;
}

/**
 * Which member is damaged, and how badly, from displacement data: first fit every member's
 * health at once with a weak pull towards intact (the data alone cannot tell 199 stiffnesses
 * apart, the pull keeps the undamaged ones near 1); the member that drops the most is the
 * damage. Then fit that member's health alone, with no pull, for its value.
 */
export async function identifyDamage(
  device: GPUDevice,
  problem: Omit<HealthFitProblem, 'members'>,
  options: IdentifyOptions = {},
): Promise<DamageIdentification> {
  const count = problem.truss.memberCount;
  const members = Array.from({ length: count }, (_, i) => i);
  const prior = options.prior ?? 1e-8;
  const data = memberHealthObjective(device, { ...problem, members });
  let evaluations = 0;
  const regularised: Objective = async (health) => {
    evaluations += 1;
    const { loss, gradient } = await data(health);
    let penalty = 0;
    const g = gradient.slice();
    for (let i = 0; i < count; i++) {
      const d = 1 - health[i]!;
      penalty += prior * d * d;
      g[i] = g[i]! - 2 * prior * d;
    }
    return { loss: loss + penalty, gradient: g };
  };
  const bounds = (n: number) => ({
    lower: new Float64Array(n).fill(0.2),
    upper: new Float64Array(n).fill(1.2),
  });
  const localise = await lbfgs(regularised, new Float64Array(count).fill(1), {
    maxIterations: options.localisationIterations ?? 50,
    gradientTolerance: 1e-14,
    bounds: bounds(count),
    ...(options.signal ? { signal: options.signal } : {}),
    onProgress: (p) => options.onProgress?.('localise', p),
  });
  let member = 0;
  for (let i = 1; i < count; i++) if (localise.x[i]! < localise.x[member]!) member = i;

  const single = memberHealthObjective(device, { ...problem, members: [member] });
  const refine = await lbfgs(
    async (h) => {
      evaluations += 1;
      return single(h);
    },
    Float64Array.from([localise.x[member]!]),
    {
      maxIterations: options.refineIterations ?? 30,
      gradientTolerance: 1e-12,
      bounds: bounds(1),
      ...(options.signal ? { signal: options.signal } : {}),
      onProgress: (p) => options.onProgress?.('refine', p),
    },
  );
  return { member, health: refine.x[0]!, localisation: localise.x, evaluations };
}
