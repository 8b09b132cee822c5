import { describe, expect, it } from 'vitest';
import { createRandom } from '../twin/random.ts';
import {
  MAX_ENABLE_CAPABILITIES,
  SERVER_BINARY_OPCODE,
  TWINBENCH_CLOSE_CODES,
  encodeClientMessageData,
  encodeLosslessBatch,
  encodeMessageData,
  encodeSampleBatch,
  encodeTime,
  parseClientBinary,
  parseClientJson,
  parseServerBinary,
  parseServerJson,
  setMessageDataHeader,
  setNanosFromMs,
  type FoxgloveParse,
} from './foxglove.ts';
import { msToNs } from './nanoTime.ts';

/** The u64 setNanosFromMs writes for `ms`. */
function nanosOf(ms: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  setNanosFromMs(view, 0, ms);
  return view.getBigUint64(0, true);
}

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
    const count = 1000;
    const columns = {
      count,
      subscriptionIds: Uint32Array.from({ length: count }, (_, i) => i % 17),
      deviceTimesMs: Float64Array.from({ length: count }, (_, i) => 1_763_860_000_000 + i * 10.25),
      receiveTimesMs: Float64Array.from({ length: count }, (_, i) => 1_763_860_000_003 + i * 10),
      values: Float64Array.from({ length: count }, (_, i) => Math.sin(i) * 1e-3),
    };
    const frame = encodeSampleBatch(columns);
    expect(frame.byteLength).toBe(5 + 28 * 1000);
    const parsed = parseServerBinary(frame);
    expect(parsed.ok && parsed.message).toEqual({
      op: 'sampleBatch',
      samples: Array.from({ length: count }, (_, i) => ({
        subscriptionId: columns.subscriptionIds[i],
        deviceTime: msToNs(columns.deviceTimesMs[i]!),
        receiveTime: msToNs(columns.receiveTimesMs[i]!),
        value: columns.values[i],
      })),
    });
  });

  it('writes ms as u64 ns exactly as msToNs does, without BigInt', () => {
    const random = createRandom(7);
    const misses: number[] = [];
    const check = (ms: number) => {
      if (nanosOf(ms) !== msToNs(ms)) misses.push(ms);
    };
    for (let i = 0; i < 20_000; i++) {
      check(1_600_000_000_000 + random.uniform() * 200_000_000_000);
      check(Number((random.uniform() * 10 ** (1 + (i % 12))).toFixed(i % 7)));
    }
    for (const ms of [0, 1e-6, 0.9999996, 4294.967296, 4294967.296, 2 ** 32, 2 ** 53 / 1e6]) {
      check(ms);
    }
    expect(misses).toEqual([]);
  });

  it('clamps times a u64 of ns cannot hold instead of throwing', () => {
    expect(nanosOf(-1)).toBe(0n);
    expect(nanosOf(Number.NaN)).toBe(0n);
    expect(nanosOf(Infinity)).toBe(2n ** 64n - 1n);
    expect(nanosOf(1e300)).toBe(2n ** 64n - 1n);
    // The last ms that fits: 2^64 - 1 ns is 18446744073709.551615 ms.
    expect(nanosOf(18_446_744_073_709)).toBe(18_446_744_073_709_000_000n);
  });

  it('writes a message data header with the timestamp given in ms', () => {
    const payload = Uint8Array.from([7]);
    const frame = new Uint8Array(14);
    setMessageDataHeader(new DataView(frame.buffer), 0, 42, 1_700_000_000_000.5);
    frame.set(payload, 13);
    expect(frame).toEqual(encodeMessageData(42, msToNs(1_700_000_000_000.5), payload));
  });

  it('reports truncated or unknown frames instead of throwing', () => {
    const batch = encodeSampleBatch({
      count: 1,
      subscriptionIds: [1],
      deviceTimesMs: [1],
      receiveTimesMs: [2],
      values: [3],
    });
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
    expectError(parseClientJson('[1]'), /JSON object with a string "op"/);
  });

  it('cuts a long unknown op short in the error instead of echoing it', () => {
    const result = parseClientJson(JSON.stringify({ op: 'x'.repeat(10_000) }));
    expect(!result.ok && result.error.length).toBeLessThan(200);
  });

  it('accepts twinbench.enable with a list of capability names', () => {
    const parsed = parseClientJson(
      '{"op":"twinbench.enable","capabilities":["twinbench.sampleBatch","other"]}',
    );
    expect(parsed.ok && parsed.message).toEqual({
      op: 'twinbench.enable',
      capabilities: ['twinbench.sampleBatch', 'other'],
    });
    expectError(parseClientJson('{"op":"twinbench.enable","capabilities":"all"}'), /array/);
    expectError(
      parseClientJson(
        JSON.stringify({
          op: 'twinbench.enable',
          capabilities: Array.from({ length: MAX_ENABLE_CAPABILITIES + 1 }, () => 'a'),
        }),
      ),
      /at most 32/,
    );
  });

  it('accepts twinbench.timeSync with a number or string id and a finite client time', () => {
    const parsed = parseClientJson('{"op":"twinbench.timeSync","id":"s1","clientTime":12.5}');
    expect(parsed.ok && parsed.message).toEqual({
      op: 'twinbench.timeSync',
      id: 's1',
      clientTime: 12.5,
    });
    expect(parseClientJson('{"op":"twinbench.timeSync","id":3,"clientTime":0}').ok).toBe(true);
    expectError(parseClientJson('{"op":"twinbench.timeSync","id":{},"clientTime":1}'), /\.id/);
    expectError(
      parseClientJson('{"op":"twinbench.timeSync","id":1,"clientTime":"now"}'),
      /clientTime must be a finite number/,
    );
  });
});

