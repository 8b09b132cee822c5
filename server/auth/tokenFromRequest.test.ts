import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { redactToken, tokenFromRequest } from './tokenFromRequest.ts';

describe('tokenFromRequest', () => {
  it('reads a bearer Authorization header, any case, surrounding blanks ignored', () => {
    for (const value of ['Bearer abc.def.ghi', 'bearer abc.def.ghi', 'BEARER   abc.def.ghi  ']) {
      expect(tokenFromRequest({ headers: { authorization: value }, url: '/ws' })).toBe(
        'abc.def.ghi',
      );
    }
    expect(tokenFromRequest({ headers: { Authorization: 'Bearer t' } })).toBe('t');
  });

  it('reads the token query parameter (browsers cannot set WebSocket headers)', () => {
    expect(tokenFromRequest({ headers: {}, url: '/ws?token=abc.def.ghi' })).toBe('abc.def.ghi');
    expect(tokenFromRequest({ headers: {}, url: '/ws?x=1&token=a%2Eb&y=2' })).toBe('a.b');
  });

  it('prefers the header when both are present', () => {
    const req = { headers: { authorization: 'Bearer header' }, url: '/ws?token=query' };
    expect(tokenFromRequest(req)).toBe('header');
  });

  it('falls back to the query when the Authorization header is another scheme', () => {
    const req = { headers: { authorization: 'Basic dXNlcjpwdw==' }, url: '/ws?token=query' };
    expect(tokenFromRequest(req)).toBe('query');
    expect(tokenFromRequest({ headers: { authorization: 'Basic dXNlcjpwdw==' } })).toBeNull();
  });

  it('returns null when there is no token', () => {
    expect(tokenFromRequest({ headers: {}, url: '/ws' })).toBeNull();
    expect(tokenFromRequest({ headers: {} })).toBeNull();
    expect(tokenFromRequest({ headers: {}, url: '/ws?token=' })).toBeNull();
    expect(
      tokenFromRequest({ headers: { authorization: 'Bearer' }, url: '/ws?tokens=x' }),
    ).toBeNull();
    expect(tokenFromRequest({ headers: { authorization: 'Bearer a b' } })).toBeNull();
  });

  it('accepts a Node IncomingMessage', () => {
    const req = { headers: { authorization: 'Bearer t' }, url: '/ws' } as IncomingMessage;
    expect(tokenFromRequest(req)).toBe('t');
  });

  it('takes the first value of a repeated header', () => {
    expect(tokenFromRequest({ headers: { authorization: ['Bearer one', 'Bearer two'] } })).toBe(
      'one',
    );
  });
});

describe('redactToken', () => {
  it('hides the token in a URL for logging', () => {
    expect(redactToken('/ws?token=abc.def&x=1')).toBe('/ws?token=***&x=1');
    expect(redactToken('/ws?x=1&TOKEN=abc#frag')).toBe('/ws?x=1&TOKEN=***#frag');
    expect(redactToken('/ws')).toBe('/ws');
  });
});
