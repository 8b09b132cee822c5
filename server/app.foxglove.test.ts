import {
  FoxgloveClient,
  type Channel,
  type IWebSocket,
  type MessageData,
} from '@foxglove/ws-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { msToNs } from '../src/protocol/nanoTime.ts';
import { RELAY_WS_PATH } from '../src/protocol/relay.ts';
import { startTwinbench, type TwinbenchServer } from './app.ts';
import { DEFAULT_CONFIG } from './config.ts';
import { PGLITE_MEMORY } from './registry/db/index.ts';
import { createMemoryLogger } from './logger.ts';
import { waitFor } from './testing/waitFor.ts';

// What Foxglove Studio or Lichtblick see when pointed at a running Twinbench: the whole server
// in-process (embedded broker, sensor fleet, relay), the reference client from
// @foxglove/ws-protocol on the relay's own WebSocket path.
let app: TwinbenchServer;

beforeAll(async () => {
  app = await startTwinbench(
    {
      ...DEFAULT_CONFIG,
      registry: { ...DEFAULT_CONFIG.registry, dataDir: PGLITE_MEMORY },
      port: 0,
      mqtt: { kind: 'embedded', port: 0 },
      staticDir: '.test-results/no-such-build',
    },
    createMemoryLogger(),
  );
});

afterAll(() => app.close());

describe('a Foxglove client pointed at the relay', () => {
  it('sees the twin’s channels and receives live samples of the one it subscribes to', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${app.port}${RELAY_WS_PATH}`, [
      FoxgloveClient.SUPPORTED_SUBPROTOCOL,
    ]);
    const client = new FoxgloveClient({ ws: ws as unknown as IWebSocket });
    const channels: Channel[] = [];
    const messages: MessageData[] = [];
    let serverName = '';
    client.on('serverInfo', (info) => (serverName = info.name));
    client.on('advertise', (advertised) => channels.push(...advertised));
    client.on('message', (message) => messages.push(message));

    const midspan = await waitFor(
      'the fleet’s midspan displacement channel advertised',
      () => channels.find((c) => c.topic === 'disp.z.L50'),
      10_000,
    );
    expect(serverName).toBe('twinbench-relay');
    expect(midspan).toMatchObject({ encoding: 'json', schemaName: 'twinbench.Sample' });
    expect(channels.length).toBeGreaterThan(10);

    const subscription = client.subscribe(midspan.id);
    await waitFor('20 samples', () => messages.length >= 20, 10_000);
    expect(new Set(messages.map((m) => m.subscriptionId))).toEqual(new Set([subscription]));
    const payloads = messages.map(
      (m) =>
        JSON.parse(Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength).toString()) as {
          value: number;
          deviceTime: number;
          receiveTime: number;
          unit: string;
        },
    );
    for (const [i, p] of payloads.entries()) {
      expect(Number.isFinite(p.value)).toBe(true);
      // The message timestamp is the device time, in ns.
      expect(messages[i]!.timestamp).toBe(msToNs(p.deviceTime));
      expect(p.receiveTime).toBeGreaterThanOrEqual(p.deviceTime - 1000);
    }
    expect(payloads[0]!.unit).toBe('mm');
    client.close();
  });
});
