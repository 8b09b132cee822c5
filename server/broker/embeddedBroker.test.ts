import { createServer, type Server } from 'node:net';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { StartupError } from '../errors.ts';
import { createMemoryLogger } from '../logger.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from './embeddedBroker.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function occupy(): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
  return server;
}

describe('embedded broker', () => {
  it('relays messages between clients on 127.0.0.1', async () => {
    const broker: EmbeddedBroker = await startEmbeddedBroker(0, createMemoryLogger());
    cleanups.push(() => broker.close());
    expect(broker.url).toBe(`mqtt://127.0.0.1:${broker.port}`);
    const client = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    cleanups.push(() => client.endAsync(true));
    await client.subscribeAsync('a/#');
    const received = new Promise<string>((resolve) =>
      client.on('message', (_t, p) => resolve(p.toString())),
    );
    await client.publishAsync('a/b', 'hi');
    expect(await received).toBe('hi');
  });

  it('says to set TWINBENCH_MQTT_PORT when its port is taken', async () => {
    const server = await occupy();
    const port = (server.address() as { port: number }).port;
    const error = await startEmbeddedBroker(port, createMemoryLogger()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StartupError);
    expect(error).toMatchObject({ reason: 'port_in_use' });
    expect((error as Error).message).toContain('TWINBENCH_MQTT_PORT');
  });

  it('closes with clients still connected', async () => {
    const broker = await startEmbeddedBroker(0, createMemoryLogger());
    const client = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    await broker.close();
    await client.endAsync(true);
    await broker.close();
  });
});
