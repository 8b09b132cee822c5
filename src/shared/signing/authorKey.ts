/**
 * An author's Ed25519 key pair on WebCrypto: made in the browser (the private key need never
 * leave it: a non-extractable CryptoKey can still be kept in IndexedDB), or imported from a
 * PKCS#8 file made with `openssl genpkey -algorithm ed25519`.
 */
import { bufferSource, toBase64 } from '../merkle/bytes.ts';
import { SigningError } from './signingError.ts';

export interface AuthorKey {
  readonly privateKey: CryptoKey;
  /** The raw 32-byte public key, base64: what the registry binds to the author. */
  readonly publicKey: string;
}

async function rawPublicKey(publicKey: CryptoKey): Promise<string> {
  return toBase64(new Uint8Array(await crypto.subtle.exportKey('raw', publicKey)));
}

/**
 * A new key pair. `extractable: false` (the default) keeps the private key inside WebCrypto:
 * it can sign and be stored in IndexedDB, but not be exported or copied out.
 */
export async function generateAuthorKey(
  options: { extractable?: boolean } = {},
): Promise<AuthorKey> {
  let pair: CryptoKeyPair;
  try {
    pair = await crypto.subtle.generateKey({ name: 'Ed25519' }, options.extractable ?? false, [
      'sign',
      'verify',
    ]);
  } catch (error) {
    throw new SigningError(
      'ed25519_unavailable',
      `WebCrypto cannot make an Ed25519 key here (${String(error)}): use Chrome 137+, Firefox 129+, Safari 17+ or Node 18+.`,
      { cause: error },
    );
  }
  return { privateKey: pair.privateKey, publicKey: await rawPublicKey(pair.publicKey) };
}

/**
 * Imports a PKCS#8 Ed25519 private key (DER bytes, or PEM text as `openssl genpkey -algorithm
 * ed25519` writes it). The imported private key is not extractable.
 */
export async function importAuthorKey(pkcs8: Uint8Array | string): Promise<AuthorKey> {
  const der = typeof pkcs8 === 'string' ? pemToDer(pkcs8) : pkcs8;
  let extractable: CryptoKey;
  try {
    extractable = await crypto.subtle.importKey(
      'pkcs8',
      bufferSource(der),
      { name: 'Ed25519' },
      true,
      ['sign'],
    );
  } catch (error) {
    throw new SigningError(
      'bad_key',
      `this is not a PKCS#8 Ed25519 private key (${String(error)}): make one with \`openssl genpkey -algorithm ed25519 -out author-key.pem\`.`,
      { cause: error },
    );
  }
  // WebCrypto gives the public half only through the private key's JWK.
  const jwk = await crypto.subtle.exportKey('jwk', extractable);
  const publicKey = await crypto.subtle.importKey(
    'jwk',
    { kty: 'OKP', crv: 'Ed25519', x: jwk.x! },
    { name: 'Ed25519' },
    true,
    ['verify'],
  );
  const privateKey = await crypto.subtle.importKey('jwk', jwk, { name: 'Ed25519' }, false, [
    'sign',
  ]);
  return { privateKey, publicKey: await rawPublicKey(publicKey) };
}

function pemToDer(pem: string): Uint8Array {
  const match = /-----BEGIN PRIVATE KEY-----([\s\S]*?)-----END PRIVATE KEY-----/.exec(pem);
  if (match === null) {
    throw new SigningError(
      'bad_key',
      'the text is not a PEM "PRIVATE KEY" (PKCS#8): make one with `openssl genpkey -algorithm ed25519 -out author-key.pem`.',
    );
  }
  const binary = atob(match[1]!.replace(/\s+/g, ''));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}
