import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from './logger.ts';
import { connectMqtt } from './mqttClient.ts';
import { createMqttSource } from './relay/mqttSource.ts';
import { requireService, servicePort } from './testing/services.ts';
import { waitFor } from './testing/waitFor.ts';

// Needs Mosquitto (`bash scripts/services/all.sh start`).
const PORT = servicePort('TWINBENCH_MOSQUITTO_PORT', 18830);
const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

describe('MQTT 5 against Mosquitto', () => {
  it('reads telemetry over an MQTT 5 connection as over 3.1.1', async (ctx) => {
    await requireService(ctx, {
      name: 'Mosquitto',
      port: PORT,
      portVariable: 'TWINBENCH_MOSQUITTO_PORT',
    });
    const prefix = `twinbench-mqtt5/${process.pid}-${Date.now()}`;
    const reader = connectMqtt(`mqtt://127.0.0.1:${PORT}`, 'itest-v5', { protocolVersion: 5 });
    const writer = connectMqtt(`mqtt://127.0.0.1:${PORT}`, 'itest-v311');
    closers.push(
      () => reader.close(),
      () => writer.close(),
    );
    const got: [string, number, number][] = [];
    const source = createMqttSource({
      client: reader.client,
      filters: [`${prefix}/#`],
      logger: createMemoryLogger(),
      sink: { ingest: (channel, t, v) => got.push([channel, t, v]) > 0 },
    });
    closers.push(() => source.close());
    await source.subscribed;
    expect(
      (reader.client as unknown as { options: { protocolVersion: number } }).options,
    ).toMatchObject({
      protocolVersion: 5,
    });
    writer.client.publish(`${prefix}/load`, JSON.stringify({ t: 5, v: 7 }), { qos: 1 });
    await waitFor('the sample', () => got.length > 0, 5000);
    expect(got).toEqual([['load', 5, 7]]);
  });
});
