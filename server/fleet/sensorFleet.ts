import { FOOTBRIDGE_COMMAND_TOPIC, FOOTBRIDGE_TOPIC_PREFIX } from '../../src/protocol/telemetry.ts';
import type { TwinCommand } from '../../src/protocol/relay.ts';
import { STATUS_CHANNELS } from '../../src/twin/footbridge.ts';
import { FOOTBRIDGE_INPUT_CHANNELS } from '../../src/twin/footbridgeInputs.ts';
import { FootbridgeSimulation } from '../../src/twin/footbridgeSim.ts';
import { throttled, type Logger } from '../logger.ts';
import type { MqttLike } from '../mqttClient.ts';
import { parseCommandPayload } from './twinCommand.ts';

export interface SensorFleetOptions {
  /** A client of its own, connected to the broker the relay reads. */
  readonly client: MqttLike;
  readonly seed: number;
  readonly logger: Logger;
  /** Wall clock, ms since the Unix epoch. */
  readonly now?: () => number;
  /** How often the pacing timer runs. */
  readonly tickMs?: number;
  /** How far behind real time the fleet may fall before it skips ahead. */
  readonly maxLagMs?: number;
}

export interface FleetStats {
  /** Samples simulated and published (each one reading of every sensor). */
  readonly samples: number;
  /** Samples skipped to catch up with real time. */
  readonly skipped: number;
  readonly commandsApplied: number;
  readonly commandsRejected: number;
}

export interface SensorFleet {
  readonly simulation: FootbridgeSimulation;
  /** Starts the pacing timer; the first sample is due one sample period from now. */
  start(): void;
  /** Runs the samples real time has made due; the timer calls it, tests call it directly. */
  tick(): void;
  stats(): FleetStats;
  /** Stops publishing and lets go of the client (which its owner closes). */
  close(): void;
}

const STATUS_EVERY_SECONDS = 1;

/**
 * The simulated footbridge instrumentation: a FootbridgeSimulation paced by the wall clock,
 * publishing every sensor and every measured input (FOOTBRIDGE_INPUT_CHANNELS: deck load cells
 * and the anemometer, what drives a shadow model) every sample (100 Hz) to
 * `<FOOTBRIDGE_TOPIC_PREFIX>/<channel>` as `{"t": <device time ms>, "v": <value>}` at QoS 0, its
 * STATUS_CHANNELS once a second, and applying TwinCommands that arrive on
 * FOOTBRIDGE_COMMAND_TOPIC.
 *
 * Volume: 17 sensors + 35 inputs = 52 messages per sample, 5200 a second (≈ 80 bytes each with
 * its topic, ≈ 0.4 MB/s), two thirds of them inputs; inputs are rounded to their instruments'
 * resolution to keep them short. Every input is needed each sample: the shadow steps once per
 * row, and a load held over from an earlier row shows up as a residual.
 */
