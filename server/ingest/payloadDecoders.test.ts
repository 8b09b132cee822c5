import { encode as encodeMsgpack } from '@msgpack/msgpack';
import { encode as encodeCbor } from 'cborg';
import { describe, expect, it } from 'vitest';
import { decodeCbor, decodeJson, DecodeFailure, decodeMsgpack } from './payloadDecoders.ts';

const text = (s: string) => new TextEncoder().encode(s);

describe('payload decoders', () => {
  it('decode JSON, CBOR and MessagePack to the same tree', () => {
    const value = { t: 5, v: [1.5, 2], meta: { id: 'p1' } };
    expect(decodeJson(text(JSON.stringify(value)))).toEqual(value);
    expect(decodeCbor(encodeCbor(value))).toEqual(value);
    expect(decodeMsgpack(encodeMsgpack(value))).toEqual(value);
  });

  it('turn undecodable bytes into a DecodeFailure that says which format', () => {
    const failures = [
      decodeJson(text('{"t":')),
      decodeCbor(new Uint8Array()),
      decodeCbor(encodeCbor({ a: 'long enough string' }).subarray(0, 5)),
      decodeMsgpack(encodeMsgpack({ a: 1 }).subarray(0, 2)),
      decodeMsgpack(new Uint8Array([0xc1])),
    ];
    for (const failure of failures) expect(failure).toBeInstanceOf(DecodeFailure);
    expect((failures[0] as DecodeFailure).message).toMatch(/^payload is not JSON: /);
    expect((failures[4] as DecodeFailure).message).toContain('not a MessagePack type');
  });

  it('keep __proto__ keys from becoming prototypes', () => {
    const json = decodeJson(text('{"__proto__": {"polluted": 1}}'));
    expect(Object.getPrototypeOf(json)).toBe(Object.prototype);
    expect(decodeMsgpack(new Uint8Array([0x81, 0xa9, ...text('__proto__'), 0x01]))).toBeInstanceOf(
      DecodeFailure,
    );
    const cbor = decodeCbor(new Uint8Array([0xa1, 0x69, ...text('__proto__'), 0x01]));
    expect(Object.getPrototypeOf(cbor)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
