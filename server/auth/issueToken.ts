/**
 * Signs tokens for operators (see tokenCli.ts): the same claims verifyToken.ts reads, always with
 * an expiry.
 */
import { SignJWT, type JWK } from 'jose';
import { AuthConfigError } from './authErrors.ts';
import { importPrivateKey, secretKey } from './keys.ts';
import { ROLES, isRole, type Role } from './roles.ts';
import { parseTopicsClaim, type TopicsClaim } from './topicsClaim.ts';

interface IssueTokenClaims {
  /** Who the token is for, e.g. `alice`. */
  readonly subject: string;
  readonly role: Role;
  /** How long the token is valid, in whole seconds. */
  readonly ttlSeconds: number;
  readonly issuer?: string;
  readonly audience?: string;
  /** Filters that narrow what the role may receive and publish. */
  readonly topics?: TopicsClaim;
  /** Clock in ms since the Unix epoch, for tests. */
  readonly now?: () => number;
}

/** Sign with an HS256 secret or an Ed25519 private key (PEM PKCS#8, JWK JSON, JWK, CryptoKey). */
export type IssueTokenOptions = IssueTokenClaims &
  (
    | { readonly secret: string; readonly privateKey?: never }
    | { readonly privateKey: string | JWK | CryptoKey; readonly secret?: never }
  );

function invalid(message: string): AuthConfigError {
  return new AuthConfigError('invalid_value', message);
}

/**
 * Returns a signed JWT with `sub`, `role`, `iat`, `exp` and, when given, `iss`, `aud`, `topics`.
 *
 * @example await issueToken({ subject: 'alice', role: 'operator', ttlSeconds: 3600, secret })
 */
export async function issueToken(options: IssueTokenOptions): Promise<string> {
  const { subject, role, ttlSeconds } = options;
  if (typeof subject !== 'string' || subject.trim() === '') {
    throw invalid('the token needs a subject: say who it is for, e.g. --sub alice.');
  }
  if (!isRole(role)) {
    throw invalid(`role ${JSON.stringify(role)} is not a role: use ${ROLES.join(', ')}.`);
  }
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds <= 0) {
    throw invalid(
      `ttl ${ttlSeconds} is not valid: give the lifetime in whole seconds, at least 1 (e.g. 3600 for an hour).`,
    );
  }
  if (options.topics !== undefined) {
    const problem = parseTopicsClaim(options.topics);
    if (typeof problem === 'string') throw invalid(`the ${problem}.`);
  }
  if ((options.secret === undefined) === (options.privateKey === undefined)) {
    throw invalid(
      'sign with either a secret (HS256) or a private key (Ed25519), not both or neither.',
    );
  }
  const nowSeconds = Math.floor((options.now ?? Date.now)() / 1000);
  const claims = {
    role,
    ...(options.topics === undefined ? {} : { topics: options.topics }),
  };
  const jwt = new SignJWT(claims)
    .setSubject(subject)
    .setIssuedAt(nowSeconds)
    .setExpirationTime(nowSeconds + ttlSeconds);
  if (options.issuer !== undefined) jwt.setIssuer(options.issuer);
  if (options.audience !== undefined) jwt.setAudience(options.audience);
  if (options.secret !== undefined) {
    return jwt.setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(secretKey(options.secret));
  }
  const key =
    options.privateKey instanceof CryptoKey
      ? options.privateKey
      : await importPrivateKey(options.privateKey);
  return jwt.setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' }).sign(key);
}
