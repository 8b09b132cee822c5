import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { TWINBENCH_CAPABILITIES, encodeClientMessageData } from '../../../src/protocol/foxglove.ts';
import { msToNs } from '../../../src/protocol/nanoTime.ts';
import { createAcl, parseAclConfig, type Acl } from '../../auth/acl.ts';
import { anonymousPrincipal, type Principal } from '../../auth/principal.ts';
import { createMemoryLogger } from '../../logger.ts';
import { createRelayMetrics } from '../../metrics/relayMetrics.ts';
import { waitFor } from '../../testing/waitFor.ts';
import {
  DEFAULT_CLIENT_LIMITS,
  createClientLimits,
  type ClientLimitsConfig,
} from '../clientLimits.ts';
import type { CommandAudit } from '../clientSession.ts';
import { CommandRejectedError, DISABLED_COMMAND_SINK, type CommandSink } from '../commandSink.ts';
import { RelayHub, type RelayHubOptions } from '../relayHub.ts';
import { openFoxgloveSession } from './foxgloveSession.ts';
import { SAMPLE_JSON_SCHEMA, SAMPLE_SCHEMA_NAME } from './sampleChannel.ts';
import { MockFoxgloveSocket, recordingCommandSink } from './testing.ts';

const T0 = 1_763_860_000_000;
const COMMAND_TOPIC = 'twinbench/footbridge/commands';
const encoder = new TextEncoder();

interface SetupOptions {
  readonly principal?: Principal;
  readonly acl?: Acl;
  readonly limits?: Partial<ClientLimitsConfig>;
  readonly commands?: CommandSink;
  readonly hub?: Partial<RelayHubOptions>;
  readonly metrics?: ReturnType<typeof createRelayMetrics>;
  readonly audit?: (entry: CommandAudit) => void;
}

function setup(options: SetupOptions = {}) {
  const clock = { t: T0 };
  const now = () => clock.t;
  const logger = createMemoryLogger();
  const hub = new RelayHub({ logger, now, ...options.hub });
  const commands = options.commands ?? recordingCommandSink();
  const acl = options.acl ?? createAcl();
  const principal = options.principal ?? anonymousPrincipal('operator');
  const open = (socket = new MockFoxgloveSocket()) => {
    const session = openFoxgloveSession({
      socket,
      hub,
      principal,
      acl,
      limits: createClientLimits({ ...DEFAULT_CLIENT_LIMITS, ...options.limits }, now),
      commands,
      logger,
      serverName: 'test-relay',
      now,
      relayVersion: '1.2.3',
      ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
      ...(options.audit === undefined ? {} : { audit: options.audit }),
    });
    return { socket, session };
  };
  const { socket, session } = open();
  return { clock, logger, hub, commands, socket, session, open };
}

const subscribe = (subscriptions: { id: number; channelId: number }[]) =>
  JSON.stringify({ op: 'subscribe', subscriptions });

