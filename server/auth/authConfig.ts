import { AUTH_ENV } from './authEnv.ts';
import { AuthConfigError } from './authErrors.ts';
import { ROLES, isRole, type Role } from './roles.ts';
import { DEFAULT_CLOCK_TOLERANCE_SECONDS } from './verifyToken.ts';

/** The relay's token settings, read from the environment by loadAuthConfig. */
export interface AuthConfig {
  /** HS256 secret, or null. */
  readonly secret: string | null;
  /** Ed25519 public key as JWK JSON or PEM, or null. */
  readonly publicKey: string | null;
  readonly issuer: string | null;
  readonly audience: string | null;
  readonly clockToleranceSeconds: number;
  /** The role clients get when anonymous access is on. */
  readonly anonymousRole: Role;
}

export const DEFAULT_AUTH_CONFIG: AuthConfig = {
  secret: null,
  publicKey: null,
  issuer: null,
  audience: null,
  clockToleranceSeconds: DEFAULT_CLOCK_TOLERANCE_SECONDS,
  anonymousRole: 'operator',
};

type Env = Readonly<Record<string, string | undefined>>;

function read(env: Env, name: string): string | null {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? null : value;
}

/**
 * Reads the token settings from TWINBENCH_JWT_* and TWINBENCH_ANONYMOUS_ROLE; throws an
 * AuthConfigError naming the variable when one is wrong. Keys are checked when the verifier
 * imports them (createRelayAuth).
 */
export function loadAuthConfig(env: Env): AuthConfig {
  const tolerance = read(env, AUTH_ENV.clockTolerance);
  const seconds = tolerance === null ? DEFAULT_CLOCK_TOLERANCE_SECONDS : Number(tolerance);
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new AuthConfigError(
      'invalid_value',
      `${AUTH_ENV.clockTolerance}=${JSON.stringify(tolerance)} is not valid: give seconds, 0 or more (default ${DEFAULT_CLOCK_TOLERANCE_SECONDS}).`,
    );
  }
  const role = read(env, AUTH_ENV.anonymousRole) ?? DEFAULT_AUTH_CONFIG.anonymousRole;
  if (!isRole(role)) {
    throw new AuthConfigError(
      'invalid_value',
      `${AUTH_ENV.anonymousRole}=${JSON.stringify(role)} is not a role: use ${ROLES.join(', ')}.`,
    );
  }
  const secret = env[AUTH_ENV.secret];
  const publicKey = read(env, AUTH_ENV.publicKey);
  // A private key alone would leave the relay open while its operator thinks it is protected.
  if (read(env, AUTH_ENV.privateKey) !== null && publicKey === null && !secret) {
    throw new AuthConfigError(
      'invalid_key',
      `${AUTH_ENV.privateKey} is set for the relay, which only verifies: set ${AUTH_ENV.publicKey} to the public half instead and keep the private key where tokens are issued.`,
    );
  }
  return {
    // The secret is taken as written: trimming would change the key.
    secret: secret === undefined || secret === '' ? null : secret,
    publicKey,
    issuer: read(env, AUTH_ENV.issuer),
    audience: read(env, AUTH_ENV.audience),
    clockToleranceSeconds: seconds,
    anonymousRole: role,
  };
}
