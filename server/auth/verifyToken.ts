/**
 * Checks the JWT a client presents and says who it is. Signature first (jose), then the claims
 * Twinbench needs: `sub`, `role`, `exp` (tokens that never expire are refused) and, optionally,
 * `topics`. Each algorithm has exactly one key, chosen by the token's `alg`, so an HS256 token can
 * never be checked against the Ed25519 public key (algorithm confusion) or the other way round.
 */
import { decodeProtectedHeader, errors, jwtVerify, type JWK, type JWTPayload } from 'jose';
import { AuthConfigError, AuthError } from './authErrors.ts';
import { importPublicKey, secretKey } from './keys.ts';
import type { Principal } from './principal.ts';
import { ROLES, isRole } from './roles.ts';
import { parseTopicsClaim } from './topicsClaim.ts';

/** What the relay accepts: HS256 with the secret, EdDSA (or its RFC 9864 name) with the key. */
export type TokenAlgorithm = 'HS256' | 'EdDSA';

const ED25519_ALGORITHMS = ['EdDSA', 'Ed25519'] as const;

/** Longer tokens are refused unread; real ones are a few hundred bytes. */
export const MAX_TOKEN_LENGTH = 8192;

export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30;

export interface TokenVerifierOptions {
  /** HS256 shared secret, at least 32 bytes. */
  readonly secret?: string | null;
  /** Ed25519 public key: JWK JSON (or object) or PEM SPKI. */
  readonly publicKey?: string | JWK | null;
  /** When set, tokens must carry this `iss`. */
  readonly issuer?: string | null;
  /** When set, tokens must list this in `aud`. */
  readonly audience?: string | null;
  /** Leeway for `exp` and `nbf` between clocks; default 30 s. */
  readonly clockToleranceSeconds?: number;
  /** Clock in ms since the Unix epoch, for tests. */
  readonly now?: () => number;
}

/** Resolves with the token's principal or rejects with an AuthError. */
export type VerifyToken = (token: string | null | undefined) => Promise<Principal>;

const NEW_TOKEN = 'ask an admin for a new one';

function isoSeconds(seconds: unknown): string {
  return typeof seconds === 'number' && Number.isFinite(seconds)
    ? new Date(seconds * 1000).toISOString()
    : String(seconds);
}

function headerAlg(token: string): string {
  try {
    const { alg } = decodeProtectedHeader(token);
    return typeof alg === 'string' ? alg : 'no algorithm';
  } catch {
    return 'an unreadable header';
  }
}

/** The AuthError for what jose threw; other errors are programming errors and pass through. */
function toAuthError(
  error: unknown,
  token: string,
  options: { accepted: readonly string[]; issuer: string | null; audience: string | null },
): unknown {
  if (error instanceof AuthError) return error;
  const cause = { cause: error };
  if (error instanceof errors.JWTExpired) {
    return new AuthError(
      'expired',
      `the token expired at ${isoSeconds(error.payload.exp)}; ${NEW_TOKEN}.`,
      cause,
    );
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    const { claim, payload } = error;
    if (claim === 'nbf') {
      return new AuthError(
        'not_yet_valid',
        `the token is not valid before ${isoSeconds(payload.nbf)}; wait until then, or check this machine's clock.`,
        cause,
      );
    }
    if (claim === 'iss') {
      return new AuthError(
        'wrong_issuer',
        `the token was issued by ${payload.iss === undefined ? 'no one ("iss" is missing)' : JSON.stringify(payload.iss)}; this relay accepts tokens from ${JSON.stringify(options.issuer)}: ${NEW_TOKEN}.`,
        cause,
      );
    }
    if (claim === 'aud') {
      return new AuthError(
        'wrong_audience',
        `the token is meant for ${payload.aud === undefined ? 'no audience ("aud" is missing)' : JSON.stringify(payload.aud)}, not this relay (${JSON.stringify(options.audience)}): ${NEW_TOKEN}.`,
        cause,
      );
    }
    return new AuthError(
      'malformed',
      `the token's claims are invalid (${error.message}); ${NEW_TOKEN}.`,
      cause,
    );
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new AuthError(
      'bad_signature',
      `the token's signature does not match this relay's key: it was signed with another key or altered; ${NEW_TOKEN}.`,
      cause,
    );
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return new AuthError(
      'wrong_algorithm',
      `the token is signed with ${JSON.stringify(headerAlg(token))}; this relay accepts ${options.accepted.join(', ')}: ${NEW_TOKEN}.`,
      cause,
    );
  }
  // jose reports bad encodings as JOSEErrors, some bad shapes as TypeErrors.
  if (error instanceof errors.JOSEError || error instanceof TypeError) {
    return new AuthError(
      'malformed',
      `the token is not a valid JWT (${error.message}); send the whole token as issued.`,
      cause,
    );
  }
  return error;
}

