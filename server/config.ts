import { FOOTBRIDGE_TOPIC_PREFIX } from '../src/protocol/telemetry.ts';
import { DEFAULT_AUTH_CONFIG, loadAuthConfig, type AuthConfig } from './auth/authConfig.ts';
import { ConfigError } from './errors.ts';
import { describeDatabaseUrl } from './registry/db/databaseUrl.ts';
import { RegistryDbError } from './registry/db/errors.ts';
import { isNoteKeyName } from '../src/shared/merkle/signedNote.ts';
import type { KafkaStart } from './relay/kafkaSource.ts';

/** Where the relay's MQTT traffic goes: the broker inside this process, or one you run. */
export type MqttBrokerConfig =
  | { readonly kind: 'embedded'; readonly port: number }
  | { readonly kind: 'external'; readonly url: string };

export interface KafkaConfig {
  readonly brokers: readonly string[];
  /** Names, and patterns written `/regex/` in TWINBENCH_KAFKA_TOPICS. */
  readonly topics: readonly (string | RegExp)[];
  /** Where reading starts (TWINBENCH_KAFKA_START); `committed` resumes this relay's group. */
  readonly start: KafkaStart;
  /** The relay's consumer group (TWINBENCH_KAFKA_GROUP); null: one per host and port. */
  readonly groupId: string | null;
}

/** The model registry's storage and the run log's signing key (docs/registry.md). */
export interface RegistryConfig {
  /**
   * PGlite's data directory (TWINBENCH_REGISTRY_DIR), relative to the server's working
   * directory, or `memory://` for a registry that lives as long as the process. Unused when
   * `databaseUrl` is set.
   */
  readonly dataDir: string;
  /** DATABASE_URL: a PostgreSQL server instead of PGlite. */
  readonly databaseUrl: string | null;
  /** TWINBENCH_RUNLOG_KEY_FILE: PEM Ed25519 private key files; empty: the development key. */
  readonly runLogKeyFiles: readonly string[];
  /** TWINBENCH_RUNLOG_ORIGIN: the run log's name in its checkpoints; null: the default. */
  readonly runLogOrigin: string | null;
}

export interface TwinbenchConfig {
  /** Interface the HTTP/WebSocket server binds to. */
  readonly host: string;
  /** HTTP port; 0 picks a free one. */
  readonly port: number;
  readonly mqtt: MqttBrokerConfig;
  /** MQTT topic filters the relay subscribes to. */
  readonly mqttTopics: readonly string[];
  /** The MQTT protocol the relay speaks to the broker: 4 (3.1.1) or 5. */
  readonly mqttVersion: 4 | 5;
  /** Kafka source, or null when TWINBENCH_KAFKA_BROKERS is unset. */
  readonly kafka: KafkaConfig | null;
  /** Whether this process runs the simulated sensor fleet. */
  readonly fleet: boolean;
  readonly seed: number;
  /** The built browser app (`vite build` output). */
  readonly staticDir: string;
  /** Token keys and the anonymous role (TWINBENCH_JWT_*, TWINBENCH_ANONYMOUS_ROLE). */
  readonly auth: AuthConfig;
  /** `text`: one readable line per message; `json`: pino JSON lines for log collectors. */
  readonly logFormat: 'text' | 'json';
  /**
   * A YAML file mapping broker messages to channels (docs/relay.md); null for the built-in
   * `{"t","v"}` mapping. Its MQTT rules' topic filters replace TWINBENCH_MQTT_TOPICS.
   */
  readonly mappingFile: string | null;
  /** PEM certificate and key files: serve HTTPS and WSS; null for plain HTTP. */
  readonly tls: { readonly certFile: string; readonly keyFile: string } | null;
  readonly registry: RegistryConfig;
}

export const DEFAULT_CONFIG: TwinbenchConfig = {
  host: '127.0.0.1',
  port: 8080,
  mqtt: { kind: 'embedded', port: 11883 },
  mqttTopics: [`${FOOTBRIDGE_TOPIC_PREFIX}/#`],
  mqttVersion: 4,
  kafka: null,
  fleet: true,
  seed: 1,
  staticDir: 'dist',
  auth: DEFAULT_AUTH_CONFIG,
  logFormat: 'text',
  mappingFile: null,
  tls: null,
  registry: {
    dataDir: '.twinbench/registry',
    databaseUrl: null,
    runLogKeyFiles: [],
    runLogOrigin: null,
  },
};

export const DEFAULT_KAFKA_TOPICS = ['twinbench.telemetry'] as const;

type Env = Readonly<Record<string, string | undefined>>;

function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function parsePort(env: Env, name: string, fallback: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  const port = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(port) || port > 65535) {
    throw new ConfigError(
      'invalid_port',
      `${name}=${JSON.stringify(raw)} is not a port: use a number from 1 to 65535, or 0 to pick a free one.`,
    );
  }
  return port;
}

