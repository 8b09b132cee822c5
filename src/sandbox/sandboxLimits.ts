/**
 * What one sandboxed test run may use. The sandbox device enforces the buffer and dispatch caps
 * as the work is created; the loop guards enforce `maxLoopIterations` on the GPU.
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
   * for the GPU and can be cancelled.
   */
  readonly maxDispatchesPerBatch: number;
  /**
   * Loop iterations one invocation may run, summed over all its loops, before the guard breaks
   * out and records a trap.
   */
  readonly maxLoopIterations: number;
}

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = {
  maxBufferBytes: 64 * 2 ** 20,
  maxTotalBytes: 256 * 2 ** 20,
  maxWorkgroupsPerDispatch: 65_536,
  maxDispatchesPerRun: 1_000_000,
  maxDispatchesPerBatch: 4_096,
  maxLoopIterations: 2 ** 18,
};

/**
 * The defaults with `overrides` applied, each checked: a positive whole number (iterations
 * below 2^32 − 1, which the guard's u32 counter must exceed).
 */
export function sandboxLimits(overrides: Partial<SandboxLimits> = {}): SandboxLimits {
  const limits = { ...DEFAULT_SANDBOX_LIMITS, ...overrides };
  for (const [key, value] of Object.entries(limits)) {
    const most = key === 'maxLoopIterations' ? 2 ** 32 - 2 : Number.MAX_SAFE_INTEGER;
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
