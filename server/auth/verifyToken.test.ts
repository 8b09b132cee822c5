import { UnsecuredJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { AuthConfigError, AuthError } from './authErrors.ts';
import {
  NOW_MS,
  NOW_S,
  OTHER_SECRET,
  SECRET,
  claims,
  claimsWithout,
  ed25519Keys,
  rawToken,
  rejectionOf,
  sign,
  type Ed25519TestKeys,
} from './testing/tokens.ts';
import { MAX_TOKEN_LENGTH, createTokenVerifier, type VerifyToken } from './verifyToken.ts';

let keys: Ed25519TestKeys;
let otherKeys: Ed25519TestKeys;
let hsOnly: VerifyToken;
let edOnly: VerifyToken;
let both: VerifyToken;

beforeAll(async () => {
  keys = await ed25519Keys();
  otherKeys = await ed25519Keys();
  const now = () => NOW_MS;
  hsOnly = await createTokenVerifier({ secret: SECRET, now });
  edOnly = await createTokenVerifier({ publicKey: keys.publicJwk, now });
  both = await createTokenVerifier({ secret: SECRET, publicKey: keys.publicPem, now });
});

async function refusal(verify: VerifyToken, token: string | null | undefined): Promise<AuthError> {
  const error = await rejectionOf(verify(token));
  expect(error).toBeInstanceOf(AuthError);
  return error as AuthError;
}

describe('verifyToken: valid tokens', () => {
  it('returns the principal of an HS256 token', async () => {
    const token = await sign(claims(), 'HS256', SECRET);
    await expect(hsOnly(token)).resolves.toEqual({
      subject: 'alice',
      role: 'operator',
      expiresAt: (NOW_S + 3600) * 1000,
      topics: null,
      anonymous: false,
    });
  });

  it('returns the principal of an EdDSA token, with the key as JWK or PEM', async () => {
    const token = await sign(claims({ role: 'admin' }), 'EdDSA', keys.privateKey);
    await expect(edOnly(token)).resolves.toMatchObject({ subject: 'alice', role: 'admin' });
    await expect(both(token)).resolves.toMatchObject({ subject: 'alice', role: 'admin' });
  });

  it('accepts the fully specified algorithm name Ed25519 (RFC 9864) for the same key', async () => {
    const token = await sign(claims(), 'Ed25519', keys.privateKey);
    await expect(edOnly(token)).resolves.toMatchObject({ role: 'operator' });
  });

  it('accepts both algorithms when both keys are configured', async () => {
    await expect(both(await sign(claims(), 'HS256', SECRET))).resolves.toMatchObject({
      role: 'operator',
    });
    await expect(both(await sign(claims(), 'EdDSA', keys.privateKey))).resolves.toMatchObject({
      role: 'operator',
    });
  });

  it('accepts every role', async () => {
    for (const role of ['viewer', 'operator', 'author', 'admin']) {
      await expect(hsOnly(await sign(claims({ role }), 'HS256', SECRET))).resolves.toMatchObject({
        role,
      });
    }
  });
});

describe('verifyToken: refusals', () => {
  it('refuses a missing token as missing and says how to send one', async () => {
    for (const token of [null, undefined, '']) {
      const error = await refusal(hsOnly, token);
      expect(error.reason).toBe('missing');
      expect(error.message).toContain('?token=');
      expect(error.message).toContain('Authorization: Bearer');
    }
  });

  it('refuses text that is not a JWT as malformed', async () => {
    for (const token of ['not-a-jwt', 'a.b.c', 'a.b', '...', `${'x'.repeat(20)}.e30.`]) {
      expect((await refusal(hsOnly, token)).reason).toBe('malformed');
    }
  });

  it('refuses a signed token whose payload is not a JSON object as malformed', async () => {
    const { CompactSign } = await import('jose');
    const token = await new CompactSign(new TextEncoder().encode('[1,2,3]'))
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(SECRET));
    expect((await refusal(hsOnly, token)).reason).toBe('malformed');
  });

  it('refuses a token longer than MAX_TOKEN_LENGTH without reading it', async () => {
    const token = await sign(claims({ pad: 'x'.repeat(MAX_TOKEN_LENGTH) }), 'HS256', SECRET);
    const error = await refusal(hsOnly, token);
    expect(error.reason).toBe('malformed');
    expect(error.message).toContain(String(MAX_TOKEN_LENGTH));
  });

  it('refuses an expired token, naming when it expired and what to do', async () => {
    const token = await sign(claims({ exp: NOW_S - 3600 }), 'HS256', SECRET);
    const error = await refusal(hsOnly, token);
    expect(error.reason).toBe('expired');
    expect(error.message).toBe(
      'the token expired at 2029-12-31T23:00:00.000Z; ask an admin for a new one.',
    );
  });

  it('allows the clock tolerance on expiry (default 30 s) and no more', async () => {
    await expect(
      hsOnly(await sign(claims({ exp: NOW_S - 29 }), 'HS256', SECRET)),
    ).resolves.toMatchObject({ role: 'operator' });
    expect(
      (await refusal(hsOnly, await sign(claims({ exp: NOW_S - 30 }), 'HS256', SECRET))).reason,
    ).toBe('expired');
    const strict = await createTokenVerifier({
      secret: SECRET,
      clockToleranceSeconds: 0,
      now: () => NOW_MS,
    });
    expect(
      (await refusal(strict, await sign(claims({ exp: NOW_S }), 'HS256', SECRET))).reason,
    ).toBe('expired');
  });

  it('refuses a token that is not valid yet (nbf), beyond the tolerance', async () => {
    const token = await sign(claims({ nbf: NOW_S + 600 }), 'HS256', SECRET);
    const error = await refusal(hsOnly, token);
    expect(error.reason).toBe('not_yet_valid');
    expect(error.message).toContain('2030-01-01T00:10:00.000Z');
    expect(error.message).toContain('clock');
    await expect(
      hsOnly(await sign(claims({ nbf: NOW_S + 10 }), 'HS256', SECRET)),
    ).resolves.toMatchObject({ role: 'operator' });
  });

  it('refuses a token without exp: tokens must expire', async () => {
    const rest = claimsWithout('exp');
    const error = await refusal(hsOnly, await sign(rest, 'HS256', SECRET));
    expect(error.reason).toBe('malformed');
    expect(error.message).toContain('no expiry');
  });

  it('refuses a non-numeric exp as malformed', async () => {
    const token = await sign(claims({ exp: 'tomorrow' as unknown as number }), 'HS256', SECRET);
    expect((await refusal(hsOnly, token)).reason).toBe('malformed');
  });

  it('refuses a token without a subject', async () => {
    const rest = claimsWithout('sub');
    expect((await refusal(hsOnly, await sign(rest, 'HS256', SECRET))).reason).toBe('malformed');
    const empty = await sign(claims({ sub: '' }), 'HS256', SECRET);
    expect((await refusal(hsOnly, empty)).reason).toBe('malformed');
  });

  it('refuses unknown, missing or wrongly typed roles as unknown_role, listing the roles', async () => {
    for (const role of ['superuser', 'Admin', '', 3, ['admin'], null]) {
      const token = await sign(claims({ role }), 'HS256', SECRET);
      const error = await refusal(hsOnly, token);
      expect(error.reason).toBe('unknown_role');
      expect(error.message).toContain('viewer, operator, author, admin');
    }
    const rest = claimsWithout('role');
    const error = await refusal(hsOnly, await sign(rest, 'HS256', SECRET));
    expect(error.reason).toBe('unknown_role');
    expect(error.message).toContain('has no "role"');
  });
});

