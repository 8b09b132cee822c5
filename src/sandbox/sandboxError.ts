export type SandboxErrorReason =
  /** `createBuffer` asked for more bytes than `limits.maxBufferBytes`. */
  | 'buffer_too_large'
  /** Live buffers would exceed `limits.maxTotalBytes`. */
  | 'memory_cap'
  /** One dispatch asked for more workgroups (x · y · z) than `limits.maxWorkgroupsPerDispatch`. */
  | 'workgroup_cap'
  /** A test case dispatched more than `limits.maxDispatchesPerRun` times. */
  | 'dispatch_cap'
  /** One command encoder (one submission) held more than `limits.maxDispatchesPerBatch` dispatches. */
  | 'batch_cap'
  /** `dispatchWorkgroupsIndirect`: its counts live on the GPU, where no cap can check them. */
  | 'indirect_dispatch'
  /** A kernel's source cannot take a loop guard (reserved names, no free bind group). */
  | 'unguardable'
  /** A loop guard stopped a loop that ran past `limits.maxLoopIterations` in one invocation. */
  | 'loop_trap';

/**
 * What the sandbox refused or stopped, with a machine-readable `reason` and a message that says
 * which cap or kernel and what to change:
 * `sandbox: createBuffer of 80 MiB exceeds the 64 MiB cap (limits.maxBufferBytes) — …`.
 */
export class SandboxError extends Error {
  override readonly name = 'SandboxError';
  constructor(
    readonly reason: SandboxErrorReason,
    message: string,
  ) {
    super(`sandbox: ${message}`);
  }
}
