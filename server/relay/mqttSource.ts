import { parseTelemetry } from '../../src/protocol/telemetry.ts';
import { throttled, type Logger } from '../logger.ts';
import type { MqttLike } from '../mqttClient.ts';
import type { SampleSink } from './relayHub.ts';
import { SourceCounters, type TelemetrySource } from './telemetrySource.ts';
import { channelForTopic } from './topicChannel.ts';

export interface MqttSourceOptions {
  /** A connected (or connecting) client; reconnects are mqtt.js's job, the owner closes it. */
  readonly client: MqttLike;
  /** Topic filters to read; the channel is the topic minus the matching filter's prefix. */
  readonly filters: readonly string[];
  readonly sink: SampleSink;
  readonly logger: Logger;
  /** Shown in stats, e.g. `mqtt mqtt://127.0.0.1:11883`. */
  readonly name?: string;
  readonly now?: () => number;
}

export interface MqttSource extends TelemetrySource {
  /** Resolves when the broker first confirmed the subscription. */
  readonly subscribed: Promise<void>;
}

/**
 * Reads telemetry (`{"t": ms, "v": number}`) from MQTT topics into the hub. Malformed payloads
 * are counted, reported in stats and dropped; nothing a publisher sends makes it throw.
 */
export function createMqttSource(options: MqttSourceOptions): MqttSource {
  const { client, filters, sink, logger } = options;
  const counters = new SourceCounters(options.name ?? 'mqtt');
  const warnMalformed = throttled((m) => logger.warn(m), 5000, options.now);
  counters.connected = client.connected;
  let markSubscribed: () => void = () => {};
  const subscribed = new Promise<void>((resolve) => (markSubscribed = resolve));

  const onMessage = (topic: string, payload: Buffer) => {
    const parsed = parseTelemetry(payload);
    if (!parsed.ok) {
      counters.malformed++;
      counters.lastError = `malformed payload on ${topic}: ${parsed.error}`;
      warnMalformed(counters.lastError);
      return;
    }
    const channel = channelForTopic(filters, topic);
    if (sink.ingest(channel, parsed.payload.t, parsed.payload.v, `mqtt:${topic}`)) {
      counters.received++;
    } else {
      counters.malformed++;
      counters.lastError = `channel "${channel}" refused: the relay's channel table is full`;
    }
  };
  const onConnect = () => {
    counters.connected = true;
    client.subscribe([...filters], { qos: 0 }, (error) => {
      if (error) {
        counters.lastError = `cannot subscribe to ${filters.join(', ')}: ${error.message}`;
        logger.error(counters.lastError);
      } else {
        markSubscribed();
      }
    });
  };
  const onDisconnect = () => {
    counters.connected = false;
  };
  const onError = (error: Error) => {
    counters.lastError = error.message;
  };

  client.on('message', onMessage);
  client.on('connect', onConnect);
  client.on('close', onDisconnect);
  client.on('offline', onDisconnect);
  client.on('error', onError);
  if (client.connected) onConnect();

  return {
    subscribed,
    stats: () => counters.snapshot(),
    close() {
      client.off('message', onMessage);
      client.off('connect', onConnect);
      client.off('close', onDisconnect);
      client.off('offline', onDisconnect);
      client.off('error', onError);
      counters.connected = false;
      return Promise.resolve();
    },
  };
}
