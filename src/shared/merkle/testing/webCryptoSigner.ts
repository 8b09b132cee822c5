/**
 * Ed25519 signing on WebCrypto for the shared tests, which must not import node: modules. The
 * server signs with Node's crypto (server/runlog/checkpointSigner.ts).
 */
import { bufferSource, concatBytes, fromHex, toBase64, utf8 } from '../bytes.ts';
import type { LogPublicKey } from '../logPublicKey.ts';
import { formatSignedNote, noteKeyId } from '../signedNote.ts';

// The DER header of a PKCS#8 Ed25519 private key (RFC 8410 §7), before the 32-byte seed.
const PKCS8_ED25519_PREFIX = fromHex('302e020100300506032b657004220420');

export interface TestSigner {
  readonly key: LogPublicKey;
  sign(text: string): Promise<string>;
}

async function signerFor(name: string, privateKey: CryptoKey, publicKey: CryptoKey) {
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', publicKey));
  const keyId = await noteKeyId(name, raw);
  return {
    key: { name, publicKey: toBase64(raw) },
    async sign(text: string) {
      const signature = new Uint8Array(
        await crypto.subtle.sign({ name: 'Ed25519' }, privateKey, utf8(text)),
      );
      return formatSignedNote(text, [{ name, keyId, signature }]);
    },
  };
}

export async function generateTestSigner(name: string): Promise<TestSigner> {
  const pair = await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']);
  return signerFor(name, pair.privateKey, pair.publicKey);
}

/** A signer from a 32-byte Ed25519 seed (RFC 8032 private key). */
export async function seedTestSigner(name: string, seed: Uint8Array): Promise<TestSigner> {
  const pkcs8 = bufferSource(concatBytes(PKCS8_ED25519_PREFIX, seed));
  const privateKey = await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, true, [
    'sign',
  ]);
  // WebCrypto derives the public key only through JWK export of the private key.
  const { x } = await crypto.subtle.exportKey('jwk', privateKey);
  const publicKey = await crypto.subtle.importKey(
    'jwk',
    { kty: 'OKP', crv: 'Ed25519', x: x! },
    { name: 'Ed25519' },
    true,
    ['verify'],
  );
  return signerFor(name, privateKey, publicKey);
}
