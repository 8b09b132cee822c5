/**
 * What one sandboxed test run may use. The sandbox device enforces the buffer and dispatch caps
 * as the work is created; the loop guards enforce `maxLoopIterations` and
 * `maxDispatchIterations` on the GPU.
 */
export interface SandboxLimits {
  /** Bytes of one buffer. */
  readonly maxBufferBytes: number;
  /** Bytes of all live buffers together (destroyed buffers give theirs back). */
  readonly maxTotalBytes: number;
  /** Workgroups of one dispatch, x · y · z. */
  readonly maxWorkgroupsPerDispatch: number;
  /** Dispatches of one test case (its run and its gradient checks). */
  readonly maxDispatchesPerRun: number;
  /**
   * Dispatches one command encoder may hold: one submission's work, after which the run waits
   * for the GPU and can be cancelled. At most 65536: each gets a work counter of its own.
   */
  readonly maxDispatchesPerBatch: number;
  /**
   * Loop iterations one invocation may run, summed over all its loops, before the guard breaks
   * out and records a trap.
   */
  readonly maxLoopIterations: number;
  /**
   * Loop iterations one dispatch may run, summed over all its invocations and loops, before the
   * guards break out and record a trap. A dispatch cannot be interrupted once it runs — not by
   * terminating the worker either — so this is what bounds its time (and the page's frames wait
   * for it on a software adapter). At most 2^31.
   */
  readonly maxDispatchIterations: number;
}

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = {
  maxBufferBytes: 64 * 2 ** 20,
  maxTotalBytes: 256 * 2 ** 20,
  maxWorkgroupsPerDispatch: 65_536,
  maxDispatchesPerRun: 1_000_000,
  maxDispatchesPerBatch: 4_096,
  maxLoopIterations: 2 ** 18,
  maxDispatchIterations: 2 ** 20,
};

/** The most each limit may be; others up to Number.MAX_SAFE_INTEGER. */
const MOST: Partial<Record<keyof SandboxLimits, number>> = {
  // The guard's u32 counter must exceed it.
  maxLoopIterations: 2 ** 32 - 2,
  // The dispatch's u32 count, with room for what running invocations add after it is exceeded.
  maxDispatchIterations: 2 ** 31,
  // A 256-byte work counter slot per dispatch of a batch: 16 MiB at most.
  maxDispatchesPerBatch: 2 ** 16,
};

/**
 * The defaults with `overrides` applied, each checked: a positive whole number, at most 2^32 − 2
 * loop iterations, 2^31 dispatch iterations and 65536 dispatches per batch.
 */
export function sandboxLimits(overrides: Partial<SandboxLimits> = {}): SandboxLimits {
  const limits = { ...DEFAULT_SANDBOX_LIMITS, ...overrides };
  for (const [key, value] of Object.entries(limits)) {
    const most = MOST[key as keyof SandboxLimits] ?? Number.MAX_SAFE_INTEGER;
    if (!Number.isInteger(value) || value < 1 || value > most)
      throw new RangeError(
        `sandbox: limits.${key} is ${value}; give a whole number from 1 to ${most}`,
      );
  }
  return limits;
}

/** `67108864` → `64 MiB`, for messages. */
export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 20 && bytes % 2 ** 10 === 0) return `${+(bytes / 2 ** 20).toFixed(2)} MiB`;
  if (bytes >= 2 ** 10) return `${+(bytes / 2 ** 10).toFixed(2)} KiB`;
  return `${bytes} bytes`;
}
