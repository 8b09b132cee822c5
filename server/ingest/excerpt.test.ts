import { describe, expect, it } from 'vitest';
import { payloadExcerpt } from './excerpt.ts';

describe('payloadExcerpt', () => {
  it('keeps printable UTF-8 as text, cut at 256 bytes', () => {
    expect(payloadExcerpt(new TextEncoder().encode('{"t": 1,\n "v": "é"}'))).toEqual({
      excerpt: '{"t": 1,\n "v": "é"}',
      excerptKind: 'text',
    });
    const long = payloadExcerpt(new TextEncoder().encode('x'.repeat(1000)));
    expect(long.excerpt).toHaveLength(256);
  });

  it('drops a multi-byte character split by the cut rather than switching to hex', () => {
    const bytes = new TextEncoder().encode(`${'x'.repeat(255)}€€`);
    expect(payloadExcerpt(bytes)).toEqual({ excerpt: 'x'.repeat(255), excerptKind: 'text' });
  });

  it('shows binary and control characters as hex', () => {
    expect(payloadExcerpt(new Uint8Array([0, 1, 0xff]))).toEqual({
      excerpt: '0001ff',
      excerptKind: 'hex',
    });
    expect(payloadExcerpt(new Uint8Array(300)).excerpt).toHaveLength(512);
    expect(payloadExcerpt(new TextEncoder().encode('a\u0007b')).excerptKind).toBe('hex');
  });
});