describe('verifyToken: forgeries', () => {
  it('refuses an HS256 token signed with another secret', async () => {
    const error = await refusal(hsOnly, await sign(claims(), 'HS256', OTHER_SECRET));
    expect(error.reason).toBe('bad_signature');
    expect(error.message).toContain('ask an admin for a new one');
  });

  it('refuses an EdDSA token signed with another key pair', async () => {
    const forged = await sign(claims(), 'EdDSA', otherKeys.privateKey);
    expect((await refusal(edOnly, forged)).reason).toBe('bad_signature');
    expect((await refusal(both, forged)).reason).toBe('bad_signature');
  });

  it('refuses a genuine token whose payload was changed', async () => {
    for (const [verify, token] of [
      [hsOnly, await sign(claims({ role: 'viewer' }), 'HS256', SECRET)],
      [edOnly, await sign(claims({ role: 'viewer' }), 'EdDSA', keys.privateKey)],
    ] as const) {
      const [header, , signature] = token.split('.');
      const promoted = rawToken({}, claims({ role: 'admin' })).split('.')[1];
      const tampered = `${header}.${promoted}.${signature}`;
      expect((await refusal(verify, tampered)).reason).toBe('bad_signature');
    }
  });

  it('refuses alg "none" (an unsecured JWT) as wrong_algorithm', async () => {
    const unsecured = new UnsecuredJWT(claims({ role: 'admin' })).encode();
    for (const verify of [hsOnly, edOnly, both]) {
      const error = await refusal(verify, unsecured);
      expect(error.reason).toBe('wrong_algorithm');
      expect(error.message).toContain('"none"');
    }
    for (const alg of ['none', 'None', 'NONE']) {
      const token = rawToken({ alg, typ: 'JWT' }, claims({ role: 'admin' }), '');
      expect((await refusal(both, token)).reason).toBe('wrong_algorithm');
    }
  });

  it('refuses a token with no alg header', async () => {
    const token = rawToken({ typ: 'JWT' }, claims(), 'c2ln');
    expect((await refusal(both, token)).reason).toBe('malformed');
  });

  it('refuses algorithm confusion: HS256 keyed with the public key never meets the public key', async () => {
    // The classic attack: HMAC the token with the (public) verification key as the secret.
    for (const publicText of [keys.publicPem, keys.publicJwk]) {
      const forged = await sign(claims({ role: 'admin' }), 'HS256', publicText.padEnd(32));
      const error = await refusal(edOnly, forged);
      expect(error.reason).toBe('wrong_algorithm');
      expect(error.message).toContain('"HS256"');
      expect(error.message).toContain('EdDSA');
      // With a secret configured, HS256 is checked against the secret only.
      expect((await refusal(both, forged)).reason).toBe('bad_signature');
    }
  });

  it('refuses an EdDSA token where only HS256 is configured, and the other way round', async () => {
    const ed = await sign(claims(), 'EdDSA', keys.privateKey);
    expect((await refusal(hsOnly, ed)).reason).toBe('wrong_algorithm');
    const hs = await sign(claims(), 'HS256', SECRET);
    expect((await refusal(edOnly, hs)).reason).toBe('wrong_algorithm');
  });

  it('refuses other algorithms, even with the right secret', async () => {
    const token = await sign(claims(), 'HS512', SECRET + SECRET);
    expect((await refusal(both, token)).reason).toBe('wrong_algorithm');
    const rs = rawToken({ alg: 'RS256' }, claims(), 'c2ln');
    expect((await refusal(both, rs)).reason).toBe('wrong_algorithm');
  });
});

