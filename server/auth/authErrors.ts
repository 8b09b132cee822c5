/**
 * Errors of the relay's authentication. `AuthError` refuses one connection and is safe to send
 * to that client; `AuthConfigError` stops the relay from starting with settings that would let
 * the wrong people in or nobody at all.
 */

export type AuthErrorReason =
  | 'missing'
  | 'malformed'
  | 'expired'
  | 'bad_signature'
  | 'wrong_algorithm'
  | 'unknown_role'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'not_yet_valid';

export class AuthError extends Error {
  override readonly name = 'AuthError';
  constructor(
    readonly reason: AuthErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export type AuthConfigErrorReason =
  'insecure_bind' | 'invalid_secret' | 'invalid_key' | 'invalid_acl' | 'invalid_value';

export class AuthConfigError extends Error {
  override readonly name = 'AuthConfigError';
  constructor(
    readonly reason: AuthConfigErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
