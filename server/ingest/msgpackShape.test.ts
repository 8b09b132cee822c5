import { encode as encodeMsgpack } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { msgpackShapeProblem } from './msgpackShape.ts';
import { decodeMsgpack, DecodeFailure } from './payloadDecoders.ts';

describe('msgpackShapeProblem', () => {
  it('refuses a tiny payload that announces huge nested arrays, so the decoder never allocates them', () => {
    // Decoded as is, 20 000 nested `array16 0xffff` headers (60 kB) allocate ~10 GB.
    const bomb = new Uint8Array(60_000);
    for (let i = 0; i < bomb.length; i += 3) bomb.set([0xdc, 0xff, 0xff], i);
    expect(msgpackShapeProblem(bomb)).toContain('truncated');
    expect(decodeMsgpack(bomb)).toBeInstanceOf(DecodeFailure);
  });

  it('walks every type the encoder writes, and nothing after the message', () => {
    const value = {
      ints: [
        0,
        127,
        128,
        255,
        256,
        65535,
        65536,
        2 ** 32,
        -1,
        -32,
        -33,
        -128,
        -129,
        -32768,
        -32769,
        -(2 ** 31) - 1,
      ],
      floats: [0.5, 1e300],
      strings: ['', 'x'.repeat(31), 'y'.repeat(32), 'z'.repeat(256), 'w'.repeat(65536)],
      bin: [new Uint8Array(3), new Uint8Array(256), new Uint8Array(65536)],
      flags: [true, false, null],
      big: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i])),
      long: Array.from({ length: 20 }, (_, i) => i),
      time: new Date(1714564800000),
    };
    const bytes = encodeMsgpack(value);
    expect(msgpackShapeProblem(bytes)).toBeUndefined();
    expect(msgpackShapeProblem(new Uint8Array([...bytes, 0]))).toContain('extra bytes');
    expect(decodeMsgpack(bytes)).toEqual(value);
  });
});
