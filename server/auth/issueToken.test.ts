import { decodeJwt, decodeProtectedHeader } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAcl } from './acl.ts';
import { AuthConfigError } from './authErrors.ts';
import { issueToken } from './issueToken.ts';
import { generateEd25519KeyPair, type Ed25519KeyPairJwk } from './keys.ts';
import { NOW_MS, NOW_S, SECRET, ed25519Keys, rejectionOf } from './testing/tokens.ts';
import { createTokenVerifier, type VerifyToken } from './verifyToken.ts';

const now = () => NOW_MS;
let pair: Ed25519KeyPairJwk;
let verify: VerifyToken;

beforeAll(async () => {
  pair = await generateEd25519KeyPair();
  verify = await createTokenVerifier({
    secret: SECRET,
    publicKey: JSON.stringify(pair.publicKey),
    now,
  });
});

describe('issueToken', () => {
  it('round-trips an HS256 token through the verifier', async () => {
    const token = await issueToken({
      subject: 'alice',
      role: 'operator',
      ttlSeconds: 3600,
      secret: SECRET,
      now,
    });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(decodeJwt(token)).toEqual({
      sub: 'alice',
      role: 'operator',
      iat: NOW_S,
      exp: NOW_S + 3600,
    });
    await expect(verify(token)).resolves.toEqual({
      subject: 'alice',
      role: 'operator',
      expiresAt: NOW_MS + 3600 * 1000,
      topics: null,
      anonymous: false,
    });
  });

  it('round-trips an EdDSA token signed with the private JWK, as JSON or object', async () => {
    for (const privateKey of [JSON.stringify(pair.privateKey), pair.privateKey]) {
      const token = await issueToken({
        subject: 'bob',
        role: 'admin',
        ttlSeconds: 60,
        privateKey,
        now,
      });
      expect(decodeProtectedHeader(token).alg).toBe('EdDSA');
      await expect(verify(token)).resolves.toMatchObject({ subject: 'bob', role: 'admin' });
    }
  });

  it('signs with a CryptoKey too', async () => {
    const keys = await ed25519Keys();
    const token = await issueToken({
      subject: 'carol',
      role: 'viewer',
      ttlSeconds: 60,
      privateKey: keys.privateKey,
      now,
    });
    const verifier = await createTokenVerifier({ publicKey: keys.publicPem, now });
    await expect(verifier(token)).resolves.toMatchObject({ subject: 'carol' });
  });

  it('carries issuer, audience and topics, and the ACL honours the topics', async () => {
    const token = await issueToken({
      subject: 'dave',
      role: 'operator',
      ttlSeconds: 600,
      secret: SECRET,
      issuer: 'ops',
      audience: 'relay',
      topics: { publish: ['twinbench/footbridge/commands'] },
      now,
    });
    const strict = await createTokenVerifier({
      secret: SECRET,
      issuer: 'ops',
      audience: 'relay',
      now,
    });
    const principal = await strict(token);
    expect(principal.topics).toEqual({
      subscribe: null,
      publish: ['twinbench/footbridge/commands'],
    });
    const acl = createAcl();
    expect(acl.canPublish(principal, 'twinbench/footbridge/commands')).toBe(true);
    expect(acl.canPublish(principal, 'twinbench/tower/commands')).toBe(false);
  });

  it('issues tokens that expire after the ttl', async () => {
    const token = await issueToken({
      subject: 'e',
      role: 'viewer',
      ttlSeconds: 60,
      secret: SECRET,
      now,
    });
    const later = await createTokenVerifier({
      secret: SECRET,
      clockToleranceSeconds: 0,
      now: () => NOW_MS + 61_000,
    });
    await expect(later(token)).rejects.toMatchObject({ reason: 'expired' });
  });

  it('refuses bad input before signing, saying what to give', async () => {
    const base = { subject: 'alice', role: 'operator', ttlSeconds: 60, secret: SECRET } as const;
    const cases: [object, string][] = [
      [{ subject: ' ' }, 'needs a subject'],
      [{ role: 'root' }, 'role "root" is not a role'],
      [{ ttlSeconds: 0 }, 'ttl 0 is not valid'],
      [{ ttlSeconds: 1.5 }, 'whole seconds'],
      [{ ttlSeconds: Infinity }, 'ttl Infinity'],
      [{ topics: ['a/#/b'] }, `topics[0]: "a/#/b" is not a valid filter`],
      [{ secret: 'short' }, 'TWINBENCH_JWT_SECRET is 5 bytes'],
      [{ privateKey: JSON.stringify(pair.publicKey), secret: undefined }, 'holds a public key'],
      [{ privateKey: JSON.stringify(pair.privateKey) }, 'either a secret'],
    ];
    for (const [change, message] of cases) {
      const options = { ...base, ...change } as Parameters<typeof issueToken>[0];
      const error = await rejectionOf(issueToken(options));
      expect(error).toBeInstanceOf(AuthConfigError);
      expect(error.message).toContain(message);
    }
  });
});
