/**
 * Why a registry call or a verification failed. `reason` is the server's (`unknown_model`,
 * `forbidden`, `bad_signature`, …, docs/registry.md) or one of the client's own below; the
 * message says what to do, and for refusals of tampered data, what was tampered with.
 */
export type RegistryClientReason =
  /** The server could not be reached. */
  | 'network'
  /** The server speaks another version of the registry API. */
  | 'api_version'
  /** A response does not have the shape src/protocol/registry.ts describes. */
  | 'malformed_response'
  /** An artifact's bytes do not hash to the digest they were asked for by. */
  | 'artifact_tampered'
  /** The manifest and artifacts do not hash to the content digest that was signed. */
  | 'content_mismatch'
  /** The author's signature does not verify. */
  | 'bad_signature'
  /** The version was signed by a key other than the one the caller pinned. */
  | 'untrusted_key'
  /** A run log checkpoint, proof or entry failed verification. */
  | 'log_unverified'
  | (string & {});

export class RegistryClientError extends Error {
  override readonly name = 'RegistryClientError';
  constructor(
    readonly reason: RegistryClientReason,
    message: string,
    /** The HTTP status, when the server answered. */
    readonly status: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