describe('Foxglove session: greeting', () => {
  it('sends serverInfo with time, clientPublish and the Twinbench extensions to an operator', () => {
    const { socket, hub } = setup();
    expect(socket.json()[0]).toEqual({
      op: 'serverInfo',
      name: 'test-relay',
      capabilities: [
        'time',
        'clientPublish',
        TWINBENCH_CAPABILITIES.sampleBatch,
        TWINBENCH_CAPABILITIES.timeSync,
        TWINBENCH_CAPABILITIES.lossless,
        TWINBENCH_CAPABILITIES.commands,
      ],
      supportedEncodings: ['json'],
      metadata: { relayVersion: '1.2.3', relayProtocol: '1', role: 'operator' },
      sessionId: hub.instanceId,
    });
  });

  it('offers neither clientPublish nor commands to a viewer, or when commands are disabled', () => {
    const viewer = setup({ principal: anonymousPrincipal('viewer') });
    expect(viewer.session.capabilities).toEqual([
      'time',
      TWINBENCH_CAPABILITIES.sampleBatch,
      TWINBENCH_CAPABILITIES.timeSync,
      TWINBENCH_CAPABILITIES.lossless,
    ]);
    const disabled = setup({ commands: DISABLED_COMMAND_SINK });
    expect(disabled.session.capabilities).not.toContain('clientPublish');
  });

  it('advertises existing channels as json with the twinbench.Sample JSON Schema', () => {
    const { hub, open } = setup({ hub: { unitOf: () => 'mm' } });
    hub.ingest('disp.z.L50', T0, 1, 'test');
    const { socket } = open();
    expect(socket.ofOp('advertise')).toEqual([
      {
        op: 'advertise',
        channels: [
          {
            id: 0,
            topic: 'disp.z.L50',
            encoding: 'json',
            schemaName: SAMPLE_SCHEMA_NAME,
            schema: SAMPLE_JSON_SCHEMA,
            schemaEncoding: 'jsonschema',
          },
        ],
      },
    ]);
    expect(JSON.parse(SAMPLE_JSON_SCHEMA)).toMatchObject({
      type: 'object',
      properties: {
        value: { type: 'number' },
        deviceTime: { type: 'number' },
        receiveTime: { type: 'number' },
        unit: { type: 'string' },
      },
    });
  });

  it('advertises only the channels the principal may receive, and new ones as they appear', () => {
    const acl = createAcl(
      parseAclConfig({ viewer: { subscribe: ['disp.z', 'accel.x'] }, operator: {} }),
    );
    const { hub, socket } = setup({ acl, principal: anonymousPrincipal('viewer') });
    hub.ingest('disp.z', T0, 1, 'test');
    hub.ingest('secret', T0, 1, 'test');
    hub.flush();
    hub.ingest('accel.x', T0, 1, 'test');
    hub.flush();
    hub.flush();
    expect(socket.ofOp('advertise').map((m) => m.channels.map((c) => [c.id, c.topic]))).toEqual([
      [[0, 'disp.z']],
      [[2, 'accel.x']],
    ]);
  });

  it('narrows advertised channels by the token topics claim', () => {
    const principal: Principal = {
      ...anonymousPrincipal('viewer'),
      subject: 'bob',
      topics: { subscribe: ['a'], publish: null },
    };
    const { hub, open } = setup({ principal });
    hub.ingest('a', T0, 1, 'test');
    hub.ingest('b', T0, 1, 'test');
    const { socket } = open();
    expect(socket.ofOp('advertise')[0]!.channels.map((c) => c.topic)).toEqual(['a']);
  });
});