function parseList(raw: string): string[] {
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function parseMqttUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(
      'invalid_url',
      `TWINBENCH_MQTT_URL=${JSON.stringify(raw)} is not a URL: use e.g. mqtt://127.0.0.1:1883, or unset it to use the embedded broker.`,
    );
  }
  if (!['mqtt:', 'mqtts:', 'ws:', 'wss:', 'tcp:'].includes(url.protocol)) {
    throw new ConfigError(
      'invalid_url',
      `TWINBENCH_MQTT_URL uses "${url.protocol}": use mqtt://, mqtts://, ws:// or wss://.`,
    );
  }
  return raw;
}

function parseTopicFilters(raw: string): string[] {
  const filters = parseList(raw);
  if (filters.length === 0) {
    throw new ConfigError(
      'invalid_value',
      'TWINBENCH_MQTT_TOPICS is empty: give one or more comma-separated MQTT topic filters, e.g. twinbench/footbridge/sensors/#.',
    );
  }
  for (const filter of filters) {
    const levels = filter.split('/');
    const bad = levels.some(
      (level, i) =>
        (level.includes('#') && (level !== '#' || i !== levels.length - 1)) ||
        (level.includes('+') && level !== '+'),
    );
    if (bad) {
      throw new ConfigError(
        'invalid_value',
        `TWINBENCH_MQTT_TOPICS has an invalid filter ${JSON.stringify(filter)}: "+" must fill a whole level and "#" may only be the last level.`,
      );
    }
  }
  return filters;
}

function parseKafkaBrokers(raw: string): string[] {
  const brokers = parseList(raw);
  for (const broker of brokers) {
    if (!/^[^\s:/]+:\d{1,5}$/.test(broker)) {
      throw new ConfigError(
        'invalid_value',
        `TWINBENCH_KAFKA_BROKERS has ${JSON.stringify(broker)}: list brokers as host:port, comma-separated, e.g. 127.0.0.1:9092.`,
      );
    }
  }
  return brokers;
}

function parseKafkaTopics(raw: string): (string | RegExp)[] {
  return parseList(raw).map((topic) => {
    const pattern = /^\/(.+)\/$/.exec(topic);
    if (pattern === null) return topic;
    try {
      return new RegExp(pattern[1]!);
    } catch (error) {
      throw new ConfigError(
        'invalid_value',
        `TWINBENCH_KAFKA_TOPICS has ${JSON.stringify(topic)}, which is not a valid pattern (${(error as Error).message}): write a pattern as /regex/, e.g. /^plant\\..*/.`,
      );
    }
  });
}

function parseKafkaStart(env: Env): KafkaStart {
  const raw = read(env, 'TWINBENCH_KAFKA_START');
  if (raw === undefined || raw === 'committed') return { kind: 'committed' };
  if (raw === 'latest' || raw === 'earliest') return { kind: raw };
  const offset = /^offset:(\d+)$/.exec(raw);
  if (offset) return { kind: 'offset', offset: offset[1]! };
  if (raw.startsWith('time:')) {
    const text = raw.slice(5);
    const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
    if (Number.isFinite(ms)) return { kind: 'time', ms };
  }
  throw new ConfigError(
    'invalid_value',
    `TWINBENCH_KAFKA_START=${JSON.stringify(raw)} is not a start position: use committed (default), latest, earliest, offset:<n> or time:<ISO time or ms since 1970>.`,
  );
}

function parseMqttVersion(env: Env): 4 | 5 {
  const raw = read(env, 'TWINBENCH_MQTT_VERSION');
  if (raw === undefined) return DEFAULT_CONFIG.mqttVersion;
  if (raw === '5') return 5;
  if (raw === '3.1.1' || raw === '4') return 4;
  throw new ConfigError(
    'invalid_value',
    `TWINBENCH_MQTT_VERSION=${JSON.stringify(raw)} is not an MQTT version: use 3.1.1 (default) or 5.`,
  );
}

function parseTls(env: Env): TwinbenchConfig['tls'] {
  const certFile = read(env, 'TWINBENCH_TLS_CERT');
  const keyFile = read(env, 'TWINBENCH_TLS_KEY');
  if (certFile === undefined && keyFile === undefined) return null;
  if (certFile === undefined || keyFile === undefined)
    throw new ConfigError(
      'invalid_value',
      `${certFile === undefined ? 'TWINBENCH_TLS_CERT' : 'TWINBENCH_TLS_KEY'} is missing: TLS needs both the certificate and its key (PEM files), or neither for plain HTTP.`,
    );
  return { certFile, keyFile };
}

function parseFlag(env: Env, name: string, fallback: boolean): boolean {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(
    'invalid_value',
    `${name}=${JSON.stringify(raw)} is not a switch: use 1 to enable or 0 to disable.`,
  );
}

