import { describe, expect, it } from 'vitest';
import {
  DELIVERY_POLICIES,
  MAX_CLIENT_MESSAGE_BYTES,
  RELAY_CLOSE_CODES,
  RELAY_PROTOCOL_VERSION,
  encodeMessage,
  parseClientMessage,
  parseServerMessage,
  parseTwinCommand,
  type ClientMessage,
} from './relay.ts';

const parse = (value: unknown) => parseClientMessage(JSON.stringify(value));

describe('parseClientMessage', () => {
  it('accepts every client message type', () => {
    const messages: ClientMessage[] = [
      { type: 'hello', protocol: RELAY_PROTOCOL_VERSION, client: 'test' },
      { type: 'subscribe', channels: '*' },
      { type: 'subscribe', channels: ['disp.z.L50'] },
      { type: 'unsubscribe', channels: ['disp.z.L50'] },
      { type: 'command', id: 'c1', command: { kind: 'setDamage', member: 3, health: 0.5 } },
      { type: 'command', id: 'c2', command: { kind: 'clearDamage' } },
    ];
    for (const message of messages) {
      expect(parseClientMessage(encodeMessage(message))).toEqual({ ok: true, message });
    }
  });

  it('reports malformed JSON without throwing', () => {
    const result = parseClientMessage('{"type": "subscribe", ');
    expect(result).toMatchObject({ ok: false, reason: 'malformed_json' });
    expect(parseClientMessage('')).toMatchObject({ ok: false, reason: 'malformed_json' });
  });

  it('rejects values that are not objects with a string type', () => {
    for (const value of [null, 42, 'hello', [], { type: 7 }, {}]) {
      expect(parse(value)).toMatchObject({ ok: false, reason: 'invalid_message' });
    }
  });

  it('names the known types when the type is unknown', () => {
    const result = parse({ type: 'publish' });
    expect(result).toMatchObject({ ok: false, reason: 'invalid_message' });
    expect(!result.ok && result.error).toContain('hello, subscribe, unsubscribe or command');
  });

  it('rejects another protocol version and says to reload', () => {
    const result = parse({ type: 'hello', protocol: RELAY_PROTOCOL_VERSION + 1, client: 'x' });
    expect(result).toMatchObject({ ok: false, reason: 'unsupported_protocol' });
    expect(!result.ok && result.error).toContain('reload');
    expect(parse({ type: 'hello', protocol: '1' })).toMatchObject({ reason: 'invalid_message' });
  });

  it('rejects messages over the size limit before parsing them', () => {
    const big = JSON.stringify({
      type: 'subscribe',
      channels: ['x'.repeat(MAX_CLIENT_MESSAGE_BYTES)],
    });
    expect(parseClientMessage(big)).toMatchObject({ ok: false, reason: 'message_too_large' });
  });

  it('rejects bad subscriptions', () => {
    expect(parse({ type: 'subscribe', channels: 'all' })).toMatchObject({ ok: false });
    expect(parse({ type: 'subscribe', channels: [1, 2] })).toMatchObject({ ok: false });
    expect(parse({ type: 'unsubscribe', channels: '*' })).toMatchObject({ ok: false });
  });

  it('rejects bad command ids and command values', () => {
    const bad = [
      { type: 'command', command: { kind: 'clearDamage' } },
      { type: 'command', id: '', command: { kind: 'clearDamage' } },
      { type: 'command', id: 'x'.repeat(101), command: { kind: 'clearDamage' } },
      { type: 'command', id: 'c', command: null },
      { type: 'command', id: 'c', command: { kind: 'explode' } },
      { type: 'command', id: 'c', command: { kind: 'setDamage', member: -1, health: 0.5 } },
      { type: 'command', id: 'c', command: { kind: 'setDamage', member: 1.5, health: 0.5 } },
      { type: 'command', id: 'c', command: { kind: 'setDamage', member: '3', health: 0.5 } },
      { type: 'command', id: 'c', command: { kind: 'setDamage', member: 3, health: 0 } },
      { type: 'command', id: 'c', command: { kind: 'setDamage', member: 3, health: 1.5 } },
      { type: 'command', id: 'c', command: { kind: 'setDamage', member: 3 } },
    ];
    for (const value of bad) {
      expect(parse(value), JSON.stringify(value)).toMatchObject({
        ok: false,
        reason: 'invalid_message',
      });
    }
  });

  it('keeps only the fields it knows and caps the client name', () => {
    const result = parse({
      type: 'hello',
      protocol: RELAY_PROTOCOL_VERSION,
      client: 'x'.repeat(500),
      extra: 1,
    });
    expect(result.ok && result.message).toEqual({
      type: 'hello',
      protocol: RELAY_PROTOCOL_VERSION,
      client: 'x'.repeat(200),
    });
  });
});

describe('parseTwinCommand', () => {
  it('returns the command or a sentence saying what is wrong', () => {
    expect(parseTwinCommand({ kind: 'setDamage', member: 0, health: 1 })).toEqual({
      kind: 'setDamage',
      member: 0,
      health: 1,
    });
    expect(parseTwinCommand({ kind: 'setDamage', member: 0, health: 2 })).toContain('(0, 1]');
  });
});

describe('parseServerMessage', () => {
  it('reads what encodeMessage writes and refuses unknown types', () => {
    const stats = { type: 'stats', sources: [], clients: 2, dropped: 0 } as const;
    expect(parseServerMessage(encodeMessage(stats))).toEqual({ ok: true, message: stats });
    expect(parseServerMessage('{"type":"nope"}')).toMatchObject({
      ok: false,
      reason: 'invalid_message',
    });
    expect(parseServerMessage('nope')).toMatchObject({ ok: false, reason: 'malformed_json' });
  });
});

describe('delivery policies and acknowledgements', () => {
  it('accepts a subscribe with each delivery policy, and without one', () => {
    for (const policy of DELIVERY_POLICIES) {
      const message: ClientMessage = { type: 'subscribe', channels: ['a'], policy };
      expect(parse(message)).toEqual({ ok: true, message });
    }
    expect(parse({ type: 'subscribe', channels: '*' })).toEqual({
      ok: true,
      message: { type: 'subscribe', channels: '*' },
    });
  });

  it('refuses an unknown policy and names the valid ones', () => {
    const result = parse({ type: 'subscribe', channels: '*', policy: 'best-effort' });
    expect(result).toMatchObject({ ok: false, reason: 'invalid_message' });
    expect(!result.ok && result.error).toContain('"live-drop", "live-coalesce", "lossless"');
  });

  it('accepts an ack of a non-negative integer seq and refuses others', () => {
    expect(parse({ type: 'ack', seq: 17 })).toEqual({
      ok: true,
      message: { type: 'ack', seq: 17 },
    });
    for (const seq of [-1, 1.5, '3', null, 2 ** 53]) {
      expect(parse({ type: 'ack', seq })).toMatchObject({ ok: false, reason: 'invalid_message' });
    }
  });

  it('uses close codes in the private range, one per reason', () => {
    const codes = Object.values(RELAY_CLOSE_CODES);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code >= 4000 && code <= 4999).toBe(true);
    expect(RELAY_CLOSE_CODES.controlQueueOverflow).toBe(4008);
  });
});
