import { afterEach, describe, expect, it } from 'vitest';
import {
  parseTelemetry,
  FOOTBRIDGE_COMMAND_TOPIC,
  FOOTBRIDGE_TOPIC_PREFIX,
} from '../../src/protocol/telemetry.ts';
import { STATUS_CHANNELS } from '../../src/twin/footbridge.ts';
import { FOOTBRIDGE_INPUTS, FOOTBRIDGE_INPUT_CHANNELS } from '../../src/twin/footbridgeInputs.ts';
import { footbridgeChannelUnits } from './channelUnits.ts';
import { createMemoryLogger } from '../logger.ts';
import { MockMqttClient } from '../testing/mockMqttClient.ts';
import { createSensorFleet, type SensorFleet } from './sensorFleet.ts';

const T0 = 1_700_000_000_000;
let fleet: SensorFleet | undefined;

function setup(connected = true) {
  const client = new MockMqttClient();
  if (connected) client.connect();
  const logger = createMemoryLogger();
  const clock = { now: T0 };
  // A timer period no test reaches: the tests tick by hand.
  fleet = createSensorFleet({ client, seed: 7, logger, now: () => clock.now, tickMs: 1e9 });
  fleet.start();
  return { client, logger, clock, fleet };
}

function valuesOf(client: MockMqttClient, channel: string): { t: number; v: number }[] {
  return client.published
    .filter((p) => p.topic === `${FOOTBRIDGE_TOPIC_PREFIX}/${channel}`)
    .map((p) => {
      const parsed = parseTelemetry(p.message);
      if (!parsed.ok) throw new Error(parsed.error);
      return parsed.payload;
    });
}

afterEach(() => fleet?.close());

