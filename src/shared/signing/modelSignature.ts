/**
 * Ed25519 signatures over a model version's content digest, on WebCrypto (browsers and Node).
 * The signed message is the UTF-8 of `twinbench model signature v1\n<content digest>\n`: the
 * fixed first line keeps a signature made for a model from being valid for anything else the
 * same key might sign.
 */
import { bufferSource, fromBase64, toBase64, toHex, utf8 } from '../merkle/bytes.ts';
import { sha256 } from '../merkle/rfc6962.ts';
import { SHA256_DIGEST } from './modelContent.ts';
import { SigningError } from './signingError.ts';

export const SIGNATURE_CONTEXT = 'twinbench model signature v1';
export const ED25519_PUBLIC_KEY_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;

/** The bytes an author's key signs for `contentDigest` (`sha256:<hex>`). */
export function signatureMessage(contentDigest: string): Uint8Array<ArrayBuffer> {
  if (!SHA256_DIGEST.test(contentDigest)) {
    throw new SigningError(
      'bad_content',
      `content digest ${JSON.stringify(contentDigest)} is not "sha256:" and 64 lower-case hex digits; compute it with contentDigest().`,
    );
  }
  return utf8(`${SIGNATURE_CONTEXT}\n${contentDigest}\n`);
}

/** The raw bytes of a base64 Ed25519 public key; `bad_key` otherwise. */
export function publicKeyFromBase64(publicKey: string): Uint8Array<ArrayBuffer> {
  const raw = fromBase64(publicKey);
  if (raw === undefined || raw.length !== ED25519_PUBLIC_KEY_BYTES) {
    throw new SigningError(
      'bad_key',
      `public key ${JSON.stringify(publicKey.slice(0, 60))} is not the standard base64 of a ${ED25519_PUBLIC_KEY_BYTES}-byte Ed25519 public key.`,
    );
  }
  return raw;
}

function signatureFromBase64(signature: string): Uint8Array<ArrayBuffer> {
  const raw = fromBase64(signature);
  if (raw === undefined || raw.length !== ED25519_SIGNATURE_BYTES) {
    throw new SigningError(
      'bad_key',
      `signature ${JSON.stringify(signature.slice(0, 60))} is not the standard base64 of a ${ED25519_SIGNATURE_BYTES}-byte Ed25519 signature.`,
    );
  }
  return raw;
}

function unavailable(error: unknown): SigningError | undefined {
  if (error instanceof Error && error.name === 'NotSupportedError') {
    return new SigningError(
      'ed25519_unavailable',
      'this JavaScript runtime has no Ed25519 in WebCrypto, so model signatures cannot be made or checked here: use Chrome 137+, Firefox 129+, Safari 17+ or Node 18+.',
      { cause: error },
    );
  }
  return undefined;
}

/** Signs a content digest with an author's Ed25519 private key; the signature in base64. */
export async function signContentDigest(
  privateKey: CryptoKey,
  contentDigest: string,
): Promise<string> {
  const message = signatureMessage(contentDigest);
  try {
    return toBase64(
      new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, privateKey, message)),
    );
  } catch (error) {
    throw unavailable(error) ?? error;
  }
}

export interface SignedDigest {
  readonly contentDigest: string;
  /** The author's raw Ed25519 public key, base64. */
  readonly publicKey: string;
  /** base64 */
  readonly signature: string;
}

/**
 * Checks an author's signature; throws `SigningError('bad_signature')` when it does not verify
 * and `bad_key` when the key or signature is malformed.
 */
export async function verifyContentSignature(signed: SignedDigest): Promise<void> {
  const raw = publicKeyFromBase64(signed.publicKey);
  const signature = signatureFromBase64(signed.signature);
  const message = signatureMessage(signed.contentDigest);
  let ok: boolean;
  try {
    const key = await crypto.subtle.importKey(
      'raw',
      bufferSource(raw),
      { name: 'Ed25519' },
      false,
      ['verify'],
    );
    ok = await crypto.subtle.verify({ name: 'Ed25519' }, key, signature, message);
  } catch (error) {
    throw (
      unavailable(error) ??
      new SigningError('bad_key', `WebCrypto refused the public key (${String(error)}).`, {
        cause: error,
      })
    );
  }
  if (!ok) {
    throw new SigningError(
      'bad_signature',
      `the signature does not verify for content ${signed.contentDigest} with key ${await keyFingerprint(signed.publicKey)}: the content was changed after signing, or it was signed with another key. Sign it again with the author's key.`,
    );
  }
}

/**
 * A short name for a public key that people can compare: `ed25519:` and the first 16 bytes of
 * the SHA-256 of the raw key, in hex.
 */
export async function keyFingerprint(publicKey: string): Promise<string> {
  return `ed25519:${toHex((await sha256(publicKeyFromBase64(publicKey))).subarray(0, 16))}`;
}