describe('verifyToken: issuer and audience', () => {
  let strict: VerifyToken;
  beforeAll(async () => {
    strict = await createTokenVerifier({
      secret: SECRET,
      issuer: 'twinbench-admin',
      audience: 'twinbench-relay',
      now: () => NOW_MS,
    });
  });
  const good = { iss: 'twinbench-admin', aud: 'twinbench-relay' };

  it('accepts the configured issuer and audience, also within an audience list', async () => {
    await expect(strict(await sign(claims(good), 'HS256', SECRET))).resolves.toMatchObject({
      subject: 'alice',
    });
    const listed = claims({ ...good, aud: ['other', 'twinbench-relay'] });
    await expect(strict(await sign(listed, 'HS256', SECRET))).resolves.toMatchObject({
      subject: 'alice',
    });
  });

  it('refuses another issuer, or none, as wrong_issuer', async () => {
    const other = await refusal(
      strict,
      await sign(claims({ ...good, iss: 'mallory' }), 'HS256', SECRET),
    );
    expect(other.reason).toBe('wrong_issuer');
    expect(other.message).toContain('"mallory"');
    expect(other.message).toContain('"twinbench-admin"');
    const none = await refusal(strict, await sign(claims({ aud: good.aud }), 'HS256', SECRET));
    expect(none.reason).toBe('wrong_issuer');
  });

  it('refuses another audience, or none, as wrong_audience', async () => {
    const other = await refusal(
      strict,
      await sign(claims({ ...good, aud: 'grafana' }), 'HS256', SECRET),
    );
    expect(other.reason).toBe('wrong_audience');
    expect(other.message).toContain('"grafana"');
    const none = await refusal(strict, await sign(claims({ iss: good.iss }), 'HS256', SECRET));
    expect(none.reason).toBe('wrong_audience');
  });

  it('ignores iss and aud when none is configured', async () => {
    const token = await sign(claims({ iss: 'anyone', aud: 'anything' }), 'HS256', SECRET);
    await expect(hsOnly(token)).resolves.toMatchObject({ subject: 'alice' });
  });

  it('checks the signature before the claims, so forged claims learn nothing', async () => {
    const forged = await sign(claims({ iss: 'mallory', exp: NOW_S - 9999 }), 'HS256', OTHER_SECRET);
    expect((await refusal(strict, forged)).reason).toBe('bad_signature');
  });
});

