import type { DawnDevice } from '../gpu/testing/dawnDevice.ts';

/**
 * What a command gets from whoever runs it: where to write, a cancel signal and the GPU. The
 * command line passes stdout, stderr, Ctrl-C and `requestDawnDevice`; tests pass arrays, their
 * own AbortController and the device `withGpu` requested.
 */
export interface CommandContext {
  /** Results: JSON or the readable summary (stdout). */
  readonly out: (text: string) => void;
  /** Progress, notes and errors (stderr). */
  readonly err: (text: string) => void;
  /** Aborted on Ctrl-C: a fit stops after the iteration in flight, a run after the chunk. */
  readonly signal?: AbortSignal;
  /**
   * A GPU device, requested only once the arguments and files have been checked. The caller
   * owns it and destroys it after the command returns.
   */
  readonly gpu: () => Promise<DawnDevice>;
}

/** Exit codes: 0 done, 1 the run or fit failed, 2 bad input (arguments, manifest, data), 130 cancelled. */
export const EXIT = { ok: 0, failed: 1, badInput: 2, cancelled: 130 } as const;
