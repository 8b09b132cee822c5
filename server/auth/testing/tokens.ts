/**
 * Keys and hand-made tokens for the auth tests. Tokens are signed with jose itself, so a forged
 * token here is exactly what an attacker with jose could make.
 */
import { SignJWT, base64url, exportJWK, exportSPKI, generateKeyPair, type JWTPayload } from 'jose';

/** 2030-01-01T00:00:00Z, the tests' "now". */
export const NOW_MS = Date.UTC(2030, 0, 1);
export const NOW_S = NOW_MS / 1000;

export const SECRET = 'test-secret-that-is-long-enough-for-hs256!';
export const OTHER_SECRET = 'another-secret-that-is-long-enough-for-hs256';

export interface Ed25519TestKeys {
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly publicJwk: string;
  readonly publicPem: string;
}

export async function ed25519Keys(): Promise<Ed25519TestKeys> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { extractable: true });
  return {
    privateKey,
    publicKey,
    publicJwk: JSON.stringify(await exportJWK(publicKey)),
    publicPem: await exportSPKI(publicKey),
  };
}

/** Claims of a valid operator token for alice, valid for an hour from NOW. */
export function claims(overrides: JWTPayload = {}): JWTPayload {
  return { sub: 'alice', role: 'operator', iat: NOW_S, exp: NOW_S + 3600, ...overrides };
}

/** Signs `payload` as given (no claims added) with `alg`. */
export function sign(
  payload: JWTPayload,
  alg: 'HS256' | 'HS512' | 'EdDSA' | 'Ed25519',
  key: CryptoKey | Uint8Array | string,
): Promise<string> {
  const k = typeof key === 'string' ? new TextEncoder().encode(key) : key;
  return new SignJWT(payload).setProtectedHeader({ alg, typ: 'JWT' }).sign(k);
}

/** A compact JWS with any header and signature, for tokens jose refuses to make. */
export function rawToken(header: object, payload: object, signature = ''): string {
  const part = (value: object) => base64url.encode(JSON.stringify(value));
  return `${part(header)}.${part(payload)}.${signature}`;
}

/** The error `promise` rejects with; fails the test when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

/** The valid claims with `key` left out. */
export function claimsWithout(key: keyof JWTPayload): JWTPayload {
  const all = claims();
  delete all[key];
  return all;
}