describe('Foxglove session: subscriptions and message data', () => {
  it('sends one message-data frame per sample with a JSON payload and the device time in ns', () => {
    const { hub, socket, session, clock } = setup({
      hub: { unitOf: (name) => (name === 'a' ? 'µm' : '') },
    });
    hub.ingest('a', T0, 0, 'test');
    hub.ingest('b', T0, 0, 'test');
    hub.flush();
    session.handleText(subscribe([{ id: 7, channelId: 0 }]));
    socket.clear();
    clock.t = T0 + 5;
    hub.ingest('a', T0 + 1.25, 1.5, 'test');
    hub.ingest('b', T0 + 2, 2.5, 'test');
    hub.ingest('a', T0 + 3, -3e-9, 'test');
    hub.flush();
    expect(socket.payloads()).toEqual([
      {
        subscriptionId: 7,
        timestamp: msToNs(T0 + 1.25),
        payload: { value: 1.5, deviceTime: T0 + 1.25, receiveTime: T0 + 5, unit: 'µm' },
      },
      {
        subscriptionId: 7,
        timestamp: msToNs(T0 + 3),
        payload: { value: -3e-9, deviceTime: T0 + 3, receiveTime: T0 + 5, unit: 'µm' },
      },
    ]);
    expect(socket.ofOp('status')).toEqual([]);
  });

  it('stops sending a channel after unsubscribe, including samples queued before it', () => {
    const { hub, socket, session } = setup();
    hub.ingest('a', T0, 0, 'test');
    hub.flush();
    session.handleText(subscribe([{ id: 1, channelId: 0 }]));
    hub.ingest('a', T0 + 1, 1, 'test');
    session.handleText(JSON.stringify({ op: 'unsubscribe', subscriptionIds: [1] }));
    hub.flush();
    hub.ingest('a', T0 + 2, 2, 'test');
    hub.flush();
    expect(socket.ofBinary('messageData')).toEqual([]);
    session.handleText(subscribe([{ id: 2, channelId: 0 }]));
    hub.ingest('a', T0 + 3, 3, 'test');
    hub.flush();
    expect(socket.payloads().map((p) => [p.subscriptionId, p.timestamp])).toEqual([
      [2, msToNs(T0 + 3)],
    ]);
  });

  it('warns about unknown channels naming them, and refuses reused subscription ids', () => {
    const { hub, socket, session } = setup();
    hub.ingest('a', T0, 0, 'test');
    hub.ingest('b', T0, 0, 'test');
    hub.flush();
    session.handleText(subscribe([{ id: 1, channelId: 0 }]));
    socket.clear();
    session.handleText(
      subscribe([
        { id: 2, channelId: 99 },
        { id: 1, channelId: 1 },
        { id: 3, channelId: 0 },
        { id: 4, channelId: 1 },
      ]),
    );
    session.handleText(JSON.stringify({ op: 'unsubscribe', subscriptionIds: [42] }));
    expect(socket.ofOp('status').map((s) => [s.level, s.message])).toEqual([
      [1, 'channel 99 is not available; ignoring subscription 2'],
      [
        2,
        'subscription id 1 is already in use (channel 0); ignoring this subscription: pick an unused id or unsubscribe first',
      ],
      [1, 'already subscribed to channel 0 (subscription 1); ignoring subscription 3'],
      [1, 'subscription 42 does not exist; ignoring unsubscribe'],
    ]);
    hub.ingest('b', T0 + 1, 1, 'test');
    hub.flush();
    expect(socket.payloads().map((p) => p.subscriptionId)).toEqual([4]);
  });

  it('refuses subscribing to a channel that was not advertised to this principal', () => {
    const acl = createAcl(parseAclConfig({ viewer: { subscribe: ['public'] } }));
    const { hub, socket, session } = setup({ acl, principal: anonymousPrincipal('viewer') });
    hub.ingest('public', T0, 0, 'test');
    hub.ingest('secret', T0, 0, 'test');
    hub.flush();
    socket.clear();
    session.handleText(subscribe([{ id: 1, channelId: 1 }]));
    hub.ingest('secret', T0 + 1, 1, 'test');
    hub.flush();
    expect(socket.ofOp('status').map((s) => s.message)).toEqual([
      'channel 1 is not available; ignoring subscription 1',
    ]);
    expect(socket.ofBinary('messageData')).toEqual([]);
  });

  it('refuses a subscribe that would pass the subscription limit, adding none of it', () => {
    const { hub, socket, session } = setup({ limits: { maxSubscriptions: 2 } });
    for (const name of ['a', 'b', 'c']) hub.ingest(name, T0, 0, 'test');
    hub.flush();
    session.handleText(subscribe([{ id: 1, channelId: 0 }]));
    session.handleText(
      subscribe([
        { id: 2, channelId: 1 },
        { id: 3, channelId: 2 },
      ]),
    );
    expect(socket.ofOp('status')).toEqual([
      {
        op: 'status',
        level: 2,
        message:
          'subscribing to 2 more channels would make 3; the limit is 2 per connection: unsubscribe from channels you no longer need first.',
      },
    ]);
    for (const name of ['a', 'b', 'c']) hub.ingest(name, T0 + 1, 1, 'test');
    hub.flush();
    expect(socket.payloads().map((p) => p.subscriptionId)).toEqual([1]);
  });

  it('keeps one subscriber of each kind apart: batch client, plain client', () => {
    const { hub, open } = setup();
    hub.ingest('a', T0, 0, 'test');
    const plain = open();
    const batched = open();
    batched.session.handleText(
      JSON.stringify({
        op: 'twinbench.enable',
        capabilities: [TWINBENCH_CAPABILITIES.sampleBatch],
      }),
    );
    for (const { session } of [plain, batched]) {
      session.handleText(subscribe([{ id: 5, channelId: 0 }]));
    }
    plain.socket.clear();
    batched.socket.clear();
    for (let i = 1; i <= 3; i++) hub.ingest('a', T0 + i, i, 'test');
    hub.flush();
    expect(plain.socket.ofBinary('messageData')).toHaveLength(3);
    expect(plain.socket.ofBinary('sampleBatch')).toEqual([]);
    expect(batched.socket.ofBinary('messageData')).toEqual([]);
    expect(batched.socket.ofBinary('sampleBatch')).toEqual([
      {
        op: 'sampleBatch',
        samples: [1, 2, 3].map((i) => ({
          subscriptionId: 5,
          deviceTime: msToNs(T0 + i),
          receiveTime: msToNs(T0),
          value: i,
        })),
      },
    ]);
  });
});

