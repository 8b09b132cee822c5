import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { mergeConfigSources, parseFlags, settingKey } from './configSources.ts';

const dir = mkdtempSync(join(tmpdir(), 'twinbench-config-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('config from file, environment and flags', () => {
  it('names settings alike everywhere: TWINBENCH_MQTT_URL is mqtt-url and --mqtt-url', () => {
    expect(settingKey('TWINBENCH_MQTT_URL')).toBe('mqtt-url');
    expect(settingKey('TWINBENCH_JWT_CLOCK_TOLERANCE_S')).toBe('jwt-clock-tolerance-s');
  });

  it('layers file < environment < flags, and loadConfig checks the result', () => {
    const path = file(
      'relay.yaml',
      'port: 9000\nhost: 0.0.0.0\nmqtt-topics: [a/#, b/+/c]\nfleet: false\njwt-secret: from-the-file-and-at-least-32-bytes!!\n',
    );
    const env = mergeConfigSources(['--config', path, '--port=9100', '--seed', '7'], {
      TWINBENCH_HOST: '127.0.0.1',
    });
    const config = loadConfig(env);
    expect(config).toMatchObject({
      port: 9100,
      host: '127.0.0.1',
      mqttTopics: ['a/#', 'b/+/c'],
      fleet: false,
      seed: 7,
      auth: { secret: 'from-the-file-and-at-least-32-bytes!!' },
    });
    expect(loadConfig(mergeConfigSources([], { TWINBENCH_CONFIG: path })).port).toBe(9000);
    expect(parseFlags(['--no-fleet']).settings).toEqual({ TWINBENCH_FLEET: '0' });
  });

  it('takes the registry settings from a file or flags like the others', () => {
    const path = file(
      'registry.yaml',
      'registry-dir: /srv/registry\nrunlog-key-file: [a.pem, b.pem]\n',
    );
    const config = loadConfig(
      mergeConfigSources(['--config', path, '--database-url', 'postgres://u@h:5432/d'], {}),
    );
    expect(config.registry).toEqual({
      dataDir: '/srv/registry',
      databaseUrl: 'postgres://u@h:5432/d',
      runLogKeyFiles: ['a.pem', 'b.pem'],
      runLogOrigin: null,
    });
  });

  it('refuses unknown settings and bad files, saying where', () => {
    expect(() => mergeConfigSources(['--prot', '80'], {})).toThrow(
      /flag --prot: unknown setting "prot". Known settings: host, port,/,
    );
    expect(() => mergeConfigSources(['8080'], {})).toThrow(/unexpected argument "8080"/);
    expect(() => mergeConfigSources(['--port'], {})).toThrow(/--port needs a value/);
    const typo = file('typo.yaml', 'port: 1\nmqtt-ulr: mqtt://x\n');
    expect(() => mergeConfigSources(['--config', typo], {})).toThrow(
      /config file .*typo\.yaml: unknown setting "mqtt-ulr"/,
    );
    const broken = file('broken.yaml', 'port: 1\n  host: [\n');
    expect(() => mergeConfigSources(['--config', broken], {})).toThrow(
      /config file .*broken\.yaml, line 1, column \d+: /,
    );
    expect(() => mergeConfigSources(['--config', join(dir, 'none.yaml')], {})).toThrow(
      /cannot be read/,
    );
    // A bad value is loadConfig's to name, with the variable.
    const bad = mergeConfigSources(['--port', 'eighty'], {});
    expect(() => loadConfig(bad)).toThrow(/TWINBENCH_PORT="eighty"/);
  });

  it('wants TLS certificate and key together', () => {
    expect(() => loadConfig({ TWINBENCH_TLS_CERT: 'cert.pem' })).toThrow(
      /TWINBENCH_TLS_KEY is missing/,
    );
    expect(
      loadConfig({ TWINBENCH_TLS_CERT: 'cert.pem', TWINBENCH_TLS_KEY: 'key.pem' }).tls,
    ).toEqual({ certFile: 'cert.pem', keyFile: 'key.pem' });
  });
});
