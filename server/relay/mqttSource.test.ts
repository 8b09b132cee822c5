import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../logger.ts';
import { MockMqttClient } from '../testing/mockMqttClient.ts';
import { createMqttSource } from './mqttSource.ts';
import type { SampleSink } from './relayHub.ts';

function setup() {
  const client = new MockMqttClient();
  const ingested: [string, number, number, string][] = [];
  const sink: SampleSink = {
    ingest: (...args) => {
      ingested.push(args);
      return true;
    },
  };
  const logger = createMemoryLogger();
  const source = createMqttSource({
    client,
    filters: ['twinbench/footbridge/sensors/#'],
    sink,
    logger,
    name: 'mqtt test',
  });
  return { client, ingested, source, logger };
}

describe('MQTT source', () => {
  it('subscribes on every connect and tracks the connection', () => {
    const { client, source } = setup();
    expect(source.stats().connected).toBe(false);
    client.connect();
    expect(client.subscriptions).toEqual(['twinbench/footbridge/sensors/#']);
    expect(source.stats().connected).toBe(true);
    client.disconnect();
    expect(source.stats().connected).toBe(false);
    client.connect();
    expect(client.subscriptions).toHaveLength(2);
  });

  it('feeds samples named after the topic minus the filter prefix', () => {
    const { client, ingested, source } = setup();
    client.connect();
    client.deliver('twinbench/footbridge/sensors/disp.z.L50', '{"t":1700000000000,"v":-0.5}');
    expect(ingested).toEqual([
      ['disp.z.L50', 1700000000000, -0.5, 'mqtt:twinbench/footbridge/sensors/disp.z.L50'],
    ]);
    expect(source.stats()).toEqual({
      name: 'mqtt test',
      connected: true,
      received: 1,
      malformed: 0,
    });
  });

  it('counts and drops malformed payloads without throwing, and logs them throttled', () => {
    const { client, ingested, source, logger } = setup();
    client.connect();
    for (const payload of ['garbage', '{"t":1}', Buffer.from([0xff, 0x00]), '{"t":1,"v":"x"}']) {
      expect(() => client.deliver('twinbench/footbridge/sensors/x', payload)).not.toThrow();
    }
    client.deliver('twinbench/footbridge/sensors/x', '{"t":1,"v":2}');
    expect(ingested).toHaveLength(1);
    const stats = source.stats();
    expect(stats).toMatchObject({ received: 1, malformed: 4 });
    expect(stats.lastError).toContain('twinbench/footbridge/sensors/x');
    expect(logger.lines.filter((l) => l.level === 'warn')).toHaveLength(1);
  });

  it('stops listening when closed', async () => {
    const { client, ingested, source } = setup();
    client.connect();
    await source.close();
    client.deliver('twinbench/footbridge/sensors/a', '{"t":1,"v":2}');
    expect(ingested).toEqual([]);
    expect(client.listenerCount('message')).toBe(0);
  });
});