describe('Foxglove session: bad input', () => {
  it('answers malformed and mistyped messages with an error status and keeps working', () => {
    const { hub, socket, session } = setup();
    hub.ingest('a', T0, 0, 'test');
    hub.flush();
    socket.clear();
    session.handleText('{nope');
    session.handleText('{"op":"subscribe","subscriptions":[{"id":"1","channelId":0}]}');
    session.handleText('{"op":"getParameters","parameterNames":[]}');
    session.handleBinary(Uint8Array.from([1, 2]));
    session.handleBinary(Uint8Array.from([9, 0, 0, 0, 0]));
    const messages = socket.ofOp('status').map((s) => [s.level, s.message]);
    expect(messages.map(([level]) => level)).toEqual([2, 2, 2, 2, 2]);
    expect(messages.map(([, m]) => m)).toEqual([
      expect.stringMatching(/^could not read that message: not JSON/),
      'could not read that message: subscribe.subscriptions must be an array of {id, channelId} with unsigned 32-bit integers',
      expect.stringMatching(/unsupported op "getParameters"/),
      'could not read that binary message: client binary frame is 2 bytes; it needs at least 5 (opcode and channel id)',
      expect.stringMatching(/unknown client binary opcode 0x09/),
    ]);
    session.handleText(subscribe([{ id: 1, channelId: 0 }]));
    hub.ingest('a', T0 + 1, 1, 'test');
    hub.flush();
    expect(socket.ofBinary('messageData')).toHaveLength(1);
    expect(session.counts()).toEqual({ frames: 6, accepted: 1, answered: 5, silenced: 0 });
  });

  it('refuses a message over the size limit with the limit message', () => {
    const { socket, session } = setup({ limits: { maxMessageBytes: 50 } });
    socket.clear();
    session.handleText(
      JSON.stringify({ op: 'unsubscribe', subscriptionIds: new Array(30).fill(1) }),
    );
    session.handleBinary(new Uint8Array(51));
    expect(socket.ofOp('status').map((s) => s.message)).toEqual([
      expect.stringMatching(/^message is 100 bytes; the limit is 50/),
      expect.stringMatching(/^message is 51 bytes; the limit is 50/),
    ]);
  });

  it('tells a flooding client about the rate limit at most once a second, with what it held back', () => {
    const { socket, session, clock } = setup({ limits: { burst: 2, messagesPerSecond: 1 } });
    socket.clear();
    const ping = JSON.stringify({ op: 'unadvertise', channelIds: [] });
    for (let i = 0; i < 10; i++) session.handleText(ping);
    clock.t += 1000;
    for (let i = 0; i < 3; i++) session.handleText(ping);
    const notices = socket.ofOp('status').map((s) => s.message);
    expect(notices).toHaveLength(2);
    expect(notices[0]).toMatch(/^too many messages: this relay accepts 1 per second/);
    expect(notices[1]).toMatch(/\(7 more messages were dropped since the last notice\)$/);
    expect(session.counts()).toEqual({ frames: 13, accepted: 3, answered: 2, silenced: 8 });
  });
});

describe('Foxglove session: Twinbench extensions', () => {
  it('enables offered extensions with an info status and ignores unknown ones with a warning', () => {
    const { socket, session } = setup({ principal: anonymousPrincipal('viewer') });
    socket.clear();
    session.handleText(
      JSON.stringify({
        op: 'twinbench.enable',
        capabilities: [TWINBENCH_CAPABILITIES.timeSync, 'twinbench.teleport', 'twinbench.commands'],
      }),
    );
    expect(socket.ofOp('status').map((s) => [s.level, s.message])).toEqual([
      [0, 'twinbench extensions enabled: twinbench.timeSync'],
      [
        1,
        'ignored "twinbench.teleport", "twinbench.commands": this relay offers twinbench.sampleBatch, twinbench.timeSync, twinbench.lossless',
      ],
    ]);
  });

  it('answers timeSync with the client time and the relay receive and send times', () => {
    const { socket, session } = setup();
    session.handleText(JSON.stringify({ op: 'twinbench.timeSync', id: 1, clientTime: 5 }));
    expect(socket.ofOp('status').at(-1)!.message).toMatch(/twinbench.timeSync is not enabled/);
    session.handleText(
      JSON.stringify({ op: 'twinbench.enable', capabilities: [TWINBENCH_CAPABILITIES.timeSync] }),
    );
    socket.clear();
    session.handleText(JSON.stringify({ op: 'twinbench.timeSync', id: 'q1', clientTime: 12.5 }));
    expect(socket.json()).toEqual([
      {
        op: 'twinbench.timeSyncReply',
        id: 'q1',
        clientTime: 12.5,
        serverReceiveTime: T0,
        serverSendTime: T0,
      },
    ]);
  });

  it('sends one sample-batch frame per flush and nothing when no subscribed samples are queued', () => {
    const { hub, socket, session } = setup();
    hub.ingest('a', T0, 0, 'test');
    hub.ingest('b', T0, 0, 'test');
    hub.flush();
    session.handleText(
      JSON.stringify({
        op: 'twinbench.enable',
        capabilities: [TWINBENCH_CAPABILITIES.sampleBatch],
      }),
    );
    session.handleText(subscribe([{ id: 3, channelId: 1 }]));
    socket.clear();
    for (let i = 0; i < 1000; i++) hub.ingest(i % 2 === 0 ? 'a' : 'b', T0 + i, i, 'test');
    hub.flush();
    hub.flush();
    const batches = socket.ofBinary('sampleBatch');
    expect(batches).toHaveLength(1);
    expect(batches[0]!.samples).toHaveLength(500);
    expect(batches[0]!.samples[0]).toEqual({
      subscriptionId: 3,
      deviceTime: msToNs(T0 + 1),
      receiveTime: msToNs(T0),
      value: 1,
    });
    expect(socket.sent).toHaveLength(1);
  });
});

