import { exportJWK, exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { AuthConfigError } from './authErrors.ts';
import {
  MIN_SECRET_BYTES,
  generateEd25519KeyPair,
  importPrivateKey,
  importPublicKey,
  secretKey,
} from './keys.ts';
import { rejectionOf } from './testing/tokens.ts';

async function configError(promise: Promise<unknown>): Promise<AuthConfigError> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(AuthConfigError);
  return error as AuthConfigError;
}

describe('secretKey', () => {
  it('takes the UTF-8 bytes of a secret of at least 32 bytes', () => {
    expect(secretKey('x'.repeat(MIN_SECRET_BYTES))).toHaveLength(32);
    // 16 characters, 32 bytes: the limit is on bytes, which is what HMAC sees.
    expect(secretKey('é'.repeat(16))).toHaveLength(32);
  });

  it('refuses a short secret, naming the variable and how to make a good one', () => {
    expect(() => secretKey('short')).toThrow(
      'TWINBENCH_JWT_SECRET is 5 bytes; HS256 needs at least 32: generate one with `openssl rand -base64 32`',
    );
  });
});

describe('importPublicKey', () => {
  it('imports JWK JSON, a JWK object and PEM SPKI, also with escaped newlines', async () => {
    const { publicKey } = await generateKeyPair('EdDSA', { extractable: true });
    const jwk = await exportJWK(publicKey);
    const pem = await exportSPKI(publicKey);
    for (const input of [JSON.stringify(jwk), jwk, pem, pem.replace(/\n/g, '\\n'), `  ${pem}\n`]) {
      const key = await importPublicKey(input);
      expect(key.type).toBe('public');
      expect(key.algorithm.name).toBe('Ed25519');
    }
  });

  it('refuses a private key so it does not end up on the relay', async () => {
    const { privateKey } = await generateKeyPair('EdDSA', { extractable: true });
    const jwk = await configError(importPublicKey(JSON.stringify(await exportJWK(privateKey))));
    expect(jwk.reason).toBe('invalid_key');
    expect(jwk.message).toContain('holds a private key');
    const pem = await configError(importPublicKey(await exportPKCS8(privateKey)));
    expect(pem.message).toContain('openssl pkey -pubout');
  });

  it('refuses keys of other types, naming the type', async () => {
    const { publicKey } = await generateKeyPair('ES256', { extractable: true });
    const ec = await configError(importPublicKey(JSON.stringify(await exportJWK(publicKey))));
    expect(ec.message).toContain('is an EC P-256 key');
    expect(ec.message).toContain('--generate-ed25519');
    const rsaPem = await configError(importPublicKey(await exportSPKI(publicKey)));
    expect(rsaPem.reason).toBe('invalid_key');
  });

  it('says what it expected for text that is neither JWK nor PEM', async () => {
    const ssh = await configError(importPublicKey('ssh-ed25519 AAAAC3Nza…'));
    expect(ssh.message).toContain('neither JWK JSON nor PEM');
    const json = await configError(importPublicKey('{"kty":'));
    expect(json.message).toContain('does not parse');
    const cert = await configError(importPublicKey('-----BEGIN CERTIFICATE-----\nMII\n'));
    expect(cert.message).toContain('-----BEGIN PUBLIC KEY-----');
    const broken = await configError(
      importPublicKey('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----'),
    );
    expect(broken.message).toContain('is not an Ed25519 public key');
    const badX = await configError(importPublicKey({ kty: 'OKP', crv: 'Ed25519', x: '!!' }));
    expect(badX.reason).toBe('invalid_key');
  });

  it('names the source it was given in messages', async () => {
    const error = await configError(importPublicKey('nope', 'relay.json publicKey'));
    expect(error.message.startsWith('relay.json publicKey is')).toBe(true);
  });
});

describe('importPrivateKey', () => {
  it('imports JWK JSON and PEM PKCS#8', async () => {
    const { privateKey } = await generateKeyPair('EdDSA', { extractable: true });
    for (const input of [
      JSON.stringify(await exportJWK(privateKey)),
      await exportPKCS8(privateKey),
    ]) {
      expect((await importPrivateKey(input)).type).toBe('private');
    }
  });

  it('refuses a public key, saying signing needs the private one', async () => {
    const { publicKey } = await generateKeyPair('EdDSA', { extractable: true });
    const jwk = await configError(importPrivateKey(JSON.stringify(await exportJWK(publicKey))));
    expect(jwk.message).toContain('TWINBENCH_JWT_PRIVATE_KEY holds a public key');
    const pem = await configError(importPrivateKey(await exportSPKI(publicKey)));
    expect(pem.message).toContain('-----BEGIN PRIVATE KEY-----');
  });
});

describe('generateEd25519KeyPair', () => {
  it('makes a JWK pair whose halves import as such', async () => {
    const pair = await generateEd25519KeyPair();
    expect(pair.publicKey).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
    expect(pair.publicKey).not.toHaveProperty('d');
    expect(pair.privateKey).toHaveProperty('d');
    await expect(importPublicKey(JSON.stringify(pair.publicKey))).resolves.toBeDefined();
    await expect(importPrivateKey(JSON.stringify(pair.privateKey))).resolves.toBeDefined();
  });
});
