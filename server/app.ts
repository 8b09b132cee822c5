import { readFile } from 'node:fs/promises';
import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { hostname } from 'node:os';
import { Registry } from 'prom-client';
import { createAcl, defaultAclConfig } from './auth/acl.ts';
import { createRelayAuth } from './auth/relayAuth.ts';
import { createDeadLetterRoute } from './http/deadLetterRoute.ts';
import { createOpsRoutes } from './http/opsRoutes.ts';
import { createRegistryRoutes } from './registry/http/registryRoutes.ts';
import { startRegistry } from './registry/startRegistry.ts';
import { loadMapping } from './ingest/loadMapping.ts';
import { createHealthCheck } from './metrics/health.ts';
import {
  AUTH_FAILURE_REASONS,
  createRelayMetrics,
  type AuthFailureReason,
} from './metrics/relayMetrics.ts';
import { isPortInUse, listen } from './listen.ts';
import { buildFootbridge } from '../src/twin/footbridge.ts';
import { startEmbeddedBroker } from './broker/embeddedBroker.ts';
import type { TwinbenchConfig } from './config.ts';
import { StartupError, errorMessage } from './errors.ts';
import { footbridgeChannelUnits } from './fleet/channelUnits.ts';
import { createSensorFleet } from './fleet/sensorFleet.ts';
import { checkCommandForTwin } from './fleet/twinCommand.ts';
import { createStaticHandler } from './http/staticServer.ts';
import type { Logger } from './logger.ts';
import { connectMqtt } from './mqttClient.ts';
import { createMqttCommandSink } from './relay/commandSink.ts';
import { createKafkaSource, relayGroupId } from './relay/kafkaSource.ts';
import { createMqttSource } from './relay/mqttSource.ts';
import { RelayHub } from './relay/relayHub.ts';
import type { TelemetrySource } from './relay/telemetrySource.ts';
import { attachRelayWsServer } from './relay/wsServer.ts';

export interface TwinbenchServer {
  /** Where the app is served, e.g. `http://localhost:8080/`. */
  readonly url: string;
  /** The HTTP port actually bound. */
  readonly port: number;
  /** The MQTT broker the relay reads (the embedded one unless TWINBENCH_MQTT_URL is set). */
  readonly mqttUrl: string;
  /** Whether mqttUrl is the broker inside this process. */
  readonly embeddedBroker: boolean;
  readonly hub: RelayHub;
  /** The Prometheus registry served at /metrics. */
  readonly metrics: Registry;
  /** Stops everything it started, in reverse order. Safe to call twice. */
  close(): Promise<void>;
}

type Closer = () => Promise<void> | void;

/** How long a shutdown waits for clients to take what was queued for them. */
const SHUTDOWN_DRAIN_MS = 2000;

/** Dead letters are published on `<prefix>/<source>` of the relay's MQTT broker, as JSON. */
export const DEAD_LETTER_TOPIC_PREFIX = 'twinbench/deadletter';

function publicUrl(host: string, port: number, tls: boolean): string {
  const local = ['127.0.0.1', '0.0.0.0', '::', '::1', 'localhost'].includes(host);
  const name = local ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `${tls ? 'https' : 'http'}://${name}:${port}/`;
}

/** An HTTP server, or HTTPS with the configured certificate (read at start). */
async function createWebServer(
  tls: TwinbenchConfig['tls'],
  handler: RequestListener,
): Promise<Server> {
  if (tls === null) return createServer(handler);
  let cert: Buffer, key: Buffer;
  try {
    [cert, key] = await Promise.all([readFile(tls.certFile), readFile(tls.keyFile)]);
  } catch (error) {
    throw new StartupError(
      'tls_unreadable',
      `cannot read the TLS certificate or key (${errorMessage(error)}): check TWINBENCH_TLS_CERT and TWINBENCH_TLS_KEY.`,
      { cause: error },
    );
  }
  try {
    return createHttpsServer({ cert, key }, handler);
  } catch (error) {
    throw new StartupError(
      'tls_unreadable',
      `the TLS certificate or key is not usable (${errorMessage(error)}): give PEM files of a matching pair.`,
      { cause: error },
    );
  }
}