describe('Foxglove session: time and slow clients', () => {
  it('sends the relay clock as a time frame on each stats tick', () => {
    const { hub, socket, clock } = setup();
    socket.clear();
    clock.t = T0 + 1000.5;
    hub.broadcastStats();
    expect(socket.ofBinary('time')).toEqual([{ op: 'time', timestamp: msToNs(T0 + 1000.5) }]);
  });

  it('keeps samples queued for a backed-up client, drops the oldest and says so once a second', () => {
    const { hub, socket, session, clock, open } = setup({
      hub: { maxQueuedSamples: 5, highWaterBytes: 1000 },
    });
    const fast = open();
    hub.ingest('a', T0, 0, 'test');
    hub.flush();
    for (const s of [session, fast.session]) s.handleText(subscribe([{ id: 1, channelId: 0 }]));
    socket.bufferedAmount = 5000;
    for (let i = 1; i <= 8; i++) {
      hub.ingest('a', T0 + i, i, 'test');
      if (i % 4 === 0) hub.flush();
    }
    hub.broadcastStats();
    clock.t += 500;
    hub.ingest('a', T0 + 9, 9, 'test');
    hub.flush();
    hub.broadcastStats();
    const warnings = () =>
      socket
        .ofOp('status')
        .filter((s) => s.level === 1)
        .map((s) => s.message);
    expect(warnings()).toEqual([
      `dropped 3 samples since ${new Date(T0).toISOString()}: your connection is not keeping up`,
    ]);
    clock.t += 500;
    hub.broadcastStats();
    expect(warnings()[1]).toBe(
      `dropped 1 samples since ${new Date(T0).toISOString()}: your connection is not keeping up`,
    );
    expect(socket.ofBinary('messageData')).toEqual([]);
    expect(fast.socket.ofBinary('messageData')).toHaveLength(9);
    socket.bufferedAmount = 0;
    hub.flush();
    expect(socket.payloads().map((p) => (p.payload as { value: number }).value)).toEqual([
      5, 6, 7, 8, 9,
    ]);
  });
});

