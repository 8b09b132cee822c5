/**
 * Turns the key material people paste into environment variables into keys jose can use, and
 * says precisely what is wrong when it cannot. All cryptography is jose's.
 */
import { exportJWK, generateKeyPair, importJWK, importPKCS8, importSPKI, type JWK } from 'jose';
import { AUTH_ENV } from './authEnv.ts';
import { AuthConfigError } from './authErrors.ts';

/** HS256 secrets shorter than the hash (256 bits) are guessable offline from one token. */
export const MIN_SECRET_BYTES = 32;

const encoder = new TextEncoder();

/** The HS256 key for `secret` (its UTF-8 bytes); throws when it is too short to be safe. */
export function secretKey(secret: string, source: string = AUTH_ENV.secret): Uint8Array {
  const bytes = encoder.encode(secret);
  if (bytes.length < MIN_SECRET_BYTES) {
    throw new AuthConfigError(
      'invalid_secret',
      `${source} is ${bytes.length} bytes; HS256 needs at least ${MIN_SECRET_BYTES}: generate one with \`openssl rand -base64 32\` and set it on the relay and wherever tokens are issued.`,
    );
  }
  return bytes;
}

type KeyHalf = 'public' | 'private';

const JWK_EXAMPLE = '{"kty":"OKP","crv":"Ed25519","x":"…"}';

function invalidKey(message: string, cause?: unknown): AuthConfigError {
  return new AuthConfigError('invalid_key', message, cause === undefined ? undefined : { cause });
}

function checkJwk(jwk: JWK, half: KeyHalf, source: string): void {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519') {
    throw invalidKey(
      `${source} is ${jwk.kty === undefined ? 'a JWK without "kty"' : `an ${jwk.kty}${jwk.crv === undefined ? '' : ` ${jwk.crv}`} key`}; Twinbench signs tokens with Ed25519 (kty "OKP", crv "Ed25519"): make a pair with \`npx tsx server/auth/tokenCli.ts --generate-ed25519\`.`,
    );
  }
  if (half === 'public' && jwk.d !== undefined) {
    throw invalidKey(
      `${source} holds a private key ("d"); the relay needs only the public half: remove "d" and keep kty, crv and x, and keep the private key where tokens are issued.`,
    );
  }
  if (half === 'private' && jwk.d === undefined) {
    throw invalidKey(
      `${source} holds a public key; signing needs the private key (a JWK with "d", or a PEM "PRIVATE KEY").`,
    );
  }
}

/** Keys in .env files often arrive with their newlines written as `\n`. */
function unescapeNewlines(text: string): string {
  return text.trim().replace(/\\n/g, '\n');
}

async function importEd25519(input: string | JWK, half: KeyHalf, source: string) {
  let jwk: JWK | undefined;
  if (typeof input === 'object') {
    jwk = input;
  } else {
    const text = unescapeNewlines(input);
    if (text.startsWith('{')) {
      try {
        jwk = JSON.parse(text) as JWK;
      } catch (error) {
        throw invalidKey(
          `${source} starts like JSON but does not parse (${(error as Error).message}): give a JWK such as ${JWK_EXAMPLE}, or a PEM.`,
          error,
        );
      }
    } else {
      const label = /^-----BEGIN ([A-Z ]+)-----/.exec(text)?.[1];
      const wanted = half === 'public' ? 'PUBLIC KEY' : 'PRIVATE KEY';
      if (label === undefined) {
        throw invalidKey(
          `${source} is neither JWK JSON nor PEM: give a JWK such as ${JWK_EXAMPLE}, or a PEM starting with -----BEGIN ${wanted}-----.`,
        );
      }
      if (label !== wanted) {
        const fix =
          half === 'public' && label.includes('PRIVATE')
            ? 'the relay needs only the public half: print it with `openssl pkey -pubout`'
            : `give a PEM starting with -----BEGIN ${wanted}-----${label.includes('ENCRYPTED') ? ' (decrypt it first)' : ''}`;
        throw invalidKey(`${source} is a PEM "${label}": ${fix}.`);
      }
      try {
        return await (half === 'public' ? importSPKI(text, 'EdDSA') : importPKCS8(text, 'EdDSA'));
      } catch (error) {
        throw invalidKey(
          `${source} is not an Ed25519 ${half} key (${(error as Error).message}): make a pair with \`npx tsx server/auth/tokenCli.ts --generate-ed25519\`.`,
          error,
        );
      }
    }
  }
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) {
    throw invalidKey(`${source} must be a JWK object such as ${JWK_EXAMPLE}.`);
  }
  checkJwk(jwk, half, source);
  let key: CryptoKey | Uint8Array;
  try {
    key = await importJWK(jwk, 'EdDSA');
  } catch (error) {
    throw invalidKey(
      `${source} is not a usable Ed25519 ${half} key (${(error as Error).message}): make a pair with \`npx tsx server/auth/tokenCli.ts --generate-ed25519\`.`,
      error,
    );
  }
  if (key instanceof Uint8Array) throw invalidKey(`${source} must be an Ed25519 key.`);
  return key;
}

/**
 * The Ed25519 key the relay verifies EdDSA tokens with, from JWK JSON (or a JWK object) or a PEM
 * SPKI; refuses private keys so they do not end up on the relay.
 */
export function importPublicKey(
  input: string | JWK,
  source: string = AUTH_ENV.publicKey,
): Promise<CryptoKey> {
  return importEd25519(input, 'public', source);
}

/** The Ed25519 key tokens are signed with, from JWK JSON (or a JWK object) or a PEM PKCS#8. */
export function importPrivateKey(
  input: string | JWK,
  source: string = AUTH_ENV.privateKey,
): Promise<CryptoKey> {
  return importEd25519(input, 'private', source);
}

export interface Ed25519KeyPairJwk {
  /** Keep where tokens are issued (TWINBENCH_JWT_PRIVATE_KEY). */
  readonly privateKey: JWK;
  /** Give to the relay (TWINBENCH_JWT_PUBLIC_KEY). */
  readonly publicKey: JWK;
}

export async function generateEd25519KeyPair(): Promise<Ed25519KeyPairJwk> {
  const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  return {
    privateKey: await exportJWK(pair.privateKey),
    publicKey: await exportJWK(pair.publicKey),
  };
}
