import { describe, expect, it } from 'vitest';
import { FOOTBRIDGE_COMMAND_TOPIC } from '../../src/protocol/telemetry.ts';
import { MockMqttClient } from '../testing/mockMqttClient.ts';
import { createMqttCommandSink } from './commandSink.ts';

describe('MQTT command sink', () => {
  it('publishes the command as JSON at QoS 1 on the command topic', async () => {
    const client = new MockMqttClient();
    client.connected = true;
    const sink = createMqttCommandSink({ client });
    await expect(sink.send({ kind: 'setDamage', member: 2, health: 0.4 })).resolves.toContain(
      'setDamage',
    );
    expect(client.published).toEqual([
      {
        topic: FOOTBRIDGE_COMMAND_TOPIC,
        message: '{"kind":"setDamage","member":2,"health":0.4}',
        qos: 1,
      },
    ]);
  });

  it('refuses commands while the broker is disconnected, or that the twin check rejects', async () => {
    const client = new MockMqttClient();
    const sink = createMqttCommandSink({
      client,
      check: (c) => (c.kind === 'setDamage' ? 'no such member' : null),
    });
    await expect(sink.send({ kind: 'clearDamage' })).rejects.toMatchObject({
      reason: 'broker_disconnected',
    });
    client.connected = true;
    await expect(sink.send({ kind: 'setDamage', member: 999, health: 0.5 })).rejects.toMatchObject({
      reason: 'invalid_for_twin',
      message: 'no such member',
    });
    expect(client.published).toEqual([]);
  });

  it('reports a publish the broker refused', async () => {
    const client = new MockMqttClient();
    client.connected = true;
    client.publishError = new Error('not authorised');
    const sink = createMqttCommandSink({ client });
    await expect(sink.send({ kind: 'clearDamage' })).rejects.toMatchObject({
      reason: 'publish_failed',
    });
  });
});
