import { describe, expect, it } from 'vitest';
import {
  encodeClientMessageData,
  parseServerBinary,
  parseServerJson,
} from '../../../src/protocol/foxglove.ts';
import { msToNs } from '../../../src/protocol/nanoTime.ts';
import { createRandom } from '../../../src/twin/random.ts';
import { createAcl } from '../../auth/acl.ts';
import { anonymousPrincipal } from '../../auth/principal.ts';
import { createMemoryLogger } from '../../logger.ts';
import { MockSocket } from '../../testing/mockSocket.ts';
import { DEFAULT_CLIENT_LIMITS, createClientLimits } from '../clientLimits.ts';
import { RelayHub } from '../relayHub.ts';
import { openFoxgloveSession, type FoxgloveSocket } from './foxgloveSession.ts';
import { MockFoxgloveSocket, recordingCommandSink } from './testing.ts';

const FRAMES = 100_000;
const T0 = 1_763_860_000_000;
const COMMAND_TOPIC = 'twinbench/footbridge/commands';
const encoder = new TextEncoder();

/** Keeps counts, not frames, and checks that everything the relay sends is readable. */
class CountingSocket implements FoxgloveSocket {
  bufferedAmount = 0;
  statuses = 0;
  text = 0;
  binary = 0;
  unreadable: string[] = [];

  send(data: string | Uint8Array): void {
    if (typeof data === 'string') {
      this.text++;
      const parsed = parseServerJson(data);
      if (!parsed.ok) this.unreadable.push(parsed.error);
      else if (parsed.message.op === 'status') this.statuses++;
    } else {
      this.binary++;
      const parsed = parseServerBinary(data);
      if (!parsed.ok) this.unreadable.push(parsed.error);
    }
  }
}

type Frame = { readonly text: string } | { readonly bytes: Uint8Array };

