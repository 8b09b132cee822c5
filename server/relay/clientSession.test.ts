import { describe, expect, it } from 'vitest';
import { RELAY_PROTOCOL_VERSION, type TwinCommand } from '../../src/protocol/relay.ts';
import { createMemoryLogger } from '../logger.ts';
import { MockSocket } from '../testing/mockSocket.ts';
import { waitFor } from '../testing/waitFor.ts';
import { DEFAULT_CLIENT_LIMITS, createClientLimits } from './clientLimits.ts';
import { CommandRejectedError, DISABLED_COMMAND_SINK, type CommandSink } from './commandSink.ts';
import { openClientSession } from './clientSession.ts';
import { RelayHub } from './relayHub.ts';

function setup(commands?: CommandSink) {
  const logger = createMemoryLogger();
  const hub = new RelayHub({ logger });
  const sent: TwinCommand[] = [];
  const sink: CommandSink = commands ?? {
    enabled: true,
    send: (command) => {
      sent.push(command);
      return Promise.resolve('sent');
    },
  };
  const socket = new MockSocket();
  const session = openClientSession({
    socket,
    hub,
    commands: sink,
    logger,
    serverName: 'test-relay',
    now: () => 1234,
  });
  return { hub, socket, session, sent };
}

describe('client session', () => {
  it('greets with welcome, then the channel table', () => {
    const { socket } = setup();
    expect(socket.messages()).toEqual([
      {
        type: 'welcome',
        protocol: RELAY_PROTOCOL_VERSION,
        server: 'test-relay',
        serverTime: 1234,
        commandsEnabled: true,
      },
      { type: 'channels', channels: [] },
    ]);
  });

  it('answers malformed and invalid messages with an error and keeps working', () => {
    const { socket, session, hub } = setup();
    socket.clear();
    session.handleText('{not json');
    session.handleText('{"type":"dance"}');
    session.handleText(JSON.stringify({ type: 'hello', protocol: 99, client: 'old' }));
    session.handleBinary();
    expect(socket.ofType('error').map((e) => e.reason)).toEqual([
      'malformed_json',
      'invalid_message',
      'unsupported_protocol',
      'invalid_message',
    ]);
    session.handleText(JSON.stringify({ type: 'subscribe', channels: ['a'] }));
    hub.ingest('a', 1, 2, 'test');
    hub.flush();
    expect(socket.ofType('samples')).toHaveLength(1);
  });

  it('subscribes and unsubscribes through the hub', () => {
    const { socket, session, hub } = setup();
    session.handleText(JSON.stringify({ type: 'subscribe', channels: '*' }));
    session.handleText(JSON.stringify({ type: 'unsubscribe', channels: ['b'] }));
    hub.ingest('a', 1, 1, 'test');
    hub.ingest('b', 1, 1, 'test');
    hub.flush();
    expect(socket.ofType('samples')[0]!.samples.map((s) => s[0])).toEqual([0]);
  });

  it('passes commands to the sink and reports the result under the same id', async () => {
    const { socket, session, sent } = setup();
    session.handleText(
      JSON.stringify({
        type: 'command',
        id: 'c1',
        command: { kind: 'setDamage', member: 4, health: 0.5 },
      }),
    );
    await waitFor('commandResult', () => socket.ofType('commandResult')[0]);
    expect(sent).toEqual([{ kind: 'setDamage', member: 4, health: 0.5 }]);
    expect(socket.ofType('commandResult')).toEqual([
      { type: 'commandResult', id: 'c1', ok: true, message: 'sent' },
    ]);
  });

  it('reports a refused command as ok: false with the reason', async () => {
    const { socket, session } = setup({
      enabled: true,
      send: () => Promise.reject(new CommandRejectedError('broker_disconnected', 'broker is away')),
    });
    session.handleText(
      JSON.stringify({ type: 'command', id: 'c2', command: { kind: 'clearDamage' } }),
    );
    await waitFor('commandResult', () => socket.ofType('commandResult')[0]);
    expect(socket.ofType('commandResult')[0]).toEqual({
      type: 'commandResult',
      id: 'c2',
      ok: false,
      message: 'broker is away',
    });
  });

  it('tells clients when commands are disabled', () => {
    const { socket } = setup(DISABLED_COMMAND_SINK);
    expect(socket.ofType('welcome')[0]!.commandsEnabled).toBe(false);
  });

  it('sends nothing after it is closed', async () => {
    const { socket, session, hub } = setup();
    session.handleText(JSON.stringify({ type: 'subscribe', channels: '*' }));
    session.handleText(
      JSON.stringify({ type: 'command', id: 'c3', command: { kind: 'clearDamage' } }),
    );
    session.close();
    socket.clear();
    session.handleText('garbage');
    hub.ingest('a', 1, 1, 'test');
    hub.flush();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(socket.sent).toEqual([]);
    expect(hub.clientCount).toBe(0);
  });
});

