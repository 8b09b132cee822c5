import { describe, expect, it } from 'vitest';
import { RELAY_PROTOCOL_VERSION, type TwinCommand } from '../../src/protocol/relay.ts';
import { createMemoryLogger } from '../logger.ts';
import { MockSocket } from '../testing/mockSocket.ts';
import { waitFor } from '../testing/waitFor.ts';
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