function parseLogFormat(env: Env): 'text' | 'json' {
  const raw = read(env, 'TWINBENCH_LOG_FORMAT');
  if (raw === undefined) return DEFAULT_CONFIG.logFormat;
  if (raw === 'text' || raw === 'json') return raw;
  throw new ConfigError(
    'invalid_value',
    `TWINBENCH_LOG_FORMAT=${JSON.stringify(raw)} is not a log format: use text (readable lines) or json (pino JSON lines).`,
  );
}

function parseSeed(env: Env): number {
  const raw = read(env, 'TWINBENCH_SEED');
  if (raw === undefined) return DEFAULT_CONFIG.seed;
  const seed = /^-?\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(seed)) {
    throw new ConfigError(
      'invalid_value',
      `TWINBENCH_SEED=${JSON.stringify(raw)} is not an integer: use e.g. TWINBENCH_SEED=42.`,
    );
  }
  return seed;
}

function parseRegistry(env: Env): RegistryConfig {
  const databaseUrl = read(env, 'DATABASE_URL') ?? null;
  if (databaseUrl !== null) {
    try {
      describeDatabaseUrl(databaseUrl);
    } catch (error) {
      if (error instanceof RegistryDbError) throw new ConfigError('invalid_url', error.message);
      throw error;
    }
  }
  const origin = read(env, 'TWINBENCH_RUNLOG_ORIGIN') ?? null;
  if (origin !== null && !isNoteKeyName(origin)) {
    throw new ConfigError(
      'invalid_value',
      `TWINBENCH_RUNLOG_ORIGIN=${JSON.stringify(origin)} is not a log name: use a schema-less URL without spaces or "+", e.g. twinbench.example.org/runlog.`,
    );
  }
  return {
    dataDir: read(env, 'TWINBENCH_REGISTRY_DIR') ?? DEFAULT_CONFIG.registry.dataDir,
    databaseUrl,
    runLogKeyFiles: parseList(read(env, 'TWINBENCH_RUNLOG_KEY_FILE') ?? ''),
    runLogOrigin: origin,
  };
}

/**
 * Reads the server configuration from environment variables (merged with a config file and
 * flags by configSources.ts); throws a ConfigError naming the variable and a valid value when
 * one is wrong.
 *
 * @example loadConfig({ TWINBENCH_PORT: '0', TWINBENCH_FLEET: '0' })
 */
export function loadConfig(env: Env): TwinbenchConfig {
  const mqttUrl = read(env, 'TWINBENCH_MQTT_URL');
  const mqttPort = parsePort(env, 'TWINBENCH_MQTT_PORT', 11883);
  const kafkaBrokers = read(env, 'TWINBENCH_KAFKA_BROKERS');
  const kafkaTopics = read(env, 'TWINBENCH_KAFKA_TOPICS');
  const mqttTopics = read(env, 'TWINBENCH_MQTT_TOPICS');
  let kafka: KafkaConfig | null = null;
  if (kafkaBrokers !== undefined) {
    const brokers = parseKafkaBrokers(kafkaBrokers);
    const topics =
      kafkaTopics === undefined ? [...DEFAULT_KAFKA_TOPICS] : parseKafkaTopics(kafkaTopics);
    if (brokers.length > 0 && topics.length === 0) {
      throw new ConfigError(
        'invalid_value',
        'TWINBENCH_KAFKA_TOPICS is empty: give one or more comma-separated topic names, or unset it for twinbench.telemetry.',
      );
    }
    if (brokers.length > 0)
      kafka = {
        brokers,
        topics,
        start: parseKafkaStart(env),
        groupId: read(env, 'TWINBENCH_KAFKA_GROUP') ?? null,
      };
  }
  return {
    host: read(env, 'TWINBENCH_HOST') ?? DEFAULT_CONFIG.host,
    port: parsePort(env, 'TWINBENCH_PORT', DEFAULT_CONFIG.port),
    mqtt:
      mqttUrl === undefined
        ? { kind: 'embedded', port: mqttPort }
        : { kind: 'external', url: parseMqttUrl(mqttUrl) },
    mqttTopics:
      mqttTopics === undefined ? DEFAULT_CONFIG.mqttTopics : parseTopicFilters(mqttTopics),
    mqttVersion: parseMqttVersion(env),
    kafka,
    fleet: parseFlag(env, 'TWINBENCH_FLEET', DEFAULT_CONFIG.fleet),
    seed: parseSeed(env),
    staticDir: read(env, 'TWINBENCH_STATIC_DIR') ?? DEFAULT_CONFIG.staticDir,
    auth: loadAuthConfig(env),
    logFormat: parseLogFormat(env),
    mappingFile: read(env, 'TWINBENCH_MAPPING') ?? null,
    tls: parseTls(env),
    registry: parseRegistry(env),
  };
}
