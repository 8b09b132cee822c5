import { describe, expect, it } from 'vitest';
import { AuthConfigError } from './authErrors.ts';
import { describeAuthMode, isLoopbackHost, resolveAuthMode } from './authMode.ts';

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST', '::ffff:127.0.0.1'])(
    '%s is loopback',
    (host) => expect(isLoopbackHost(host)).toBe(true),
  );

  it.each([
    '0.0.0.0',
    '::',
    '',
    '192.168.1.10',
    '10.0.0.1',
    'example.com',
    'localhost.example.com',
    '128.0.0.1',
    '127.0.0.1.nip.io',
  ])('%j is not loopback', (host) => expect(isLoopbackHost(host)).toBe(false));
});

describe('resolveAuthMode', () => {
  it('lets anyone in as operator on loopback without keys, and says so loudly', () => {
    const mode = resolveAuthMode({ host: '127.0.0.1', algorithms: [] });
    expect(mode).toEqual({ kind: 'anonymous', role: 'operator', host: '127.0.0.1' });
    expect(describeAuthMode(mode)).toBe(
      'AUTH DISABLED: anyone on this machine can connect as operator (no token key is set and the relay listens on loopback 127.0.0.1). Set TWINBENCH_JWT_SECRET or TWINBENCH_JWT_PUBLIC_KEY to require tokens.',
    );
  });

  it('gives anonymous clients the configured role', () => {
    const mode = resolveAuthMode({ host: 'localhost', algorithms: [], anonymousRole: 'operator' });
    expect(mode).toMatchObject({ kind: 'anonymous', role: 'operator' });
    expect(describeAuthMode(mode)).toContain('connect as operator');
  });

  it('refuses to start open on 0.0.0.0 without keys, saying what to set', () => {
    let error: unknown;
    try {
      resolveAuthMode({ host: '0.0.0.0', algorithms: [] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AuthConfigError);
    expect(error).toMatchObject({ reason: 'insecure_bind' });
    const message = (error as Error).message;
    expect(message).toContain('0.0.0.0');
    expect(message).toContain('TWINBENCH_JWT_SECRET');
    expect(message).toContain('TWINBENCH_JWT_PUBLIC_KEY');
    expect(message).toContain('127.0.0.1');
    expect(() => resolveAuthMode({ host: '::', algorithms: [] })).toThrow(AuthConfigError);
  });

  it('requires tokens whenever a key is set, on loopback too', () => {
    for (const host of ['127.0.0.1', '0.0.0.0']) {
      const mode = resolveAuthMode({ host, algorithms: ['HS256'] });
      expect(mode).toEqual({ kind: 'token', algorithms: ['HS256'], host });
    }
    const mode = resolveAuthMode({ host: '0.0.0.0', algorithms: ['HS256', 'EdDSA'] });
    expect(describeAuthMode(mode)).toBe(
      'Auth: clients must present a token signed with HS256 or EdDSA (?token= or Authorization: Bearer).',
    );
  });
});