describe('Foxglove session: clientPublish', () => {
  const advertise = (id: number, topic: string, encoding = 'json') =>
    JSON.stringify({ op: 'advertise', channels: [{ id, topic, encoding, schemaName: 'Cmd' }] });
  const publish = (channelId: number, payload: unknown) =>
    encodeClientMessageData(
      channelId,
      encoder.encode(typeof payload === 'string' ? payload : JSON.stringify(payload)),
    );

  it('passes a command on, audits it, and reports the result as an info status', async () => {
    const { socket, session, commands, logger } = setup();
    session.handleText(advertise(1, COMMAND_TOPIC));
    socket.clear();
    session.handleBinary(publish(1, { kind: 'setDamage', member: 4, health: 0.5 }));
    await waitFor('command status', () => socket.ofOp('status')[0]);
    expect((commands as ReturnType<typeof recordingCommandSink>).sent).toEqual([
      { kind: 'setDamage', member: 4, health: 0.5 },
    ]);
    expect(socket.ofOp('status')).toEqual([
      {
        op: 'status',
        level: 0,
        message: `command setDamage on ${COMMAND_TOPIC}: setDamage applied`,
      },
    ]);
    expect(logger.lines.find((l) => l.line === 'command')).toEqual({
      level: 'info',
      line: 'command',
      fields: {
        who: 'anonymous',
        role: 'operator',
        topic: COMMAND_TOPIC,
        command: { kind: 'setDamage', member: 4, health: 0.5 },
        at: T0,
      },
    });
  });

  it('hands each command outcome to the audit trail', async () => {
    const entries: CommandAudit[] = [];
    const { socket, session } = setup({
      audit: (entry) => entries.push(entry),
      commands: recordingCommandSink(new CommandRejectedError('timeout', 'no answer')),
    });
    session.handleText(advertise(1, COMMAND_TOPIC));
    session.handleBinary(publish(1, { kind: 'clearDamage' }));
    await waitFor('command status', () => socket.ofOp('status')[0]);
    expect(entries).toEqual([
      {
        at: T0,
        who: 'anonymous',
        role: 'operator',
        topic: COMMAND_TOPIC,
        command: { kind: 'clearDamage' },
        outcome: 'failed',
        message: 'no answer',
      },
    ]);
  });

  it('reports a refused command as an error status with the reason', async () => {
    const { socket, session } = setup({
      commands: recordingCommandSink(
        new CommandRejectedError('broker_disconnected', 'broker away'),
      ),
    });
    session.handleText(advertise(1, COMMAND_TOPIC));
    session.handleBinary(publish(1, { kind: 'clearDamage' }));
    await waitFor('command status', () => socket.ofOp('status')[0]);
    expect(socket.ofOp('status')[0]).toEqual({
      op: 'status',
      level: 2,
      message: `command clearDamage on ${COMMAND_TOPIC} failed: broker away`,
    });
  });

  it('refuses advertising topics the ACL does not let the principal publish to', () => {
    const { socket, session } = setup();
    socket.clear();
    session.handleText(advertise(1, 'twinbench/footbridge/sensors/x'));
    session.handleText(advertise(2, COMMAND_TOPIC, 'cbor'));
    session.handleText(advertise(3, COMMAND_TOPIC));
    session.handleText(advertise(3, COMMAND_TOPIC));
    session.handleText(advertise(4, 'twinbench/bridge2/commands'));
    expect(socket.ofOp('status').map((s) => [s.level, s.message])).toEqual([
      [
        2,
        'client channel 1: operator "anonymous" may not publish to "twinbench/footbridge/sensors/x": no role may publish to it on this relay: check the name, or ask an admin to add it to the relay\'s ACL',
      ],
      [
        2,
        `client channel 2 ("${COMMAND_TOPIC}"): encoding "cbor" is not supported; publish twin commands as "json"`,
      ],
      [
        2,
        'client channel 3 is already advertised; ignoring this advertisement: unadvertise it first or use another id',
      ],
      [
        2,
        `client channel 4: this relay takes twin commands only on "${COMMAND_TOPIC}"; advertise that topic`,
      ],
    ]);
  });

  it('refuses clientPublish altogether to a viewer', () => {
    const { socket, session, commands } = setup({ principal: anonymousPrincipal('viewer') });
    socket.clear();
    session.handleText(advertise(1, COMMAND_TOPIC));
    session.handleBinary(publish(1, { kind: 'clearDamage' }));
    expect(socket.ofOp('status').map((s) => s.message)).toEqual([
      'viewer "anonymous" may not publish on this relay (no clientPublish capability): ask an admin for a token with role operator',
      'client channel 1 is not advertised: advertise it (op "advertise") before publishing on it',
    ]);
    expect((commands as ReturnType<typeof recordingCommandSink>).sent).toEqual([]);
  });

  it('refuses payloads that are not twin commands, saying what is wrong', () => {
    const { socket, session, commands } = setup();
    session.handleText(advertise(1, COMMAND_TOPIC));
    socket.clear();
    session.handleBinary(publish(1, '{"kind":'));
    session.handleBinary(publish(1, { kind: 'setDamage', member: 1, health: 2 }));
    session.handleBinary(encodeClientMessageData(1, Uint8Array.from([0xff, 0xfe])));
    session.handleText(JSON.stringify({ op: 'unadvertise', channelIds: [1] }));
    session.handleBinary(publish(1, { kind: 'clearDamage' }));
    expect(socket.ofOp('status').map((s) => s.message)).toEqual([
      expect.stringMatching(/refused: the payload is not JSON/),
      expect.stringMatching(/refused: setDamage.health must be a number in \(0, 1\]/),
      expect.stringMatching(/refused: the payload is not UTF-8 text/),
      'client channel 1 is not advertised: advertise it (op "advertise") before publishing on it',
    ]);
    expect((commands as ReturnType<typeof recordingCommandSink>).sent).toEqual([]);
  });

  it('sends twinbench.commandResult with the payload id once commands are enabled', async () => {
    const { socket, session } = setup();
    session.handleText(
      JSON.stringify({ op: 'twinbench.enable', capabilities: [TWINBENCH_CAPABILITIES.commands] }),
    );
    session.handleText(advertise(4, COMMAND_TOPIC));
    socket.clear();
    session.handleBinary(publish(4, { kind: 'clearDamage', id: 'c-17' }));
    await waitFor('command result', () => socket.ofOp('twinbench.commandResult')[0]);
    expect(socket.json()).toEqual([
      {
        op: 'twinbench.commandResult',
        channelId: 4,
        id: 'c-17',
        ok: true,
        message: 'clearDamage applied',
      },
    ]);
  });
});

