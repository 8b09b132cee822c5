import { describe, expect, it } from 'vitest';
import { DEFAULT_AUTH_CONFIG, loadAuthConfig } from './authConfig.ts';
import { AuthConfigError } from './authErrors.ts';

describe('loadAuthConfig', () => {
  it('uses the defaults for an empty environment', () => {
    expect(loadAuthConfig({})).toEqual(DEFAULT_AUTH_CONFIG);
    expect(DEFAULT_AUTH_CONFIG).toEqual({
      secret: null,
      publicKey: null,
      issuer: null,
      audience: null,
      clockToleranceSeconds: 30,
      anonymousRole: 'operator',
    });
  });

  it('reads every variable, keeping the secret exactly as written', () => {
    expect(
      loadAuthConfig({
        TWINBENCH_JWT_SECRET: ' secret with blanks ',
        TWINBENCH_JWT_PUBLIC_KEY: ' {"kty":"OKP"} ',
        TWINBENCH_JWT_ISSUER: 'ops',
        TWINBENCH_JWT_AUDIENCE: 'relay',
        TWINBENCH_JWT_CLOCK_TOLERANCE_S: '5',
        TWINBENCH_ANONYMOUS_ROLE: 'operator',
      }),
    ).toEqual({
      secret: ' secret with blanks ',
      publicKey: '{"kty":"OKP"}',
      issuer: 'ops',
      audience: 'relay',
      clockToleranceSeconds: 5,
      anonymousRole: 'operator',
    });
  });

  it('treats empty variables as unset', () => {
    expect(loadAuthConfig({ TWINBENCH_JWT_SECRET: '', TWINBENCH_JWT_ISSUER: '  ' })).toEqual(
      DEFAULT_AUTH_CONFIG,
    );
  });

  it.each([
    [{ TWINBENCH_JWT_CLOCK_TOLERANCE_S: '-1' }, 'TWINBENCH_JWT_CLOCK_TOLERANCE_S="-1"'],
    [{ TWINBENCH_JWT_CLOCK_TOLERANCE_S: 'soon' }, 'give seconds'],
    [{ TWINBENCH_ANONYMOUS_ROLE: 'root' }, 'use viewer, operator, author, admin'],
    [{ TWINBENCH_JWT_PRIVATE_KEY: '{}' }, 'set TWINBENCH_JWT_PUBLIC_KEY to the public half'],
  ])('refuses %j', (env, message) => {
    expect(() => loadAuthConfig(env)).toThrow(AuthConfigError);
    expect(() => loadAuthConfig(env)).toThrow(message);
  });

  it('allows a private key beside a verification key (the same shell issues tokens)', () => {
    expect(
      loadAuthConfig({ TWINBENCH_JWT_PRIVATE_KEY: '{}', TWINBENCH_JWT_SECRET: 'x' }).secret,
    ).toBe('x');
  });
});
