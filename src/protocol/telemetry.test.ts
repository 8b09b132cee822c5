import { describe, expect, it } from 'vitest';
import { parseTelemetry } from './telemetry.ts';

describe('parseTelemetry', () => {
  it('reads {"t", "v"} from bytes or text', () => {
    const payload = { t: 1_700_000_000_000, v: -1.25 };
    expect(parseTelemetry(JSON.stringify(payload))).toEqual({ ok: true, payload });
    expect(parseTelemetry(new TextEncoder().encode(JSON.stringify(payload)))).toEqual({
      ok: true,
      payload,
    });
  });

  it('keeps a channel field when given', () => {
    expect(parseTelemetry('{"t":1,"v":2,"channel":"acc.z.L50"}')).toEqual({
      ok: true,
      payload: { t: 1, v: 2, channel: 'acc.z.L50' },
    });
  });

  it('reports malformed payloads without throwing', () => {
    const bad = [
      'not json',
      '',
      'null',
      '42',
      '{"v":1}',
      '{"t":0,"v":1}',
      '{"t":-5,"v":1}',
      '{"t":"1700000000000","v":1}',
      '{"t":1,"v":"1.5"}',
      '{"t":1}',
      '{"t":1,"v":1,"channel":""}',
      '{"t":1,"v":1,"channel":5}',
      '{"t":1e400,"v":1}',
    ];
    for (const text of bad) {
      const result = parseTelemetry(text);
      expect(result.ok, text).toBe(false);
      expect(!result.ok && result.error.length, text).toBeGreaterThan(0);
    }
    expect(parseTelemetry(new Uint8Array([0xff, 0xfe, 0x00]))).toMatchObject({ ok: false });
  });
});