function principalFromClaims(payload: JWTPayload): Principal {
  if (payload.exp === undefined) {
    throw new AuthError(
      'malformed',
      `the token has no expiry ("exp"); this relay refuses tokens that never expire: ${NEW_TOKEN} (tokenCli sets one with --ttl).`,
    );
  }
  if (typeof payload.sub !== 'string' || payload.sub === '') {
    throw new AuthError(
      'malformed',
      `the token names no subject ("sub" must be a non-empty string); ${NEW_TOKEN}.`,
    );
  }
  const role: unknown = payload.role;
  if (!isRole(role)) {
    const what = role === undefined ? 'has no "role"' : `has role ${JSON.stringify(role)}`;
    throw new AuthError(
      'unknown_role',
      `the token ${what}; roles are ${ROLES.join(', ')}: ${NEW_TOKEN}.`,
    );
  }
  let topics = null;
  if (payload.topics !== undefined) {
    const parsed = parseTopicsClaim(payload.topics);
    if (typeof parsed === 'string') {
      throw new AuthError('malformed', `the token's ${parsed}; ${NEW_TOKEN}.`);
    }
    topics = parsed;
  }
  return { subject: payload.sub, role, expiresAt: payload.exp * 1000, topics, anonymous: false };
}

/**
 * Imports the keys once and returns the function that checks each token. Throws AuthConfigError
 * when no key is given or a key is unusable.
 *
 * @example
 * const verifyToken = await createTokenVerifier({ secret: process.env.TWINBENCH_JWT_SECRET });
 * const principal = await verifyToken(tokenFromRequest(req)); // rejects with AuthError
 */
export async function createTokenVerifier(options: TokenVerifierOptions): Promise<VerifyToken> {
  const secret = options.secret ?? null;
  const publicKeyInput = options.publicKey ?? null;
  if (secret === null && publicKeyInput === null) {
    throw new AuthConfigError(
      'invalid_value',
      'the token verifier has no key: give it an HS256 secret, an Ed25519 public key, or both.',
    );
  }
  const clockTolerance = options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
  if (!Number.isFinite(clockTolerance) || clockTolerance < 0) {
    throw new AuthConfigError(
      'invalid_value',
      `clock tolerance ${clockTolerance} s is not valid: use a number of seconds, 0 or more (default ${DEFAULT_CLOCK_TOLERANCE_SECONDS}).`,
    );
  }
  const hmacKey = secret === null ? null : secretKey(secret);
  const publicKey = publicKeyInput === null ? null : await importPublicKey(publicKeyInput);
  const algorithms = [
    ...(hmacKey === null ? [] : ['HS256']),
    ...(publicKey === null ? [] : ED25519_ALGORITHMS),
  ];
  const issuer = options.issuer ?? null;
  const audience = options.audience ?? null;
  const now = options.now ?? Date.now;
  const context = { accepted: algorithms, issuer, audience };

  // jose has already refused algorithms outside `algorithms`; the key is still picked by `alg`
  // alone so that no header can pair a key with the wrong algorithm.
  const keyFor = (header: { alg?: string }) => {
    if (header.alg === 'HS256' && hmacKey !== null) return hmacKey;
    if ((ED25519_ALGORITHMS as readonly unknown[]).includes(header.alg) && publicKey !== null) {
      return publicKey;
    }
    throw new AuthError(
      'wrong_algorithm',
      `the token is signed with ${JSON.stringify(header.alg)}; this relay accepts ${algorithms.join(', ')}: ${NEW_TOKEN}.`,
    );
  };

  return async (token) => {
    if (token === null || token === undefined || token === '') {
      throw new AuthError(
        'missing',
        'no token: connect with ?token=<token> or an "Authorization: Bearer <token>" header; ask an admin for a token.',
      );
    }
    if (token.length > MAX_TOKEN_LENGTH) {
      throw new AuthError(
        'malformed',
        `the token is ${token.length} characters; tokens longer than ${MAX_TOKEN_LENGTH} are refused: send the token as issued.`,
      );
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keyFor, {
        algorithms,
        clockTolerance,
        currentDate: new Date(now()),
        ...(issuer === null ? {} : { issuer }),
        ...(audience === null ? {} : { audience }),
      }));
    } catch (error) {
      throw toAuthError(error, token, context);
    }
    return principalFromClaims(payload);
  };
}
