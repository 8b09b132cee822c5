import { describe, expect, it } from 'vitest';
import { compileAccessor, parseFieldPath } from './fieldPath.ts';

function accessor(path: string) {
  const parsed = parseFieldPath(path);
  if (!parsed.ok) throw new Error(parsed.message);
  return compileAccessor(parsed.segments);
}

describe('field paths', () => {
  const payload = { a: { b: [10, { c: 20 }], 'x.y': 1, 'p/q': 2, '~t': 3 }, n: 5 };

  it('reads dot paths, with numbers indexing arrays', () => {
    expect(accessor('n')(payload)).toBe(5);
    expect(accessor('a.b.0')(payload)).toBe(10);
    expect(accessor('a.b.1.c')(payload)).toBe(20);
    expect(accessor('a.b.2')(payload)).toBeUndefined();
  });

  it('reads JSON pointers, with ~1 and ~0 escapes and "" for the whole payload', () => {
    expect(accessor('/a/b/1/c')(payload)).toBe(20);
    expect(accessor('/a/x.y')(payload)).toBe(1);
    expect(accessor('/a/p~1q')(payload)).toBe(2);
    expect(accessor('/a/~0t')(payload)).toBe(3);
    expect(accessor('')(payload)).toBe(payload);
  });

  it('reads own keys only, never the prototype', () => {
    expect(accessor('constructor')({})).toBeUndefined();
    expect(accessor('__proto__')({})).toBeUndefined();
    expect(accessor('a.toString')({ a: {} })).toBeUndefined();
    expect(accessor('length')([1, 2])).toBeUndefined();
    const parsed = JSON.parse('{"__proto__": {"x": 7}}') as unknown;
    expect(accessor('__proto__.x')(parsed)).toBe(7);
  });

  it('gives undefined for anything absent or not a container', () => {
    expect(accessor('a.b.c.d')(payload)).toBeUndefined();
    expect(accessor('n.x')(payload)).toBeUndefined();
    expect(accessor('x')(null)).toBeUndefined();
    expect(accessor('0')('abc')).toBeUndefined();
    expect(accessor('01')([1, 2])).toBeUndefined();
    expect(accessor('1')(new Float32Array([1, 2]))).toBe(2);
  });

  it('refuses empty dot segments and bad pointer escapes', () => {
    expect(parseFieldPath('a..b')).toMatchObject({ ok: false });
    expect(parseFieldPath('.a')).toMatchObject({ ok: false });
    expect(parseFieldPath('/a~2')).toMatchObject({ ok: false });
    expect(parseFieldPath('/a~')).toMatchObject({ ok: false });
  });
});
