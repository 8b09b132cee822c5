import { describe, expect, it } from 'vitest';
import { createAcl } from './acl.ts';
import { DEFAULT_AUTH_CONFIG, type AuthConfig } from './authConfig.ts';
import { AuthConfigError, AuthError } from './authErrors.ts';
import { issueToken } from './issueToken.ts';
import { createRelayAuth } from './relayAuth.ts';
import { NOW_MS, SECRET, ed25519Keys, rejectionOf } from './testing/tokens.ts';

const now = () => NOW_MS;
const withSecret: AuthConfig = { ...DEFAULT_AUTH_CONFIG, secret: SECRET };

describe('createRelayAuth', () => {
  it('on loopback without keys, lets every request in as the anonymous role, tokens or not', async () => {
    const auth = await createRelayAuth({ config: DEFAULT_AUTH_CONFIG, host: '127.0.0.1' });
    expect(auth.mode.kind).toBe('anonymous');
    expect(auth.description).toMatch(/^AUTH DISABLED: /);
    const anonymous = {
      subject: 'anonymous',
      role: 'operator',
      expiresAt: null,
      topics: null,
      anonymous: true,
    };
    await expect(auth.authenticate({ headers: {}, url: '/ws' })).resolves.toEqual(anonymous);
    // An unverifiable token must not raise the role: it is ignored.
    const forged = { headers: { authorization: 'Bearer eyJhbGciOiJub25lIn0.e30.' } };
    await expect(auth.authenticate(forged)).resolves.toEqual(anonymous);
  });

  it('refuses to start on 0.0.0.0 without keys', async () => {
    const error = await rejectionOf(
      createRelayAuth({ config: DEFAULT_AUTH_CONFIG, host: '0.0.0.0' }),
    );
    expect(error).toBeInstanceOf(AuthConfigError);
    expect(error).toMatchObject({ reason: 'insecure_bind' });
  });

  it('with a key, refuses requests without a token as missing, on loopback too', async () => {
    for (const host of ['127.0.0.1', '0.0.0.0']) {
      const auth = await createRelayAuth({ config: withSecret, host, now });
      expect(auth.mode).toEqual({ kind: 'token', algorithms: ['HS256'], host });
      const error = await rejectionOf(auth.authenticate({ headers: {}, url: '/ws' }));
      expect(error).toBeInstanceOf(AuthError);
      expect(error).toMatchObject({ reason: 'missing' });
    }
  });

  it('authenticates a token from the query or the header', async () => {
    const auth = await createRelayAuth({ config: withSecret, host: '0.0.0.0', now });
    const token = await issueToken({
      subject: 'alice',
      role: 'operator',
      ttlSeconds: 60,
      secret: SECRET,
      now,
    });
    await expect(
      auth.authenticate({ headers: {}, url: `/ws?token=${token}` }),
    ).resolves.toMatchObject({
      subject: 'alice',
      role: 'operator',
    });
    await expect(
      auth.authenticate({ headers: { authorization: `Bearer ${token}` }, url: '/ws' }),
    ).resolves.toMatchObject({ subject: 'alice' });
  });

  it('takes issuer, audience and public key from the config', async () => {
    const keys = await ed25519Keys();
    const config: AuthConfig = {
      ...DEFAULT_AUTH_CONFIG,
      publicKey: keys.publicJwk,
      issuer: 'ops',
      audience: 'relay',
    };
    const auth = await createRelayAuth({ config, host: '0.0.0.0', now });
    expect(auth.mode).toMatchObject({ algorithms: ['EdDSA'] });
    const token = (issuer: string) =>
      issueToken({
        subject: 'a',
        role: 'viewer',
        ttlSeconds: 60,
        privateKey: keys.privateKey,
        issuer,
        audience: 'relay',
        now,
      });
    await expect(
      auth.authenticate({ headers: {}, url: `/ws?token=${await token('ops')}` }),
    ).resolves.toMatchObject({ role: 'viewer' });
    await expect(
      auth.authenticate({ headers: {}, url: `/ws?token=${await token('mallory')}` }),
    ).rejects.toMatchObject({ reason: 'wrong_issuer' });
  });

  it('together with the ACL: a viewer token receives channels but cannot send commands', async () => {
    const auth = await createRelayAuth({ config: withSecret, host: '0.0.0.0', now });
    const acl = createAcl();
    const token = await issueToken({
      subject: 'v',
      role: 'viewer',
      ttlSeconds: 60,
      secret: SECRET,
      now,
    });
    const principal = await auth.authenticate({ headers: {}, url: `/ws?token=${token}` });
    expect(acl.canSubscribe(principal, 'twinbench/footbridge/sensors/disp.z.L50')).toBe(true);
    expect(acl.canPublish(principal, 'twinbench/footbridge/commands')).toBe(false);
  });
});