export function createSensorFleet(options: SensorFleetOptions): SensorFleet {
  const { client, logger } = options;
  const now = options.now ?? Date.now;
  const tickMs = options.tickMs ?? 20;
  const maxLagMs = options.maxLagMs ?? 1000;
  const simulation = new FootbridgeSimulation({ seed: options.seed });
  const periodMs = 1000 / simulation.sampleRate;
  const statusEvery = Math.round(STATUS_EVERY_SECONDS * simulation.sampleRate);
  const topic = (channel: string) => `${FOOTBRIDGE_TOPIC_PREFIX}/${channel}`;
  const sensorTopics = simulation.sensors.map((s) => topic(s.id));
  const inputTopics = FOOTBRIDGE_INPUT_CHANNELS.map(topic);
  const readings: number[] = [];
  const inputs: number[] = [];
  const warnLag = throttled((m) => logger.warn(m), 10_000, now);
  const warnCommand = throttled((m) => logger.warn(m), 1000, now);

  let startTime = 0;
  let produced = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  let closed = false;
  const stats = { samples: 0, skipped: 0, commandsApplied: 0, commandsRejected: 0 };

  const publish = (t: string, deviceTime: number, value: number) => {
    if (!Number.isFinite(value)) return;
    client.publish(t, `{"t":${deviceTime},"v":${value}}`, { qos: 0 });
  };

  const publishStatus = (deviceTime: number) => {
    if (!client.connected) return;
    const damage = simulation.damage;
    publish(topic(STATUS_CHANNELS.damagedMember), deviceTime, damage ? damage.member : -1);
    publish(topic(STATUS_CHANNELS.damageHealth), deviceTime, damage ? damage.health : 1);
    publish(topic(STATUS_CHANNELS.pedestrians), deviceTime, simulation.loads.pedestrianCount);
    publish(topic(STATUS_CHANNELS.windSpeed), deviceTime, simulation.loads.windSpeed);
  };

  const sampleTime = (index: number) => Math.round(startTime + (index + 1) * periodMs);

  const runSample = () => {
    simulation.advanceSample();
    const deviceTime = sampleTime(produced);
    // Nothing is queued while the broker is away: stale telemetry is worth less than none.
    if (client.connected) {
      simulation.readSensors(readings);
      for (let i = 0; i < sensorTopics.length; i++)
        publish(sensorTopics[i]!, deviceTime, readings[i]!);
      // The loads of the same sample, at the same device time as the sensors they moved.
      simulation.readInputs(inputs);
      for (let i = 0; i < inputTopics.length; i++) publish(inputTopics[i]!, deviceTime, inputs[i]!);
      if (produced % statusEvery === 0) publishStatus(deviceTime);
    }
    produced++;
    stats.samples++;
  };

  const tick = () => {
    if (closed || timer === undefined) return;
    const due = Math.floor((now() - startTime) / periodMs);
    const behind = due - produced;
    if (behind * periodMs > maxLagMs) {
      warnLag(
        `fell ${((behind * periodMs) / 1000).toFixed(1)} s behind real time (is the machine busy?); ` +
          `skipping ${behind - 1} samples to catch up`,
      );
      stats.skipped += behind - 1;
      produced = due - 1;
    }
    while (produced < due && !closed) runSample();
  };

  const apply = (command: TwinCommand) => {
    switch (command.kind) {
      case 'setDamage':
        simulation.setDamage({ member: command.member, health: command.health });
        logger.info(`member ${command.member} now at health ${command.health}`);
        break;
      case 'clearDamage':
        simulation.setDamage(null);
        logger.info('damage cleared');
        break;
    }
    stats.commandsApplied++;
    // Show the change at once rather than at the next 1 Hz status.
    publishStatus(Math.max(sampleTime(produced - 1), Math.round(now())));
  };

  const onMessage = (messageTopic: string, payload: Buffer) => {
    if (messageTopic !== FOOTBRIDGE_COMMAND_TOPIC) return;
    const parsed = parseCommandPayload(payload, simulation.truss.memberCount);
    if (!parsed.ok) {
      stats.commandsRejected++;
      warnCommand(`ignored a command on ${FOOTBRIDGE_COMMAND_TOPIC}: ${parsed.error}`);
      return;
    }
    apply(parsed.command);
  };

  const onConnect = () => {
    client.subscribe(FOOTBRIDGE_COMMAND_TOPIC, { qos: 1 }, (error) => {
      if (error) logger.error(`cannot subscribe to ${FOOTBRIDGE_COMMAND_TOPIC}: ${error.message}`);
    });
  };

  client.on('message', onMessage);
  client.on('connect', onConnect);
  if (client.connected) onConnect();

  return {
    simulation,
    start() {
      if (timer !== undefined || closed) return;
      startTime = now();
      produced = 0;
      timer = setInterval(tick, tickMs);
    },
    tick,
    stats: () => ({ ...stats }),
    close() {
      closed = true;
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      client.off('message', onMessage);
      client.off('connect', onConnect);
    },
  };
}
