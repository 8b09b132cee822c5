/**
 * Errors of the run log. `RunLogError` refuses one request or reports a damaged store;
 * `RunLogConfigError` stops the server from starting with a key it cannot sign with.
 */

export type RunLogErrorReason =
  /** An index or tree size outside the log (the HTTP layer answers 400 or 404). */
  | 'out_of_range'
  /** A stored entry no longer hashes to the leaf the log committed to. */
  | 'entry_tampered'
  /** The store contradicts what the log already holds: it shrank, or reused an index. */
  | 'store_inconsistent';

export class RunLogError extends Error {
  override readonly name = 'RunLogError';
  constructor(
    readonly reason: RunLogErrorReason,
    message: string,
  ) {
    super(message);
  }
}

export type RunLogConfigErrorReason = 'invalid_origin' | 'unreadable_key' | 'invalid_key';

export class RunLogConfigError extends Error {
  override readonly name = 'RunLogConfigError';
  constructor(
    readonly reason: RunLogConfigErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
