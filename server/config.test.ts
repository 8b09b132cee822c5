import { DEFAULT_AUTH_CONFIG } from './auth/authConfig.ts';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, loadConfig } from './config.ts';
import { ConfigError } from './errors.ts';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('uses the defaults for an empty environment', () => {
    expect(loadConfig({})).toEqual(DEFAULT_CONFIG);
    expect(DEFAULT_CONFIG).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      mqtt: { kind: 'embedded', port: 11883 },
      mqttTopics: ['twinbench/footbridge/sensors/#'],
      kafka: null,
      fleet: true,
      staticDir: 'dist',
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      TWINBENCH_HOST: '0.0.0.0',
      TWINBENCH_PORT: '0',
      TWINBENCH_MQTT_URL: 'mqtt://broker.local:1883',
      TWINBENCH_MQTT_TOPICS: 'a/#, b/+/c',
      TWINBENCH_MQTT_VERSION: '5',
      TWINBENCH_KAFKA_BROKERS: '127.0.0.1:19092,kafka:9092',
      TWINBENCH_KAFKA_TOPICS: 'one,two',
      TWINBENCH_KAFKA_START: 'time:2026-11-01T00:00:00Z',
      TWINBENCH_KAFKA_GROUP: 'relay-a',
      TWINBENCH_FLEET: '0',
      TWINBENCH_SEED: '42',
      TWINBENCH_STATIC_DIR: 'build/app',
      TWINBENCH_JWT_SECRET: 'a-secret-of-at-least-thirty-two-bytes!!',
      TWINBENCH_ANONYMOUS_ROLE: 'viewer',
      TWINBENCH_LOG_FORMAT: 'json',
      TWINBENCH_MAPPING: 'plant.yaml',
      TWINBENCH_REGISTRY_DIR: '/var/lib/twinbench/registry',
      DATABASE_URL: 'postgres://twin:pw@db.local:5432/twinbench',
      TWINBENCH_RUNLOG_KEY_FILE: 'a.pem, b.pem',
      TWINBENCH_RUNLOG_ORIGIN: 'twin.example.org/runlog',
    });
    expect(config).toEqual({
      host: '0.0.0.0',
      port: 0,
      mqtt: { kind: 'external', url: 'mqtt://broker.local:1883' },
      mqttTopics: ['a/#', 'b/+/c'],
      mqttVersion: 5,
      kafka: {
        brokers: ['127.0.0.1:19092', 'kafka:9092'],
        topics: ['one', 'two'],
        start: { kind: 'time', ms: Date.UTC(2026, 10, 1) },
        groupId: 'relay-a',
      },
      fleet: false,
      seed: 42,
      staticDir: 'build/app',
      auth: {
        ...DEFAULT_AUTH_CONFIG,
        secret: 'a-secret-of-at-least-thirty-two-bytes!!',
        anonymousRole: 'viewer',
      },
      logFormat: 'json',
      mappingFile: 'plant.yaml',
      tls: null,
      registry: {
        dataDir: '/var/lib/twinbench/registry',
        databaseUrl: 'postgres://twin:pw@db.local:5432/twinbench',
        runLogKeyFiles: ['a.pem', 'b.pem'],
        runLogOrigin: 'twin.example.org/runlog',
      },
    });
  });

  it('keeps the registry in .twinbench/registry with PGlite unless DATABASE_URL is set', () => {
    expect(DEFAULT_CONFIG.registry).toEqual({
      dataDir: '.twinbench/registry',
      databaseUrl: null,
      runLogKeyFiles: [],
      runLogOrigin: null,
    });
  });

  it('refuses a DATABASE_URL that is not a PostgreSQL URL, without repeating it', () => {
    const error = configError({ DATABASE_URL: 'mysql://root:hunter2@db/x' });
    expect(error.reason).toBe('invalid_url');
    expect(error.message).toMatch(/postgres:\/\//);
    expect(error.message).not.toContain('hunter2');
    expect(configError({ TWINBENCH_RUNLOG_ORIGIN: 'has space' }).message).toMatch(
      /TWINBENCH_RUNLOG_ORIGIN/,
    );
  });

  it('uses the embedded broker port when no URL is set, 0 meaning any free port', () => {
    expect(loadConfig({ TWINBENCH_MQTT_PORT: '0' }).mqtt).toEqual({ kind: 'embedded', port: 0 });
  });

  it('defaults the Kafka topic once brokers are given', () => {
    expect(loadConfig({ TWINBENCH_KAFKA_BROKERS: 'localhost:9092' }).kafka).toEqual({
      brokers: ['localhost:9092'],
      topics: ['twinbench.telemetry'],
      start: { kind: 'committed' },
      groupId: null,
    });
    const start = (value: string) =>
      loadConfig({ TWINBENCH_KAFKA_BROKERS: 'localhost:9092', TWINBENCH_KAFKA_START: value }).kafka!
        .start;
    expect(start('earliest')).toEqual({ kind: 'earliest' });
    expect(start('offset:1200')).toEqual({ kind: 'offset', offset: '1200' });
    expect(start('time:1700000000000')).toEqual({ kind: 'time', ms: 1700000000000 });
    const topics = (value: string) =>
      loadConfig({ TWINBENCH_KAFKA_BROKERS: 'localhost:9092', TWINBENCH_KAFKA_TOPICS: value })
        .kafka!.topics;
    expect(topics('plant.a, /^plant\\..*$/')).toEqual(['plant.a', /^plant\..*$/]);
    expect(() => topics('/(/')).toThrow(
      /TWINBENCH_KAFKA_TOPICS has "\/\(\/", which is not a valid pattern/,
    );
    expect(() => start('yesterday')).toThrow(/TWINBENCH_KAFKA_START="yesterday" .* offset:<n>/);
  });

  it('names the variable and a valid value for bad input', () => {
    const cases: [Record<string, string>, string, string][] = [
      [{ TWINBENCH_PORT: 'eighty' }, 'invalid_port', 'TWINBENCH_PORT'],
      [{ TWINBENCH_LOG_FORMAT: 'xml' }, 'invalid_value', 'TWINBENCH_LOG_FORMAT'],
      [{ TWINBENCH_MQTT_VERSION: '3' }, 'invalid_value', 'TWINBENCH_MQTT_VERSION'],
      [{ TWINBENCH_PORT: '70000' }, 'invalid_port', '65535'],
      [{ TWINBENCH_MQTT_PORT: '-1' }, 'invalid_port', 'TWINBENCH_MQTT_PORT'],
      [{ TWINBENCH_MQTT_URL: 'not a url' }, 'invalid_url', 'mqtt://'],
      [{ TWINBENCH_MQTT_URL: 'http://x:1' }, 'invalid_url', 'mqtt://'],
      [{ TWINBENCH_MQTT_TOPICS: 'a/#/b' }, 'invalid_value', '"#"'],
      [{ TWINBENCH_MQTT_TOPICS: 'a/b+' }, 'invalid_value', '"+"'],
      [{ TWINBENCH_MQTT_TOPICS: ' , ' }, 'invalid_value', 'TWINBENCH_MQTT_TOPICS'],
      [{ TWINBENCH_KAFKA_BROKERS: 'localhost' }, 'invalid_value', 'host:port'],
      [
        { TWINBENCH_KAFKA_BROKERS: 'a:1', TWINBENCH_KAFKA_TOPICS: ',' },
        'invalid_value',
        'TWINBENCH_KAFKA_TOPICS',
      ],
      [{ TWINBENCH_FLEET: 'maybe' }, 'invalid_value', 'TWINBENCH_FLEET'],
      [{ TWINBENCH_SEED: '1.5' }, 'invalid_value', 'TWINBENCH_SEED'],
    ];
    for (const [env, reason, hint] of cases) {
      const error = configError(env);
      expect(error.reason, JSON.stringify(env)).toBe(reason);
      expect(error.message, JSON.stringify(env)).toContain(hint);
    }
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ TWINBENCH_PORT: '', TWINBENCH_KAFKA_BROKERS: ' ' })).toEqual(
      DEFAULT_CONFIG,
    );
  });
});