describe('Foxglove session: lifetime and metrics', () => {
  it('sends nothing after close, command results included, and leaves the hub', async () => {
    const { hub, socket, session } = setup();
    hub.ingest('a', T0, 0, 'test');
    hub.flush();
    session.handleText(subscribe([{ id: 1, channelId: 0 }]));
    session.handleText(
      JSON.stringify({
        op: 'advertise',
        channels: [{ id: 1, topic: COMMAND_TOPIC, encoding: 'json', schemaName: 'Cmd' }],
      }),
    );
    session.handleBinary(encodeClientMessageData(1, encoder.encode('{"kind":"clearDamage"}')));
    session.close();
    socket.clear();
    session.handleText('garbage');
    hub.ingest('a', T0 + 1, 1, 'test');
    hub.flush();
    hub.broadcastStats();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(socket.sent).toEqual([]);
    expect(hub.clientCount).toBe(0);
  });

  it('counts delivered and dropped samples in the relay metrics', async () => {
    const metrics = createRelayMetrics(new Registry(), { defaultMetrics: false });
    const { hub, socket, session } = setup({
      metrics,
      hub: { maxQueuedSamples: 2, highWaterBytes: 10 },
    });
    hub.ingest('a', T0, 0, 'test');
    hub.flush();
    session.handleText(subscribe([{ id: 1, channelId: 0 }]));
    hub.ingest('a', T0 + 1, 1, 'test');
    hub.flush();
    socket.bufferedAmount = 100;
    for (let i = 2; i < 6; i++) hub.ingest('a', T0 + i, i, 'test');
    hub.broadcastStats();
    const text = await metrics.registry.metrics();
    expect(text).toContain('twinbench_relay_client_samples_delivered_total{client="c1"} 1');
    expect(text).toContain(
      'twinbench_relay_client_samples_dropped_total{client="c1",policy="live"} 2',
    );
    session.close();
    expect(await metrics.registry.metrics()).toContain('twinbench_relay_clients_connected 0');
  });
});

