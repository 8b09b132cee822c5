import { lbfgs } from '../optimize/lbfgs.ts';
import type { Objective, Progress } from '../optimize/types.ts';
import { memberHealthObjective, type HealthFitProblem } from './memberHealthFit.ts';

export interface DamageIdentification {
  /** The member whose fitted health dropped the most in the all-member fit. */
  readonly member: number;
  /** Its health refined on its own (1 = intact). */
  readonly health: number;
  /** Health of every member after the localisation stage; null when resumed in refinement. */
  readonly localisation: Float64Array | null;
  readonly evaluations: number;
}

export interface IdentifyOptions {
  /** Weight of the pull towards intact (Σ (1 − h)²) in the localisation stage, in the loss's units (mm²). */
  readonly prior?: number;
  readonly localisationIterations?: number;
  readonly refineIterations?: number;
  readonly signal?: AbortSignal;
  /**
   * Sees each iteration, numbered from the stage's start (a resumed stage goes on counting);
   * `member` is the one being refined.
   */
  readonly onProgress?: (stage: 'localise' | 'refine', progress: Progress, member: number) => void;
  /** Start again where an interrupted identification stood (after a lost GPU device). */
  readonly resume?: DamageResume;
}

export type DamageResume =
  | { readonly stage: 'localise'; readonly iteration: number; readonly health: Float64Array }
  | {
      readonly stage: 'refine';
      readonly iteration: number;
      readonly member: number;
      readonly health: number;
    };

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
  const resume = options.resume;
  const localisationIterations = options.localisationIterations ?? 50;
  const refineIterations = options.refineIterations ?? 30;
  let member: number;
  let localisation: Float64Array | null = null;
  let refineStart: number;
  let refineDone = 0;
  if (resume?.stage === 'refine') {
    member = resume.member;
    refineStart = resume.health;
    refineDone = resume.iteration;
  } else {
    const done = resume?.iteration ?? 0;
    const localise = await lbfgs(regularised, resume?.health ?? new Float64Array(count).fill(1), {
      maxIterations: Math.max(1, localisationIterations - done),
      gradientTolerance: 1e-14,
      bounds: bounds(count),
      ...(options.signal ? { signal: options.signal } : {}),
      onProgress: (p) =>
        options.onProgress?.('localise', { ...p, iteration: done + p.iteration }, -1),
    });
    localisation = localise.x;
    member = 0;
    for (let i = 1; i < count; i++) if (localise.x[i]! < localise.x[member]!) member = i;
    refineStart = localise.x[member]!;
  }

  const single = memberHealthObjective(device, { ...problem, members: [member] });
  const refine = await lbfgs(
    async (h) => {
      evaluations += 1;
      return single(h);
    },
    Float64Array.from([refineStart]),
    {
      maxIterations: Math.max(1, refineIterations - refineDone),
      gradientTolerance: 1e-12,
      bounds: bounds(1),
      ...(options.signal ? { signal: options.signal } : {}),
      onProgress: (p) =>
        options.onProgress?.('refine', { ...p, iteration: refineDone + p.iteration }, member),
    },
  );
  return { member, health: refine.x[0]!, localisation, evaluations };
}
