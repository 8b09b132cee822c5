/** Every error a registry route can meet, as the status and `{ error: { reason, message } }` it answers. */
import { AuthError } from '../../auth/authErrors.ts';
import { RegistryProtocolError } from '../../../src/protocol/registry.ts';
import { CanonicalJsonError } from '../../../src/shared/merkle/canonicalJson.ts';
import { LogEntryError } from '../../../src/shared/merkle/runLogEntry.ts';
import { SigningError } from '../../../src/shared/signing/signingError.ts';
import { ManifestError } from '../../../src/runtime/manifest/manifestError.ts';
import { RunLogError } from '../../runlog/index.ts';
import { RegistryDbError, type RegistryDbErrorReason } from '../db/index.ts';
import { RegistryRequestError } from '../registryRequestError.ts';

const DB_STATUS: Record<RegistryDbErrorReason, number> = {
  bad_config: 503,
  unreachable: 503,
  auth_failed: 503,
  unknown_database: 503,
  locked: 503,
  schema_too_new: 503,
  closed: 503,
  bad_name: 400,
  bad_semver: 400,
  bad_input: 400,
  model_exists: 409,
  unknown_model: 404,
  version_exists: 409,
  unknown_version: 404,
  unknown_alias: 404,
  unknown_artifact: 404,
  digest_mismatch: 400,
  out_of_range: 404,
};

/**
 * The refusal to send for `error`, or null for an error nobody anticipated (a bug, or a failure
 * below us): the caller logs it and answers 500 without details.
 */
export function toRequestError(error: unknown): RegistryRequestError | null {
  if (error instanceof RegistryRequestError) return error;
  if (error instanceof RegistryDbError) {
    const status = DB_STATUS[error.reason];
    const reason = status === 503 ? 'registry_unavailable' : error.reason;
    return new RegistryRequestError(status, reason, error.message, { cause: error });
  }
  if (error instanceof AuthError) {
    return new RegistryRequestError(401, 'unauthorized', `${error.message}`, { cause: error });
  }
  if (error instanceof RegistryProtocolError) {
    return new RegistryRequestError(400, 'bad_request', error.message, { cause: error });
  }
  if (error instanceof SigningError) {
    const status = error.reason === 'ed25519_unavailable' ? 500 : 400;
    return new RegistryRequestError(status, error.reason, error.message, { cause: error });
  }
  if (error instanceof ManifestError) {
    return new RegistryRequestError(
      422,
      'invalid_model',
      `the model manifest does not load, so it cannot be published: ${error.message}`,
      { cause: error },
    );
  }
  if (error instanceof LogEntryError) {
    return new RegistryRequestError(
      error.reason === 'too_large' ? 413 : 400,
      'bad_entry',
      error.message,
      {
        cause: error,
      },
    );
  }
  if (error instanceof CanonicalJsonError) {
    return new RegistryRequestError(400, 'bad_request', error.message, { cause: error });
  }
  if (error instanceof RunLogError) {
    const status = error.reason === 'out_of_range' ? 404 : 500;
    return new RegistryRequestError(status, error.reason, error.message, { cause: error });
  }
  return null;
}