describe('sensor fleet', () => {
  it('publishes every sensor for every 10 ms sample real time has made due', () => {
    const { client, clock, fleet } = setup();
    clock.now += 50;
    fleet.tick();
    const sensors = fleet.simulation.sensors;
    expect(sensors.length).toBeGreaterThan(10);
    for (const sensor of sensors) {
      expect(valuesOf(client, sensor.id).map((p) => p.t)).toEqual([
        T0 + 10,
        T0 + 20,
        T0 + 30,
        T0 + 40,
        T0 + 50,
      ]);
    }
    expect(client.published.every((p) => p.qos === 0)).toBe(true);
    expect(fleet.stats().samples).toBe(5);
    clock.now += 5;
    fleet.tick();
    expect(fleet.stats().samples).toBe(5);
  });

  it('publishes every measured input with the sensors, at the same device times', () => {
    const { client, clock, fleet } = setup();
    clock.now += 30;
    fleet.tick();
    expect(FOOTBRIDGE_INPUT_CHANNELS).toHaveLength(35);
    for (const channel of FOOTBRIDGE_INPUT_CHANNELS) {
      expect(valuesOf(client, channel).map((p) => p.t)).toEqual([T0 + 10, T0 + 20, T0 + 30]);
    }
    // 17 sensors and 35 inputs per sample.
    expect(client.published).toHaveLength(3 * (fleet.simulation.sensors.length + 35) + 4);
    // The wind is near its 7 m/s mean; the deck forces are a walker's weight or noise (σ 2 N).
    const wind = valuesOf(client, 'wind.speed')[0]!.v;
    expect(wind).toBeGreaterThan(0);
    expect(wind).toBeLessThan(20);
    for (const channel of FOOTBRIDGE_INPUT_CHANNELS.filter((c) => c.startsWith('load.z.')))
      expect(Math.abs(valuesOf(client, channel)[0]!.v)).toBeLessThan(2000);
    // Rounded to the instruments' resolution: short payloads.
    const payload = client.published.find((p) => p.topic.endsWith('/load.z.L8'))!.message;
    expect(String(payload).length).toBeLessThan(36);
  });

  it('gives every input channel its unit', () => {
    const units = footbridgeChannelUnits();
    for (const input of FOOTBRIDGE_INPUTS) expect(units.get(input.id)).toBe(input.unit);
    expect(units.get('load.z.R16')).toBe('N');
    expect(units.get('wind.speed')).toBe('m/s');
  });

  it('publishes the status channels once a second', () => {
    const { client, clock, fleet } = setup();
    for (let i = 0; i < 4; i++) {
      clock.now += 500;
      fleet.tick();
    }
    expect(fleet.stats().skipped).toBe(0);
    expect(valuesOf(client, STATUS_CHANNELS.damagedMember)).toEqual([
      { t: T0 + 10, v: -1 },
      { t: T0 + 1010, v: -1 },
    ]);
    expect(valuesOf(client, STATUS_CHANNELS.damageHealth).map((p) => p.v)).toEqual([1, 1]);
    expect(valuesOf(client, STATUS_CHANNELS.pedestrians)).toHaveLength(2);
    expect(valuesOf(client, STATUS_CHANNELS.windSpeed)).toHaveLength(2);
  });

  it('skips ahead with a warning when it falls more than a second behind', () => {
    const { client, clock, fleet, logger } = setup();
    clock.now += 5000;
    fleet.tick();
    expect(fleet.stats()).toMatchObject({ samples: 1, skipped: 499 });
    expect(valuesOf(client, 'disp.z.L50').map((p) => p.t)).toEqual([T0 + 5000]);
    expect(
      logger.lines.some((l) => l.level === 'warn' && l.line.includes('behind real time')),
    ).toBe(true);
  });

  it('keeps simulating but publishes nothing while the broker is away', () => {
    const { client, clock, fleet } = setup(false);
    clock.now += 30;
    fleet.tick();
    expect(fleet.stats().samples).toBe(3);
    expect(client.published).toEqual([]);
  });

  it('subscribes to the command topic and applies valid commands', () => {
    const { client, clock, fleet } = setup();
    expect(client.subscriptions).toEqual([FOOTBRIDGE_COMMAND_TOPIC]);
    clock.now += 10;
    fleet.tick();
    client.published.length = 0;
    client.deliver(FOOTBRIDGE_COMMAND_TOPIC, '{"kind":"setDamage","member":12,"health":0.3}');
    expect(fleet.simulation.damage).toEqual({ member: 12, health: 0.3 });
    // The new status goes out at once, not at the next 1 Hz status.
    expect(valuesOf(client, STATUS_CHANNELS.damagedMember).map((p) => p.v)).toEqual([12]);
    expect(valuesOf(client, STATUS_CHANNELS.damageHealth).map((p) => p.v)).toEqual([0.3]);
    client.deliver(FOOTBRIDGE_COMMAND_TOPIC, '{"kind":"clearDamage"}');
    expect(fleet.simulation.damage).toBeNull();
    expect(fleet.stats().commandsApplied).toBe(2);
  });

  it('ignores and logs invalid commands', () => {
    const { client, fleet, logger } = setup();
    const members = fleet.simulation.truss.memberCount;
    for (const payload of [
      'garbage',
      '{"kind":"explode"}',
      '{"kind":"setDamage","member":3,"health":7}',
      `{"kind":"setDamage","member":${members},"health":0.5}`,
    ]) {
      client.deliver(FOOTBRIDGE_COMMAND_TOPIC, payload);
    }
    expect(fleet.simulation.damage).toBeNull();
    expect(fleet.stats()).toMatchObject({ commandsApplied: 0, commandsRejected: 4 });
    expect(
      logger.lines.some((l) => l.level === 'warn' && l.line.includes('ignored a command')),
    ).toBe(true);
    client.deliver('twinbench/other', '{"kind":"clearDamage"}');
    expect(fleet.stats().commandsRejected).toBe(4);
  });

  it('stops when closed', () => {
    const { client, clock, fleet } = setup();
    fleet.close();
    clock.now += 100;
    fleet.tick();
    client.deliver(FOOTBRIDGE_COMMAND_TOPIC, '{"kind":"setDamage","member":1,"health":0.5}');
    expect(client.published).toEqual([]);
    expect(fleet.simulation.damage).toBeNull();
  });
});
