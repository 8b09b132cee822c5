/**
 * Why a signed checkpoint (or the key to check it with) was refused. `reason` is for code;
 * `message` says what was wrong and what to do.
 */
export type CheckpointErrorReason =
  /** Not a signed note: text, a blank line, then `— name signature` lines (c2sp.org/signed-note). */
  | 'malformed_note'
  /** The note's text is not origin, size, root and timestamp lines. */
  | 'malformed_checkpoint'
  /** A public key or verifier key string that cannot be used. */
  | 'bad_key'
  /** No signature on the note is from a key the caller trusts. */
  | 'no_trusted_signature'
  /** A signature from a trusted key does not verify: the note was changed after signing. */
  | 'bad_signature'
  /** The checkpoint names another log than the key that signed it. */
  | 'wrong_origin'
  /** This JavaScript runtime's WebCrypto has no Ed25519. */
  | 'ed25519_unavailable';

export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
  constructor(
    readonly reason: CheckpointErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
