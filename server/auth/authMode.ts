/**
 * Whether the relay asks for tokens. Without a key it cannot check any, and then it lets anyone
 * in, but only when it listens on loopback, where "anyone" means people on this machine.
 */
import { AUTH_ENV } from './authEnv.ts';
import { AuthConfigError } from './authErrors.ts';
import type { Role } from './roles.ts';
import type { TokenAlgorithm } from './verifyToken.ts';

export type AuthMode =
  | { readonly kind: 'anonymous'; readonly role: Role; readonly host: string }
  | {
      readonly kind: 'token';
      readonly algorithms: readonly TokenAlgorithm[];
      readonly host: string;
    };

export interface AuthModeOptions {
  /** The interface the HTTP/WebSocket server binds to (TWINBENCH_HOST). */
  readonly host: string;
  /** The algorithms a key is configured for; empty when there is none. */
  readonly algorithms: readonly TokenAlgorithm[];
  /** The role anonymous clients get; default operator (the workbench's own damage switch publishes commands). */
  readonly anonymousRole?: Role;
}

/** Whether `host` is reachable only from this machine: 127.0.0.0/8, ::1 or localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice('::ffff:'.length) : h;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/**
 * Token mode when a key is configured; anonymous mode on loopback without one. Throws an
 * AuthConfigError (`insecure_bind`) for a non-loopback bind without a key, so the relay does not
 * start open to the network.
 */
export function resolveAuthMode(options: AuthModeOptions): AuthMode {
  const { host, algorithms } = options;
  if (algorithms.length > 0) return { kind: 'token', algorithms, host };
  const role = options.anonymousRole ?? 'operator';
  if (!isLoopbackHost(host)) {
    throw new AuthConfigError(
      'insecure_bind',
      `the relay would let anyone connect as ${role} on ${host}, which other machines can reach: set ${AUTH_ENV.secret} (at least 32 bytes, e.g. \`openssl rand -base64 32\`) or ${AUTH_ENV.publicKey} to require tokens, or listen on 127.0.0.1.`,
    );
  }
  return { kind: 'anonymous', role, host };
}

/**
 * One line for the startup log: a loud warning when anyone may connect, otherwise what tokens
 * are accepted.
 */
export function describeAuthMode(mode: AuthMode): string {
  switch (mode.kind) {
    case 'anonymous':
      return `AUTH DISABLED: anyone on this machine can connect as ${mode.role} (no token key is set and the relay listens on loopback ${mode.host}). Set ${AUTH_ENV.secret} or ${AUTH_ENV.publicKey} to require tokens.`;
    case 'token':
      return `Auth: clients must present a token signed with ${mode.algorithms.join(' or ')} (?token= or Authorization: Bearer).`;
  }
}
