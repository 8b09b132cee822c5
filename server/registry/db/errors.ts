/**
 * Errors of the registry's storage. Each has a machine-readable `reason` (what the HTTP layer
 * maps to a status) and a message that names the thing and says what to do.
 */
export type RegistryDbErrorReason =
  /** DATABASE_URL or the registry settings cannot be used as given. */
  | 'bad_config'
  /** The PostgreSQL server does not answer at the URL's host and port. */
  | 'unreachable'
  /** The server refused the URL's user or password. */
  | 'auth_failed'
  /** The URL names a database the server does not have. */
  | 'unknown_database'
  /** Another process has the PGlite data directory open. */
  | 'locked'
  /** The database was migrated by a newer Twinbench than this one. */
  | 'schema_too_new'
  /** The database handle was closed. */
  | 'closed'
  | 'bad_name'
  | 'bad_semver'
  /** A digest, key, signature, manifest or other field does not have the required shape. */
  | 'bad_input'
  | 'model_exists'
  | 'unknown_model'
  | 'version_exists'
  | 'unknown_version'
  | 'unknown_alias'
  | 'unknown_artifact'
  /** Artifact bytes whose SHA-256 is not the digest the caller announced. */
  | 'digest_mismatch'
  /** A run-log index or range past the end of the log. */
  | 'out_of_range';

export class RegistryDbError extends Error {
  override readonly name = 'RegistryDbError';
  constructor(
    readonly reason: RegistryDbErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