describe('Foxglove session: delivery policies', () => {
  const enableLossless = JSON.stringify({
    op: 'twinbench.enable',
    capabilities: [TWINBENCH_CAPABILITIES.lossless],
  });
  const policy = (value: string, subscriptionIds?: number[]) =>
    JSON.stringify({ op: 'twinbench.policy', policy: value, subscriptionIds });
  const ack = (seq: number) => JSON.stringify({ op: 'twinbench.ack', seq });

  it('refuses lossless delivery until twinbench.lossless is enabled', () => {
    const { socket, session } = setup();
    session.handleText(policy('lossless'));
    expect(socket.ofOp('status').at(-1)).toMatchObject({
      level: 2,
      message: expect.stringContaining(
        'send {"op":"twinbench.enable","capabilities":["twinbench.lossless"]} first',
      ) as unknown,
    });
  });

  it('sends lossless subscriptions as numbered 0x82 batches, within the window, as they are acknowledged', () => {
    const { hub, socket, session } = setup({
      hub: { losslessWindowBatches: 2, losslessBatchSamples: 2 },
    });
    hub.ingest('a', T0, 0, 'test');
    hub.ingest('b', T0, 0, 'test');
    hub.flush();
    session.handleText(enableLossless);
    session.handleText(
      subscribe([
        { id: 7, channelId: 0 },
        { id: 8, channelId: 1 },
      ]),
    );
    session.handleText(policy('lossless', [7]));
    for (let i = 1; i <= 5; i++) {
      hub.ingest('a', T0 + i, i, 'test');
      hub.ingest('b', T0 + i, -i, 'test');
    }
    hub.flush();
    const batches = () => socket.ofBinary('losslessBatch');
    expect(
      batches().map((b) => [b.seq, b.samples.map((s) => [s.subscriptionId, s.value])]),
    ).toEqual([
      [
        1,
        [
          [7, 1],
          [7, 2],
        ],
      ],
      [
        2,
        [
          [7, 3],
          [7, 4],
        ],
      ],
    ]);
    // Subscription 8 stays live: plain message data, all five samples.
    expect(socket.ofBinary('messageData').map((m) => m.subscriptionId)).toEqual([8, 8, 8, 8, 8]);
    session.handleText(ack(2));
    hub.flush();
    expect(batches().map((b) => b.seq)).toEqual([1, 2, 3]);
    expect(batches()[2]!.samples.map((s) => s.value)).toEqual([5]);
    session.handleText(ack(5));
    expect(socket.ofOp('status').at(-1)?.message).toBe(
      'twinbench.ack 5 names a batch not sent yet (the newest is 3); ignoring it',
    );
  });

  it('applies a session policy to present and future subscriptions and coalesces while behind', () => {
    const { hub, socket, session } = setup({ hub: { highWaterBytes: 1000 } });
    hub.ingest('a', T0, 0, 'test');
    hub.flush();
    session.handleText(policy('live-coalesce'));
    session.handleText(subscribe([{ id: 1, channelId: 0 }]));
    socket.bufferedAmount = 5000;
    for (let i = 1; i <= 5; i++) hub.ingest('a', T0 + i, i, 'test');
    hub.flush();
    socket.bufferedAmount = 0;
    hub.flush();
    expect(socket.payloads().map((p) => (p.payload as { value: number }).value)).toEqual([5]);
  });

  it('says how many lossless samples were lost past the bound, in the batch and in an error status', () => {
    const { hub, socket, session, clock } = setup({
      hub: { maxLosslessSamples: 3, losslessWindowBatches: 1 },
    });
    hub.ingest('a', T0, 0, 'test');
    hub.flush();
    session.handleText(enableLossless);
    session.handleText(policy('lossless'));
    session.handleText(subscribe([{ id: 1, channelId: 0 }]));
    hub.ingest('a', T0 + 1, 1, 'test');
    hub.flush();
    for (let i = 2; i <= 7; i++) hub.ingest('a', T0 + i, i, 'test');
    clock.t += 1000;
    hub.broadcastStats();
    expect(socket.ofOp('status').at(-1)).toMatchObject({
      level: 2,
      message: expect.stringMatching(
        /^lost 3 samples of lossless subscriptions \(3 since connecting\)/,
      ) as unknown,
    });
    session.handleText(ack(1));
    hub.flush();
    expect(
      socket.ofBinary('losslessBatch').map((b) => [b.seq, b.dropped, b.samples.length]),
    ).toEqual([
      [1, 0, 1],
      [2, 3, 3],
    ]);
  });

  it('takes acks past the rate limit', () => {
    const { hub, socket, session } = setup({
      limits: { burst: 3, messagesPerSecond: 0.001 },
      hub: { losslessWindowBatches: 1, losslessBatchSamples: 1 },
    });
    hub.ingest('a', T0, 0, 'test');
    hub.flush();
    session.handleText(enableLossless);
    session.handleText(policy('lossless'));
    session.handleText(subscribe([{ id: 1, channelId: 0 }]));
    for (let i = 1; i <= 10; i++) hub.ingest('a', T0 + i, i, 'test');
    for (let seq = 1; seq <= 10; seq++) {
      hub.flush();
      session.handleText(ack(seq));
    }
    expect(socket.ofBinary('losslessBatch')).toHaveLength(10);
    expect(session.counts()).toMatchObject({ frames: 13, accepted: 13 });
  });

  it('is closed with 4008 when it reads nothing and its control messages pile up', () => {
    const closed: [number, string][] = [];
    const socket = Object.assign(new MockFoxgloveSocket(), {
      close: (code: number, reason: string) => closed.push([code, reason]),
    });
    const { hub, open } = setup({ hub: { highWaterBytes: 10, maxControlMessages: 4 } });
    const stuck = open(socket);
    socket.bufferedAmount = 100;
    for (let i = 0; i < 6; i++) hub.broadcastStats();
    expect(closed).toEqual([[4008, expect.stringMatching(/^control queue overflow/)]]);
    expect(hub.clients()).not.toContain(stuck.session.client);
  });

  it('labels a recorder lossless in the metrics', async () => {
    const metrics = createRelayMetrics(new Registry(), { defaultMetrics: false });
    const { session } = setup({ metrics });
    session.handleText(enableLossless);
    const text = await metrics.registry.metrics();
    expect(text).toContain(
      'twinbench_relay_client_samples_dropped_total{client="c2",policy="lossless"} 0',
    );
    expect(text).toContain('twinbench_relay_clients_connected 1');
  });
});
