/**
 * The one object the WebSocket server needs: who an upgrade request is, or why not. Combines the
 * auth mode (anonymous on loopback without keys, tokens otherwise) with the token verifier.
 */
import type { AuthConfig } from './authConfig.ts';
import { describeAuthMode, resolveAuthMode, type AuthMode } from './authMode.ts';
import { anonymousPrincipal, type Principal } from './principal.ts';
import { tokenFromRequest, type TokenRequest } from './tokenFromRequest.ts';
import { createTokenVerifier, type TokenAlgorithm } from './verifyToken.ts';

export interface RelayAuth {
  readonly mode: AuthMode;
  /** For the startup log: log it as a warning when `mode.kind` is 'anonymous'. */
  readonly description: string;
  /** Who sent the upgrade request; rejects with an AuthError to send back as 401. */
  authenticate(req: TokenRequest): Promise<Principal>;
}

export interface RelayAuthOptions {
  readonly config: AuthConfig;
  /** The interface the server binds to. */
  readonly host: string;
  /** Clock in ms since the Unix epoch, for tests. */
  readonly now?: () => number;
}

/**
 * Throws AuthConfigError when the relay must not start: a non-loopback bind without keys
 * (`insecure_bind`) or a key that cannot be used.
 *
 * @example
 * const auth = await createRelayAuth({ config: loadAuthConfig(process.env), host: config.host });
 */
export async function createRelayAuth(options: RelayAuthOptions): Promise<RelayAuth> {
  const { config, host } = options;
  const algorithms: TokenAlgorithm[] = [
    ...(config.secret === null ? [] : (['HS256'] as const)),
    ...(config.publicKey === null ? [] : (['EdDSA'] as const)),
  ];
  const mode = resolveAuthMode({ host, algorithms, anonymousRole: config.anonymousRole });
  const description = describeAuthMode(mode);
  if (mode.kind === 'anonymous') {
    const principal = anonymousPrincipal(mode.role);
    // Without a key no token can be checked, so any token sent is ignored, not trusted.
    return { mode, description, authenticate: () => Promise.resolve(principal) };
  }
  const verifyToken = await createTokenVerifier({
    secret: config.secret,
    publicKey: config.publicKey,
    issuer: config.issuer,
    audience: config.audience,
    clockToleranceSeconds: config.clockToleranceSeconds,
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  return { mode, description, authenticate: (req) => verifyToken(tokenFromRequest(req)) };
}