/** Seeded generator of hostile client frames: random, truncated, mistyped and valid ones. */
function frameMaker(seed: number) {
  const random = createRandom(seed);
  const int = (n: number) => Math.floor(random.uniform() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => int(256));
  const weird: readonly unknown[] = [
    -1,
    0,
    1,
    2,
    3,
    0.5,
    -0,
    2 ** 31,
    2 ** 32 - 1,
    2 ** 32,
    2 ** 53,
    2 ** 64,
    1e308,
    -1e308,
    '1',
    '',
    null,
    true,
    false,
    {},
    [],
    [1],
    { id: 1 },
    '__proto__',
    'constructor',
    'toString',
  ];
  const smallId = () => (random.uniform() < 0.8 ? int(8) : pick(weird));
  const ops = [
    'subscribe',
    'unsubscribe',
    'advertise',
    'unadvertise',
    'twinbench.enable',
    'twinbench.timeSync',
    'getParameters',
    '__proto__',
    'constructor',
    'hasOwnProperty',
    'status',
    '',
  ];
  const validText = (): string => {
    switch (int(7)) {
      case 0:
        return JSON.stringify({
          op: 'subscribe',
          subscriptions: Array.from({ length: 1 + int(3) }, () => ({
            id: int(8),
            channelId: int(5),
          })),
        });
      case 1:
        return JSON.stringify({ op: 'unsubscribe', subscriptionIds: [int(8), int(8)] });
      case 2:
        return JSON.stringify({
          op: 'advertise',
          channels: [
            {
              id: int(100),
              topic: pick([COMMAND_TOPIC, 'twinbench/x/commands/y', 'a', '#', '']),
              encoding: pick(['json', 'json', 'cbor']),
              schemaName: 'Cmd',
            },
          ],
        });
      case 3:
        return JSON.stringify({ op: 'unadvertise', channelIds: [int(100)] });
      case 4:
        return JSON.stringify({
          op: 'twinbench.enable',
          capabilities: [pick(['twinbench.sampleBatch', 'twinbench.timeSync', 'x', '__proto__'])],
        });
      case 5:
        return JSON.stringify({ op: 'twinbench.timeSync', id: smallId(), clientTime: T0 });
      default:
        return JSON.stringify({ op: pick(ops), [pick(['subscriptions', 'channels', 'x'])]: [] });
    }
  };
  const command = () =>
    pick([
      { kind: 'clearDamage' },
      { kind: 'setDamage', member: int(10), health: random.uniform() },
      { kind: 'setDamage', member: pick(weird), health: pick(weird) },
      { kind: pick(weird) },
      { __proto__: { kind: 'clearDamage' } },
      pick(weird),
    ]);
  const validBinary = () =>
    encodeClientMessageData(int(100), encoder.encode(JSON.stringify(command()) ?? 'undefined'));

  return (): Frame => {
    switch (int(10)) {
      case 0:
        return { bytes: bytes(int(40)) };
      case 1:
        return { text: new TextDecoder().decode(bytes(int(40))) };
      case 2: {
        const text = validText();
        return { text: text.slice(0, int(text.length)) };
      }
      case 3: {
        const frame = validBinary();
        return { bytes: frame.subarray(0, int(frame.byteLength)) };
      }
      case 4:
        // Right keys, wrong types.
        return {
          text: JSON.stringify({
            op: pick(ops),
            subscriptions: pick([pick(weird), [{ id: pick(weird), channelId: pick(weird) }]]),
            subscriptionIds: pick([pick(weird), [pick(weird)]]),
            channels: pick([
              pick(weird),
              [{ id: smallId(), topic: pick(weird), encoding: 'json', schemaName: 'x' }],
            ]),
            channelIds: [pick(weird)],
            capabilities: pick([pick(weird), [pick(weird)]]),
            id: pick(weird),
            clientTime: pick(weird),
          }),
        };
      case 5:
        // Prototype keys where names and objects are expected.
        return {
          text: pick([
            '{"op":"__proto__"}',
            '{"__proto__":{"op":"subscribe","subscriptions":[]}}',
            '{"op":"subscribe","subscriptions":[{"__proto__":{"id":1,"channelId":0}}]}',
            '{"op":"subscribe","subscriptions":{"length":1,"0":{"id":1,"channelId":0}}}',
            '{"op":"advertise","channels":[{"id":1,"topic":"__proto__","encoding":"json","schemaName":"toString"}]}',
            '{"op":"twinbench.enable","capabilities":["__proto__","constructor","hasOwnProperty"]}',
            '{"op":"constructor","constructor":{"prototype":{"polluted":true}}}',
          ]),
        };
      case 6:
        // Huge and odd ids.
        return {
          text: JSON.stringify({
            op: pick(['subscribe', 'unsubscribe', 'unadvertise']),
            subscriptions: [
              { id: 2 ** 32 - 1 - int(3), channelId: pick([2 ** 32 - 1, 4096, 1e9]) },
            ],
            subscriptionIds: [2 ** 32 - 1, 2 ** 53, 1e300],
            channelIds: [2 ** 32 - 1],
          }).replace('1e+300', pick(['1e+300', '1e999', '-0', '0.0', '1E2'])),
        };
      case 7:
        return { text: validText() };
      case 8:
        return { bytes: random.uniform() < 0.9 ? validBinary() : bytes(4100 + int(100)) };
      default: {
        // Deep nesting and long strings, within the size limit.
        const depth = 1 + int(500);
        return {
          text: pick([
            `${'['.repeat(depth)}${']'.repeat(depth)}`,
            `{"op":"subscribe","subscriptions":${'['.repeat(depth)}`,
            JSON.stringify({ op: 'x'.repeat(int(3000)) }),
          ]),
        };
      }
    }
  };
}