async function listenHttp(server: Server, host: string, port: number): Promise<number> {
  try {
    return await listen(server, port, host);
  } catch (error) {
    if (isPortInUse(error)) {
      throw new StartupError(
        'port_in_use',
        `Twinbench cannot listen on ${host}:${port}: the port is in use (another Twinbench?). ` +
          'Stop the other server or set TWINBENCH_PORT to a free port (0 picks one).',
        { cause: error },
      );
    }
    throw new StartupError(
      'listen_failed',
      `Twinbench cannot listen on ${host}:${port} (${errorMessage(error)}). Check TWINBENCH_HOST and TWINBENCH_PORT.`,
      { cause: error },
    );
  }
}

/**
 * Starts the whole server: the model registry (its database and run log), the embedded MQTT
 * broker (unless an external one is configured), the simulated sensor fleet, the relay (MQTT and
 * optional Kafka sources, hub, WebSocket endpoint), the registry's HTTP API and the static app,
 * on one HTTP server. On failure everything already started is closed again
 * and the error (a StartupError for port problems) is thrown.
 *
 * @example
 * const app = await startTwinbench(loadConfig(process.env), createConsoleLogger());
 * // … later
 * await app.close();
 */
export async function startTwinbench(
  config: TwinbenchConfig,
  logger: Logger,
): Promise<TwinbenchServer> {
  const closers: Closer[] = [];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) {
      try {
        await close();
      } catch (error) {
        logger.warn(`error while closing: ${errorMessage(error)}`);
      }
    }
  };

  try {
    // First: a relay that must not start (keys unusable, anonymous off loopback) starts nothing.
    const auth = await createRelayAuth({ config: config.auth, host: config.host });
    if (auth.mode.kind === 'anonymous') logger.warn(auth.description);
    else logger.info(auth.description);

    // Before the broker: a registry database that cannot be opened stops startup here.
    const modelRegistry = await startRegistry(config.registry, { logger });
    closers.push(() => modelRegistry.close());

    let mqttUrl: string;
    if (config.mqtt.kind === 'embedded') {
      const broker = await startEmbeddedBroker(config.mqtt.port, logger.child('broker'));
      closers.push(() => broker.close());
      mqttUrl = broker.url;
    } else {
      mqttUrl = config.mqtt.url;
    }

    const registry = new Registry();
    const sources: TelemetrySource[] = [];
    const sourceStats = () => sources.map((source) => source.stats());
    const metrics = createRelayMetrics(registry, { sourceStats });
    // Dead letters are kept for the UI and published for other tools once the MQTT client is up.
    let publishDeadLetter: (source: string, entry: object) => void = () => {};
    const { mapper, mqttFilters } = await loadMapping(config, {
      onDeadLetter: (entry) => {
        metrics.source(entry.source).deadLetter(entry.reason);
        publishDeadLetter(entry.source, entry);
      },
    });
    const units = footbridgeChannelUnits();
    const hub = new RelayHub({
      logger: logger.child('relay'),
      unitOf: (channel) => units.get(channel) ?? '',
      sourceStats: () => sources.map((source) => source.stats()),
    });
    closers.push(() => hub.stop());

    const relayMqtt = connectMqtt(mqttUrl, 'relay', { protocolVersion: config.mqttVersion });
    closers.push(() => relayMqtt.close());
    publishDeadLetter = (source, entry) => {
      if (relayMqtt.client.connected)
        relayMqtt.client.publish(
          `${DEAD_LETTER_TOPIC_PREFIX}/${source}`,
          JSON.stringify(entry),
          { qos: 0 },
          () => {},
        );
    };
    const mqttSource = createMqttSource({
      client: relayMqtt.client,
      filters: mqttFilters,
      mapper: mapper.source('mqtt'),
      sink: hub,
      logger: logger.child('mqtt'),
      name: `mqtt ${mqttUrl}`,
    });
    closers.push(() => mqttSource.close());
    sources.push(mqttSource);

    if (config.kafka !== null) {
      const kafkaSource = createKafkaSource({
        brokers: config.kafka.brokers,
        topics: config.kafka.topics,
        start: config.kafka.start,
        // One group per relay instance, stable across restarts so commits resume it; a relay on
        // a random port gets a group of its own.
        groupId:
          config.kafka.groupId ??
          (config.port === 0 ? relayGroupId() : `twinbench-relay-${hostname()}-${config.port}`),
        mapper: mapper.source('kafka'),
        sink: hub,
        // Lossless clients falling behind pause the consumer; Kafka keeps the records.
        backpressure: hub.backpressure,
        logger: logger.child('kafka'),
      });
      closers.push(() => kafkaSource.close());
      sources.push(kafkaSource);
    }

    const memberCount = buildFootbridge().members.length;
    const commands = createMqttCommandSink({
      client: relayMqtt.client,
      check: (command) => checkCommandForTwin(command, memberCount),
    });

    if (config.fleet) {
      const fleetMqtt = connectMqtt(mqttUrl, 'fleet');
      closers.push(() => fleetMqtt.close());
      const fleet = createSensorFleet({
        client: fleetMqtt.client,
        seed: config.seed,
        logger: logger.child('fleet'),
      });
      closers.push(() => fleet.close());
      fleet.start();
    }

    const ops = createOpsRoutes({
      registry,
      health: createHealthCheck({ sourceStats, clientCount: () => hub.clientCount }),
      logger: logger.child('ops'),
    });
    const deadLetters = createDeadLetterRoute(mapper.deadLetters);
    const registryRoutes = createRegistryRoutes({
      db: modelRegistry.db,
      log: modelRegistry.log,
      authenticate: (request) => auth.authenticate(request),
      logger: logger.child('registry'),
    });
    const web = createStaticHandler(config.staticDir);
    const server = await createWebServer(config.tls, (request, response) => {
      if (
        !ops(request, response) &&
        !deadLetters(request, response) &&
        !registryRoutes.handle(request, response)
      )
        web(request, response);
    });
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    const port = await listenHttp(server, config.host, config.port);
    // Attached after listen: the WebSocket server would re-emit a listen error as its own.
    const auditLog = logger.child('audit');
    const relay = attachRelayWsServer({
      server,
      hub,
      commands,
      logger: logger.child('ws'),
      authenticate: (request) => auth.authenticate(request),
      acl: createAcl(defaultAclConfig()),
      onAuthFailure: (reason) => {
        if ((AUTH_FAILURE_REASONS as readonly string[]).includes(reason))
          metrics.authFailure(reason as AuthFailureReason);
      },
      metrics,
      audit: (entry) => {
        auditLog.info(
          `${entry.who} (${entry.role}) ${entry.outcome} command on ${entry.topic}: ${entry.message}`,
          { ...entry },
        );
        if (entry.outcome === 'forbidden') metrics.authFailure('forbidden');
        else metrics.command(entry.outcome);
      },
    });
    closers.push(() => relay.close());
    // Runs first on close: stop taking telemetry, send clients what is queued, let it drain.
    closers.push(async () => {
      await Promise.all(sources.map((source) => source.close()));
      hub.flush();
      await relay.drain(SHUTDOWN_DRAIN_MS);
    });
    hub.start();

    let closing: Promise<void> | undefined;
    return {
      url: publicUrl(config.host, port, config.tls !== null),
      port,
      mqttUrl,
      embeddedBroker: config.mqtt.kind === 'embedded',
      hub,
      metrics: registry,
      close: () => (closing ??= closeAll()),
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
