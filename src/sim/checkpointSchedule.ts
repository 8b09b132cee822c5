/**
 * Where to keep states when differentiating through many time steps. The forward pass stores the
 * state at the start of each segment (a checkpoint); the reverse pass recomputes one segment's
 * states from its checkpoint, then runs the segment's adjoint steps backwards. With segments of
 * length s over T steps, memory is ⌈T/s⌉ checkpoints + s segment states and the forward work is
 * about 2T steps; s ≈ √T minimises memory.
 */
export interface CheckpointSchedule {
  readonly steps: number;
  readonly segmentLength: number;
  readonly segments: number;
  /** States held at once: checkpoints plus one segment. */
  readonly peakStates: number;
}

export class CheckpointBudgetError extends Error {
  override readonly name = 'CheckpointBudgetError';
  readonly reason = 'budget_too_small';
}

/** Keep every state: no recomputation (the reference the checkpointed gradient must match). */
export function storeAll(steps: number): CheckpointSchedule {
  return { steps, segmentLength: steps, segments: 1, peakStates: steps + 1 };
}

/**
 * The segment length that fits `budgetStates` states in memory with the least recomputation
 * (the longest segments that fit), or throws when even √T-long segments do not fit.
 *
 * @example uniformSchedule(1000, 64) // segments of 32 steps: 32 checkpoints + 32 segment states
 */
export function uniformSchedule(steps: number, budgetStates: number): CheckpointSchedule {
  if (!Number.isInteger(steps) || steps < 1)
    throw new RangeError(`steps must be a positive integer, got ${steps}`);
  if (budgetStates >= steps + 1) return storeAll(steps);
  let best: CheckpointSchedule | null = null;
  for (let s = 1; s <= steps; s++) {
    const segments = Math.ceil(steps / s);
    const peakStates = segments + s;
    if (peakStates <= budgetStates) best = { steps, segmentLength: s, segments, peakStates };
  }
  if (!best) {
    const minimum = Math.min(
      ...Array.from({ length: steps }, (_, i) => Math.ceil(steps / (i + 1)) + i + 1),
    );
    throw new CheckpointBudgetError(
      `${steps} steps need at least ${minimum} states in memory with checkpointing; the budget allows ${budgetStates}. Raise the memory budget or shorten the window.`,
    );
  }
  return best;
}
