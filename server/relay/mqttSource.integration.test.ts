import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../logger.ts';
import { connectMqtt, type OwnedMqttClient } from '../mqttClient.ts';
import { requireService, servicePort } from '../testing/services.ts';
import { waitFor } from '../testing/waitFor.ts';
import { WsTestClient } from '../testing/wsTestClient.ts';
import { DISABLED_COMMAND_SINK } from './commandSink.ts';
import { createMqttSource, type MqttSource } from './mqttSource.ts';
import { RelayHub } from './relayHub.ts';
import { attachRelayWsServer, type RelayWsServer } from './wsServer.ts';

// Needs Mosquitto (`bash scripts/services/all.sh start`) and mosquitto_pub (mosquitto-clients).
const PORT = servicePort('TWINBENCH_MOSQUITTO_PORT', 18830);
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Runs mosquitto_pub as a separate process, one message per line of `lines`. */
function mosquittoPub(topic: string, lines: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'mosquitto_pub',
      ['-h', '127.0.0.1', '-p', String(PORT), '-q', '1', '-t', topic, '-l'],
      {
        stdio: ['pipe', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new Error('mosquitto_pub is not installed: apt-get install -y mosquitto-clients')
          : error,
      ),
    );
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`mosquitto_pub exited with ${code}: ${stderr}`)),
    );
    child.stdin.end(lines.map((line) => `${line}\n`).join(''));
  });
}

async function startRelay(prefix: string): Promise<{ port: number; source: MqttSource }> {
  const logger = createMemoryLogger();
  const mqtt: OwnedMqttClient = connectMqtt(`mqtt://127.0.0.1:${PORT}`, 'itest');
  cleanups.push(() => mqtt.close());
  const hub = new RelayHub({ logger, flushIntervalMs: 20, statsIntervalMs: 100 });
  const source = createMqttSource({
    client: mqtt.client,
    filters: [`${prefix}/#`],
    sink: hub,
    logger,
  });
  cleanups.push(() => source.close());
  const server: Server = createServer();
  const relay: RelayWsServer = attachRelayWsServer({
    server,
    hub,
    commands: DISABLED_COMMAND_SINK,
    logger,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hub.start();
  cleanups.push(
    () => hub.stop(),
    () => new Promise<void>((resolve) => server.close(() => resolve())),
    () => relay.close(),
  );
  await waitFor('subscribed to Mosquitto', () => source.stats().connected, 5000);
  await source.subscribed;
  return { port: (server.address() as AddressInfo).port, source };
}

describe('MQTT source against Mosquitto', () => {
  it('relays telemetry published by mosquitto_pub to WebSocket clients', async (ctx) => {
    await requireService(ctx, {
      name: 'Mosquitto',
      port: PORT,
      portVariable: 'TWINBENCH_MOSQUITTO_PORT',
    });
    const prefix = `twinbench-test/${process.pid}-${Date.now()}`;
    const { port, source } = await startRelay(prefix);
    const client = await WsTestClient.connect(port);
    cleanups.push(() => client.close());
    client.send({ type: 'subscribe', channels: '*' });

    const t0 = Date.now();
    await mosquittoPub(`${prefix}/disp.z.L50`, [
      JSON.stringify({ t: t0, v: 1.5 }),
      JSON.stringify({ t: t0 + 10, v: 2.5 }),
      'not telemetry',
      JSON.stringify({ t: t0 + 20, v: 3.5 }),
    ]);

    await waitFor('three samples', () => client.samples().length >= 3, 5000);
    expect(client.samples()).toEqual([
      { channel: 'disp.z.L50', deviceTime: t0, value: 1.5 },
      { channel: 'disp.z.L50', deviceTime: t0 + 10, value: 2.5 },
      { channel: 'disp.z.L50', deviceTime: t0 + 20, value: 3.5 },
    ]);
    expect(client.ofType('channels').at(-1)!.channels).toEqual([
      { id: 0, name: 'disp.z.L50', unit: '', source: `mqtt:${prefix}/disp.z.L50` },
    ]);
    expect(source.stats()).toMatchObject({ connected: true, received: 3, malformed: 1 });
  });
});
