/** Machine-readable reasons for {@link ReplayError}. */
export type ReplayErrorReason =
  | 'corrupt_chunk'
  | 'unknown_recording'
  | 'unknown_annotation'
  | 'invalid_argument'
  | 'quota_exceeded'
  | 'closed';

/**
 * The one error class the replay store throws. `reason` is for code; the message says what
 * happened and what to do about it.
 */
export class ReplayError extends Error {
  override readonly name = 'ReplayError';
  constructor(
    readonly reason: ReplayErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`Replay store: ${message}`, options);
  }
}
