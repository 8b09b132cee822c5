/**
 * Why a model's content or signature cannot be used. Thrown by the shared signing code in the
 * browser and on the server; `reason` is what callers switch on, the message says what to do.
 */
export type SigningErrorReason =
  /** The manifest, an artifact path or a digest does not have the required shape. */
  | 'bad_content'
  /** A public key or signature is not a 32-byte / 64-byte Ed25519 value in base64. */
  | 'bad_key'
  /** The signature does not verify for this content digest and public key. */
  | 'bad_signature'
  /** The content does not hash to the digest that was signed. */
  | 'digest_mismatch'
  /** This JavaScript runtime's WebCrypto has no Ed25519. */
  | 'ed25519_unavailable';

export class SigningError extends Error {
  override readonly name = 'SigningError';
  constructor(
    readonly reason: SigningErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
