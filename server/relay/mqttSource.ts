import { compileMapping, legacyMappingConfig, type SourceMapper } from '../ingest/index.ts';
import { throttled, type Logger } from '../logger.ts';
import type { MqttLike } from '../mqttClient.ts';
import type { SampleSink } from './relayHub.ts';
import { SourceCounters, type TelemetrySource } from './telemetrySource.ts';
import { createMappedIngest } from './mappedIngest.ts';

export interface MqttSourceOptions {
  /** A connected (or connecting) client; reconnects are mqtt.js's job, the owner closes it. */
  readonly client: MqttLike;
  /** Topic filters to read; the channel is the topic minus the matching filter's prefix. */
  readonly filters: readonly string[];
  readonly sink: SampleSink;
  readonly logger: Logger;
  /** Shown in stats, e.g. `mqtt mqtt://127.0.0.1:11883`. */
  readonly name?: string;
  /**
   * Turns messages into samples (and bad ones into dead letters); by default today's
   * `{"t","v"}` payloads, the channel being the topic minus the matching filter's prefix.
   */
  readonly mapper?: SourceMapper;
  readonly now?: () => number;
}

export interface MqttSource extends TelemetrySource {
  /** Resolves when the broker first confirmed the subscription. */
  readonly subscribed: Promise<void>;
}

/**
 * Reads telemetry from MQTT topics into the hub through the source's mapping. Messages the
 * mapping refuses become dead letters, counted and reported in stats; nothing a publisher sends
 * makes it throw. When the broker goes away mqtt.js reconnects by itself (with its reconnect
 * period); the source says so in its stats and subscribes again on every connect. Messages
 * published meanwhile never reach it (QoS 0): they are missing from `received`, not queued.
 */
export function createMqttSource(options: MqttSourceOptions): MqttSource {
  const { client, filters, sink, logger } = options;
  const counters = new SourceCounters(options.name ?? 'mqtt');
  const warnMalformed = throttled((m) => logger.warn(m), 5000, options.now);
  counters.connected = client.connected;
  let markSubscribed: () => void = () => {};
  const subscribed = new Promise<void>((resolve) => (markSubscribed = resolve));

  const mapper =
    options.mapper ?? compileMapping(legacyMappingConfig({ mqttFilters: filters })).source('mqtt');
  const onMessage = createMappedIngest({
    mapper,
    sink,
    counters,
    prefix: 'mqtt',
    onDeadLetter: warnMalformed,
    ...(options.now ? { now: options.now } : {}),
  });
  let connects = 0;
  const onConnect = () => {
    counters.connected = true;
    if (connects++ > 0) logger.info(`reconnected; subscribing again to ${filters.join(', ')}`);
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
    // mqtt.js emits both 'close' and 'offline' for one loss: report it once.
    if (!counters.connected) return;
    counters.connected = false;
    counters.lastError = 'lost the broker connection; reconnecting';
    logger.warn(
      'lost the broker connection; reconnecting. Messages published while it is away are not received (QoS 0)',
    );
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