describe('verifyToken: topics claim', () => {
  it('reads a list of filters as narrowing both directions', async () => {
    const token = await sign(claims({ topics: ['twinbench/footbridge/#'] }), 'HS256', SECRET);
    await expect(hsOnly(token)).resolves.toMatchObject({
      topics: { subscribe: ['twinbench/footbridge/#'], publish: ['twinbench/footbridge/#'] },
    });
  });

  it('reads per-direction filters, leaving a missing direction unnarrowed', async () => {
    const token = await sign(claims({ topics: { publish: [] } }), 'HS256', SECRET);
    await expect(hsOnly(token)).resolves.toMatchObject({
      topics: { subscribe: null, publish: [] },
    });
  });

  it('refuses an invalid topics claim as malformed, naming the bad filter', async () => {
    const token = await sign(claims({ topics: ['ok/#', 'a/#/b'] }), 'HS256', SECRET);
    const error = await refusal(hsOnly, token);
    expect(error.reason).toBe('malformed');
    expect(error.message).toContain(`topics[1]: "a/#/b" is not a valid filter: '#' must be last`);
    const wrongShape = await sign(claims({ topics: 'a/#' }), 'HS256', SECRET);
    expect((await refusal(hsOnly, wrongShape)).reason).toBe('malformed');
  });
});

describe('createTokenVerifier settings', () => {
  it('needs at least one key', async () => {
    const error = await rejectionOf(createTokenVerifier({}));
    expect(error).toBeInstanceOf(AuthConfigError);
    expect(error).toMatchObject({ reason: 'invalid_value' });
  });

  it('refuses a secret shorter than 32 bytes and says how to make one', async () => {
    const error = await rejectionOf(createTokenVerifier({ secret: 'hunter2' }));
    expect(error).toMatchObject({ reason: 'invalid_secret' });
    expect(error.message).toContain('openssl rand -base64 32');
  });

  it('refuses a negative clock tolerance', async () => {
    const error = await rejectionOf(
      createTokenVerifier({ secret: SECRET, clockToleranceSeconds: -1 }),
    );
    expect(error).toMatchObject({ reason: 'invalid_value' });
  });

  it('refuses an unusable public key', async () => {
    const error = await rejectionOf(createTokenVerifier({ publicKey: 'ssh-ed25519 AAAA' }));
    expect(error).toMatchObject({ reason: 'invalid_key' });
  });
});