describe('Foxglove session fuzz', () => {
  it(`survives ${FRAMES} hostile frames; each is answered or counted; a good client loses nothing`, () => {
    const logger = createMemoryLogger();
    let t = T0;
    const now = () => t;
    const hub = new RelayHub({ logger, now });
    const acl = createAcl();
    const commands = recordingCommandSink();
    const open = (socket: FoxgloveSocket, limits = DEFAULT_CLIENT_LIMITS) =>
      openFoxgloveSession({
        socket,
        hub,
        principal: anonymousPrincipal('operator'),
        acl,
        limits: createClientLimits(limits, now),
        commands,
        logger,
        serverName: 'fuzz',
        now,
      });
    for (const name of ['a', 'b', 'c']) hub.ingest(name, T0, 0, 'test');

    const good = new MockFoxgloveSocket();
    const goodSession = open(good);
    goodSession.handleText(
      JSON.stringify({
        op: 'subscribe',
        subscriptions: [
          { id: 100, channelId: 0 },
          { id: 101, channelId: 1 },
        ],
      }),
    );
    const jsonClientSocket = new MockSocket();
    hub.addClient(jsonClientSocket).subscribe(['a', 'b']);

    const hostile = new CountingSocket();
    // A generous rate so the frames reach the parsers; 4 KiB so some are oversized.
    const session = open(hostile, {
      ...DEFAULT_CLIENT_LIMITS,
      maxMessageBytes: 4096,
      messagesPerSecond: 1e9,
      burst: 1e9,
    });
    const next = frameMaker(20_251_123);
    const ingested: { channel: string; deviceTime: number; value: number }[] = [];
    const missing: number[] = [];

    for (let i = 0; i < FRAMES; i++) {
      const frame = next();
      const before = session.counts();
      const statusesBefore = hostile.statuses;
      if ('text' in frame) session.handleText(frame.text);
      else session.handleBinary(frame.bytes);
      const after = session.counts();
      const answered = after.answered - before.answered;
      const accepted = after.accepted - before.accepted;
      const silenced = after.silenced - before.silenced;
      if (answered + accepted + silenced !== 1) missing.push(i);
      if (answered === 1 && hostile.statuses === statusesBefore) missing.push(i);
      if (i % 500 === 0) {
        t += 10;
        for (const channel of ['a', 'b', 'c']) {
          const sample = { channel, deviceTime: t, value: i };
          hub.ingest(channel, sample.deviceTime, sample.value, 'test');
          if (channel !== 'c') ingested.push(sample);
        }
        hub.flush();
        if (i % 5000 === 0) hub.broadcastStats();
      }
    }
    hub.flush();

    expect(missing).toEqual([]);
    const counts = session.counts();
    expect(counts.frames).toBe(FRAMES);
    expect(counts.answered).toBeGreaterThan(FRAMES / 2);
    expect(counts.accepted).toBeGreaterThan(1000);
    expect(hostile.unreadable).toEqual([]);
    expect(logger.lines.filter((l) => l.level === 'error')).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    // The well-behaved clients on the same hub got every sample of their channels, in order.
    const channelOf = (id: number) => (id === 100 ? 'a' : 'b');
    expect(
      good.payloads().map((p) => {
        const payload = p.payload as { deviceTime: number; value: number };
        expect(p.timestamp).toBe(msToNs(payload.deviceTime));
        return { channel: channelOf(p.subscriptionId), ...payload };
      }),
    ).toEqual(ingested.map((s) => ({ ...s, receiveTime: s.deviceTime, unit: '' })));
    expect(good.ofOp('status')).toEqual([]);
    expect(
      jsonClientSocket.ofType('samples').flatMap((m) => m.samples.map((s) => [s[0], s[1], s[2]])),
    ).toEqual(ingested.map((s) => [s.channel === 'a' ? 0 : 1, s.deviceTime, s.value]));
    expect(jsonClientSocket.ofType('error')).toEqual([]);
  });

  it('answers or counts every frame of a flood under the default rate limit', () => {
    const logger = createMemoryLogger();
    let t = T0;
    const hub = new RelayHub({ logger, now: () => t });
    const socket = new CountingSocket();
    const session = openFoxgloveSession({
      socket,
      hub,
      principal: anonymousPrincipal('viewer'),
      acl: createAcl(),
      limits: createClientLimits(DEFAULT_CLIENT_LIMITS, () => t),
      commands: recordingCommandSink(),
      logger,
      serverName: 'fuzz',
      now: () => t,
    });
    const next = frameMaker(7);
    for (let i = 0; i < 20_000; i++) {
      const frame = next();
      if ('text' in frame) session.handleText(frame.text);
      else session.handleBinary(frame.bytes);
      t += 0.1;
    }
    const counts = session.counts();
    expect(counts.frames).toBe(20_000);
    expect(counts.accepted + counts.answered + counts.silenced).toBe(20_000);
    // 2 s of flooding: a burst of 200 plus 100/s get through; one rate notice a second.
    expect(counts.accepted + counts.answered).toBeLessThanOrEqual(200 + 200 + 3);
    expect(counts.silenced).toBeGreaterThan(19_000);
    // A flood is not answered with a flood: statuses track the frames let through.
    expect(socket.statuses).toBeLessThan(3 * (counts.answered + counts.accepted));
    expect(socket.unreadable).toEqual([]);
  });
});