describe('client session: lossless subscriptions', () => {
  it('numbers lossless batches and sends more as the client acknowledges them', () => {
    const logger = createMemoryLogger();
    const hub = new RelayHub({ logger, losslessWindowBatches: 1, losslessBatchSamples: 2 });
    const socket = new MockSocket();
    const session = openClientSession({
      socket,
      hub,
      commands: DISABLED_COMMAND_SINK,
      logger,
      serverName: 'test-relay',
    });
    session.handleText(JSON.stringify({ type: 'subscribe', channels: '*', policy: 'lossless' }));
    for (let i = 1; i <= 5; i++) hub.ingest('a', i, i, 'test');
    hub.flush();
    hub.flush();
    expect(socket.ofType('samples').map((m) => m.seq)).toEqual([1]);
    session.handleText(JSON.stringify({ type: 'ack', seq: 1 }));
    hub.flush();
    session.handleText(JSON.stringify({ type: 'ack', seq: 2 }));
    hub.flush();
    expect(socket.ofType('samples').map((m) => [m.seq, m.samples.map((s) => s[2])])).toEqual([
      [1, [1, 2]],
      [2, [3, 4]],
      [3, [5]],
    ]);
    session.handleText(JSON.stringify({ type: 'ack', seq: 9 }));
    expect(socket.ofType('error').at(-1)).toMatchObject({
      reason: 'invalid_message',
      message: expect.stringContaining(
        'ack 9 names a batch not sent yet (the newest is 3)',
      ) as unknown,
    });
  });

  it('takes acks past the rate limit, so a busy recorder never stalls on a refused ack', () => {
    const logger = createMemoryLogger();
    const hub = new RelayHub({ logger, losslessWindowBatches: 1, losslessBatchSamples: 1 });
    const socket = new MockSocket();
    const session = openClientSession({
      socket,
      hub,
      commands: DISABLED_COMMAND_SINK,
      logger,
      serverName: 'test-relay',
      limits: createClientLimits(
        { ...DEFAULT_CLIENT_LIMITS, burst: 1, messagesPerSecond: 0.001 },
        () => 0,
      ),
    });
    session.handleText(JSON.stringify({ type: 'subscribe', channels: '*', policy: 'lossless' }));
    for (let i = 1; i <= 20; i++) hub.ingest('a', i, i, 'test');
    for (let seq = 1; seq <= 20; seq++) {
      hub.flush();
      session.handleText(JSON.stringify({ type: 'ack', seq }));
    }
    expect(socket.ofType('samples')).toHaveLength(20);
    session.handleText(JSON.stringify({ type: 'unsubscribe', channels: ['a'] }));
    expect(socket.ofType('error').map((e) => e.reason)).toEqual(['rate_limited']);
  });

  it('refuses an unknown policy with an error naming the valid ones', () => {
    const { socket, session } = setup();
    socket.clear();
    session.handleText(JSON.stringify({ type: 'subscribe', channels: '*', policy: 'fast' }));
    expect(socket.ofType('error')[0]!.message).toContain('"lossless"');
  });
});
