import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TwinCommand } from '../../src/protocol/relay.ts';
import { createMemoryLogger } from '../logger.ts';
import { waitFor } from '../testing/waitFor.ts';
import { WsTestClient } from '../testing/wsTestClient.ts';
import type { CommandSink } from './commandSink.ts';
import { RelayHub } from './relayHub.ts';
import { WS_MAX_PAYLOAD, attachRelayWsServer, type RelayWsServer } from './wsServer.ts';

let server: Server;
let hub: RelayHub;
let relay: RelayWsServer;
let port: number;
let feeder: ReturnType<typeof setInterval>;
const commands: TwinCommand[] = [];
const clients: WsTestClient[] = [];

beforeEach(async () => {
  const logger = createMemoryLogger();
  hub = new RelayHub({
    logger,
    flushIntervalMs: 20,
    statsIntervalMs: 100,
    sourceStats: () => [{ name: 'fake', connected: true, received: 1, malformed: 0 }],
  });
  const sink: CommandSink = {
    enabled: true,
    send: (command) => {
      commands.push(command);
      return Promise.resolve('applied');
    },
  };
  server = createServer((_req, res) => res.end());
  relay = attachRelayWsServer({ server, hub, commands: sink, logger });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  hub.start();
  let t = 1;
  feeder = setInterval(() => {
    hub.ingest('a', t, t, 'test');
    hub.ingest('b', t, -t, 'test');
    t++;
  }, 5);
});

afterEach(async () => {
  clearInterval(feeder);
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await relay.close();
  hub.stop();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  commands.length = 0;
});

async function connect(): Promise<WsTestClient> {
  const client = await WsTestClient.connect(port);
  clients.push(client);
  return client;
}

/** Waits until `client` has received `count` more samples than it had when called. */
async function receivesMoreSamples(client: WsTestClient, count = 10): Promise<void> {
  const before = client.samples().length;
  await waitFor('more samples', () => client.samples().length >= before + count);
}

describe('relay WebSocket server', () => {
  it('greets with welcome and the channel table and streams subscribed samples', async () => {
    const client = await connect();
    expect(client.messages[0]).toMatchObject({
      type: 'welcome',
      protocol: 1,
      commandsEnabled: true,
    });
    expect(client.messages[1]).toMatchObject({ type: 'channels' });
    client.send({ type: 'hello', protocol: 1, client: 'test' });
    client.send({ type: 'subscribe', channels: ['a'] });
    await receivesMoreSamples(client);
    expect(new Set(client.samples().map((s) => s.channel))).toEqual(new Set(['a']));
    expect(client.ofType('error')).toEqual([]);
  });

  it('answers a malformed message on that socket only; both clients keep receiving samples', async () => {
    const bad = await connect();
    const good = await connect();
    bad.send({ type: 'subscribe', channels: '*' });
    good.send({ type: 'subscribe', channels: '*' });
    await receivesMoreSamples(good);

    bad.send('{"type": "subscribe", oops');
    const error = await bad.waitFor('error', (m) => m.type === 'error');
    expect(error).toMatchObject({ type: 'error', reason: 'malformed_json' });

    await receivesMoreSamples(good);
    await receivesMoreSamples(bad);
    expect(good.ofType('error')).toEqual([]);
    expect(bad.closeCode).toBeUndefined();
  });

  it('answers binary frames, invalid UTF-8 and oversized messages with errors and keeps the connection', async () => {
    const client = await connect();
    client.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    client.socket.send(Buffer.from([0xff, 0xfe, 0x7b]), { binary: false });
    client.send(JSON.stringify({ type: 'subscribe', channels: ['x'.repeat(100_000)] }));
    await waitFor('three errors', () => client.ofType('error').length === 3);
    expect(client.ofType('error').map((e) => e.reason)).toEqual([
      'invalid_message',
      'malformed_json',
      'message_too_large',
    ]);
    client.send({ type: 'subscribe', channels: ['b'] });
    await receivesMoreSamples(client);
  });

  it('closes only the connection that sends a frame over the hard limit', async () => {
    const flooder = await connect();
    const other = await connect();
    other.send({ type: 'subscribe', channels: '*' });
    flooder.send('x'.repeat(WS_MAX_PAYLOAD + 1));
    await waitFor('flooder closed', () => flooder.closeCode);
    expect(flooder.closeCode).toBe(1009);
    await receivesMoreSamples(other);
  });

  it('passes commands on and replies with commandResult', async () => {
    const client = await connect();
    client.send({
      type: 'command',
      id: 'c1',
      command: { kind: 'setDamage', member: 5, health: 0.5 },
    });
    const result = await client.waitFor('commandResult', (m) => m.type === 'commandResult');
    expect(result).toEqual({ type: 'commandResult', id: 'c1', ok: true, message: 'applied' });
    expect(commands).toEqual([{ kind: 'setDamage', member: 5, health: 0.5 }]);
  });

  it('sends stats with the source stats and the client count', async () => {
    const first = await connect();
    await connect();
    await first.waitFor('stats for two clients', (m) => m.type === 'stats' && m.clients === 2);
    expect(first.ofType('stats').at(-1)).toMatchObject({
      sources: [{ name: 'fake', connected: true }],
      dropped: 0,
    });
  });

  it('closes clients with 1001 when the relay shuts down', async () => {
    const client = await connect();
    await relay.close();
    await waitFor('close', () => client.closeCode);
    expect(client.closeCode).toBe(1001);
    expect(relay.clientCount).toBe(0);
  });
});
