import { describe, expect, it } from 'vitest';
import {
  encodeClientMessageData,
  encodeMessageData,
  encodeSampleBatch,
  encodeTime,
  parseClientBinary,
  parseClientJson,
  parseServerBinary,
  type FoxgloveParse,
} from './foxglove.ts';
import { msToNs } from './nanoTime.ts';

function expectError(result: FoxgloveParse<unknown>, pattern: RegExp | string): void {
  expect(result.ok).toBe(false);
  if (!result.ok) expect(result.error).toMatch(pattern);
}

describe('Foxglove WebSocket v1 binary frames', () => {
  it('lays out message data as opcode 0x01, u32 subscription, u64 ns timestamp, payload (little-endian)', () => {
    const frame = encodeMessageData(0x01020304, 0x1122334455667788n, Uint8Array.from([9, 8]));
    expect(Array.from(frame)).toEqual([
      0x01, 0x04, 0x03, 0x02, 0x01, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 9, 8,
    ]);
    const parsed = parseServerBinary(frame);
    expect(parsed.ok && parsed.message).toEqual({
      op: 'messageData',
      subscriptionId: 0x01020304,
      timestamp: 0x1122334455667788n,
      payload: Uint8Array.from([9, 8]),
    });
  });

  it('lays out time as opcode 0x02 and a u64 ns timestamp', () => {
    expect(Array.from(encodeTime(258n))).toEqual([0x02, 2, 1, 0, 0, 0, 0, 0, 0]);
    const parsed = parseServerBinary(encodeTime(258n));
    expect(parsed.ok && parsed.message).toEqual({ op: 'time', timestamp: 258n });
  });

  it('round-trips a Twinbench sample batch of 1000 samples exactly', () => {
    const samples = Array.from({ length: 1000 }, (_, i) => ({
      subscriptionId: i % 17,
      deviceTime: msToNs(1_763_860_000_000 + i * 10.25),
      receiveTime: msToNs(1_763_860_000_003 + i * 10),
      value: Math.sin(i) * 1e-3,
    }));
    const frame = encodeSampleBatch(samples);
    expect(frame.byteLength).toBe(5 + 28 * 1000);
    const parsed = parseServerBinary(frame);
    expect(parsed.ok && parsed.message).toEqual({ op: 'sampleBatch', samples });
  });

  it('reports truncated or unknown frames instead of throwing', () => {
    const batch = encodeSampleBatch([
      { subscriptionId: 1, deviceTime: 1n, receiveTime: 2n, value: 3 },
    ]);
    expectError(parseServerBinary(batch.subarray(0, batch.byteLength - 1)), /says 1 samples/);
    expectError(parseServerBinary(Uint8Array.from([0x01, 0, 0])), /at least 13/);
    expectError(parseServerBinary(Uint8Array.from([0x7f])), 'unknown server binary opcode 0x7f');
    expectError(parseServerBinary(new Uint8Array()), /empty/);
  });

  it('parses client message data (opcode 0x01, u32 channel, payload)', () => {
    const parsed = parseClientBinary(
      encodeClientMessageData(7, new TextEncoder().encode('{"x":1}')),
    );
    expect(parsed.ok && parsed.message.channelId).toBe(7);
    expect(parsed.ok && new TextDecoder().decode(parsed.message.payload)).toBe('{"x":1}');
    expectError(parseClientBinary(Uint8Array.from([0x02, 0, 0, 0, 0])), /only 0x01/);
  });
});

describe('Foxglove WebSocket v1 client JSON', () => {
  it('accepts subscribe, unsubscribe, advertise and unadvertise', () => {
    const subscribe = parseClientJson(
      '{"op":"subscribe","subscriptions":[{"id":0,"channelId":3},{"id":1,"channelId":5}]}',
    );
    expect(subscribe.ok && subscribe.message).toEqual({
      op: 'subscribe',
      subscriptions: [
        { id: 0, channelId: 3 },
        { id: 1, channelId: 5 },
      ],
    });
    expect(parseClientJson('{"op":"unsubscribe","subscriptionIds":[0,1]}').ok).toBe(true);
    expect(
      parseClientJson(
        '{"op":"advertise","channels":[{"id":1,"topic":"cmd","encoding":"json","schemaName":"Cmd"}]}',
      ).ok,
    ).toBe(true);
    expect(parseClientJson('{"op":"unadvertise","channelIds":[1]}').ok).toBe(true);
  });

  it('refuses malformed messages with a reason', () => {
    expectError(parseClientJson('{nope'), /^not JSON/);
    expectError(
      parseClientJson('{"op":"subscribe","subscriptions":[{"id":-1,"channelId":3}]}'),
      /unsigned 32-bit/,
    );
    expectError(
      parseClientJson(
        '{"op":"subscribe","subscriptions":[{"id":1,"channelId":3},{"id":1,"channelId":4}]}',
      ),
      /reuses a subscription id/,
    );
    expectError(parseClientJson('{"op":"getParameters"}'), /unsupported op/);
  });
});
