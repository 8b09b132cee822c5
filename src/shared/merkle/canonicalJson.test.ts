import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalJsonBytes, CanonicalJsonError } from './canonicalJson.ts';

describe('canonicalJson', () => {
  it('sorts keys at every level and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: null, y: true }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":true,"z":null}]},"b":1}',
    );
  });

  it('gives one encoding for equal values however they were built', () => {
    const a = JSON.parse('{"lr": 0.001, "steps": 200, "name": "adam"}') as unknown;
    const b = { name: 'adam', steps: 2e2, lr: 1e-3 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
  });

  it('sorts keys by UTF-16 code unit and writes numbers in shortest form (RFC 8785)', () => {
    // RFC 8785 §3.2.3's sorting example: "\r", "1", "€", "ö", "😀" (surrogates sort before U+FB33).
    const value = { '\u20ac': 1, '\r': 2, '\ufb33': 3, '1': 4, '\ud83d\ude00': 5, '\u00f6': 6 };
    expect(canonicalJson(value)).toBe('{"\\r":2,"1":4,"ö":6,"€":1,"😀":5,"\ufb33":3}');
    expect(canonicalJson([1e21, 1e-7, 0.1 + 0.2, -0, 1 / 3])).toBe(
      '[1e+21,1e-7,0.30000000000000004,0,0.3333333333333333]',
    );
  });

  it('encodes as UTF-8', () => {
    expect([...canonicalJsonBytes({ é: '😀' })]).toEqual([
      0x7b, 0x22, 0xc3, 0xa9, 0x22, 0x3a, 0x22, 0xf0, 0x9f, 0x98, 0x80, 0x22, 0x7d,
    ]);
  });

  it('names the path of values JSON cannot hold', () => {
    const cases: [unknown, string][] = [
      [{ a: [1, Number.NaN] }, 'value.a[1] is NaN'],
      [{ gains: { kp: Infinity } }, 'value.gains.kp is Infinity'],
      [{ 'odd key': undefined }, 'value["odd key"] is undefined'],
      [{ at: new Date(0) }, 'value.at is Date'],
      [{ big: 1n }, 'value.big is bigint'],
      [{ s: 'a\ud800' }, 'value.s has an unpaired UTF-16 surrogate'],
    ];
    for (const [value, message] of cases) {
      expect(() => canonicalJson(value)).toThrow(message);
    }
  });

  it('stops at cycles and very deep nesting', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => canonicalJson(cycle)).toThrow(CanonicalJsonError);
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = [deep];
    expect(() => canonicalJson(deep)).toThrow('nested more than 32 levels');
  });
});