describe('Foxglove WebSocket v1 server JSON', () => {
  it('reads the ops the relay sends and refuses others', () => {
    const parsed = parseServerJson('{"op":"status","level":1,"message":"hi"}');
    expect(parsed.ok && parsed.message).toEqual({ op: 'status', level: 1, message: 'hi' });
    expect(parseServerJson('{"op":"twinbench.timeSyncReply","id":1}').ok).toBe(true);
    expectError(parseServerJson('{"op":"dance"}'), /unknown text message/);
    expectError(parseServerJson('nope'), /non-JSON/);
  });
});

describe('Twinbench lossless delivery', () => {
  it('lays out a lossless batch as 0x82, u32 seq, u32 dropped, u32 count and sample-batch samples', () => {
    const frame = encodeLosslessBatch(7, 3, {
      count: 2,
      subscriptionIds: [1, 2],
      deviceTimesMs: [1000, 2000.5],
      receiveTimesMs: [1001, 2001],
      values: [1.5, -2],
    });
    expect(Array.from(frame.subarray(0, 13))).toEqual([
      SERVER_BINARY_OPCODE.losslessBatch,
      7,
      0,
      0,
      0,
      3,
      0,
      0,
      0,
      2,
      0,
      0,
      0,
    ]);
    const parsed = parseServerBinary(frame);
    expect(parsed.ok && parsed.message).toEqual({
      op: 'losslessBatch',
      seq: 7,
      dropped: 3,
      samples: [
        { subscriptionId: 1, deviceTime: msToNs(1000), receiveTime: msToNs(1001), value: 1.5 },
        { subscriptionId: 2, deviceTime: msToNs(2000.5), receiveTime: msToNs(2001), value: -2 },
      ],
    });
    const empty = encodeLosslessBatch(8, 0, {
      count: 0,
      subscriptionIds: [],
      deviceTimesMs: [],
      receiveTimesMs: [],
      values: [],
    });
    expect(parseServerBinary(empty)).toEqual({
      ok: true,
      message: { op: 'losslessBatch', seq: 8, dropped: 0, samples: [] },
    });
    expectError(parseServerBinary(frame.subarray(0, 20)), /lossless batch says 2 samples/);
    expectError(parseServerBinary(frame.subarray(0, 5)), /shorter than its header/);
  });

  it('accepts twinbench.policy for the session or listed subscriptions, and twinbench.ack', () => {
    expect(parseClientJson('{"op":"twinbench.policy","policy":"lossless"}')).toEqual({
      ok: true,
      message: { op: 'twinbench.policy', policy: 'lossless' },
    });
    expect(
      parseClientJson('{"op":"twinbench.policy","policy":"live-coalesce","subscriptionIds":[1,2]}'),
    ).toEqual({
      ok: true,
      message: { op: 'twinbench.policy', policy: 'live-coalesce', subscriptionIds: [1, 2] },
    });
    expect(parseClientJson('{"op":"twinbench.ack","seq":42}')).toEqual({
      ok: true,
      message: { op: 'twinbench.ack', seq: 42 },
    });
    expectError(parseClientJson('{"op":"twinbench.policy","policy":"fast"}'), /"live-drop"/);
    expectError(
      parseClientJson('{"op":"twinbench.policy","policy":"lossless","subscriptionIds":[-1]}'),
      /subscriptionIds/,
    );
    expectError(parseClientJson('{"op":"twinbench.ack","seq":-1}'), /twinbench.ack.seq/);
  });

  it('shares the relay close codes', () => {
    expect(TWINBENCH_CLOSE_CODES.controlQueueOverflow).toBe(4008);
    expect(TWINBENCH_CLOSE_CODES.losslessStalled).toBe(4009);
  });
});
