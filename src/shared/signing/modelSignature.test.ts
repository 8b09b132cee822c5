import { describe, expect, it } from 'vitest';
import { fromUtf8 } from '../merkle/bytes.ts';
import { generateAuthorKey, importAuthorKey } from './authorKey.ts';
import {
  keyFingerprint,
  signatureMessage,
  signContentDigest,
  verifyContentSignature,
} from './modelSignature.ts';
import { SigningError } from './signingError.ts';

const DIGEST = `sha256:${'12'.repeat(32)}`;
// RFC 8032 §7.1 test 1's secret key as PKCS#8 PEM, and its public key.
const RFC8032_PEM = `-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g
-----END PRIVATE KEY-----`;
const RFC8032_PUBLIC = '11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=';

async function reason(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SigningError) return error.reason;
    throw error;
  }
  throw new Error('expected a SigningError');
}

describe('model signatures', () => {
  it('sign a fixed-context message over the content digest', () => {
    expect(fromUtf8(signatureMessage(DIGEST))).toBe(`twinbench model signature v1\n${DIGEST}\n`);
  });

  it('verify with the signing key and with nothing else', async () => {
    const key = await generateAuthorKey();
    const other = await generateAuthorKey();
    const signature = await signContentDigest(key.privateKey, DIGEST);
    await verifyContentSignature({ contentDigest: DIGEST, publicKey: key.publicKey, signature });
    expect(
      await reason(
        verifyContentSignature({ contentDigest: DIGEST, publicKey: other.publicKey, signature }),
      ),
    ).toBe('bad_signature');
    expect(
      await reason(
        verifyContentSignature({
          contentDigest: `sha256:${'13'.repeat(32)}`,
          publicKey: key.publicKey,
          signature,
        }),
      ),
    ).toBe('bad_signature');
    expect(
      await reason(verifyContentSignature({ contentDigest: DIGEST, publicKey: 'AAAA', signature })),
    ).toBe('bad_key');
  });

  it('imports an OpenSSL PKCS#8 key and derives its RFC 8032 public key', async () => {
    const key = await importAuthorKey(RFC8032_PEM);
    expect(key.publicKey).toBe(RFC8032_PUBLIC);
    expect(key.privateKey.extractable).toBe(false);
    const signature = await signContentDigest(key.privateKey, DIGEST);
    await verifyContentSignature({ contentDigest: DIGEST, publicKey: key.publicKey, signature });
    expect(await reason(importAuthorKey('not a key'))).toBe('bad_key');
  });

  it('fingerprints a key as ed25519: and 32 hex digits', async () => {
    expect(await keyFingerprint(RFC8032_PUBLIC)).toMatch(/^ed25519:[0-9a-f]{32}$/);
  });
});
