/**
 * The relay's settings come from three places, later ones winning: a config file (YAML or JSON,
 * `--config FILE` or TWINBENCH_CONFIG), the environment, and command-line flags. All three use
 * the same names — `TWINBENCH_MQTT_URL` in the environment is `mqtt-url` in the file and
 * `--mqtt-url` on the command line — and are merged into one environment for loadConfig, which
 * checks every value. Anything unknown is refused with its name and where it came from.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { AUTH_ENV } from './auth/authEnv.ts';
import { ConfigError } from './errors.ts';

/** Every setting, as its environment variable. */
export const SETTINGS = [
  'TWINBENCH_HOST',
  'TWINBENCH_PORT',
  'TWINBENCH_MQTT_URL',
  'TWINBENCH_MQTT_PORT',
  'TWINBENCH_MQTT_TOPICS',
  'TWINBENCH_MQTT_VERSION',
  'TWINBENCH_MAPPING',
  'TWINBENCH_KAFKA_BROKERS',
  'TWINBENCH_KAFKA_TOPICS',
  'TWINBENCH_KAFKA_START',
  'TWINBENCH_KAFKA_GROUP',
  'TWINBENCH_FLEET',
  'TWINBENCH_SEED',
  'TWINBENCH_STATIC_DIR',
  'TWINBENCH_LOG_FORMAT',
  'TWINBENCH_TLS_CERT',
  'TWINBENCH_TLS_KEY',
  'TWINBENCH_REGISTRY_DIR',
  'TWINBENCH_RUNLOG_KEY_FILE',
  'TWINBENCH_RUNLOG_ORIGIN',
  'DATABASE_URL',
  AUTH_ENV.secret,
  AUTH_ENV.publicKey,
  AUTH_ENV.issuer,
  AUTH_ENV.audience,
  AUTH_ENV.clockTolerance,
  AUTH_ENV.anonymousRole,
] as const;

type Env = Readonly<Record<string, string | undefined>>;

/** `TWINBENCH_MQTT_URL` → `mqtt-url`. */
export const settingKey = (variable: string) =>
  variable
    .replace(/^TWINBENCH_/, '')
    .toLowerCase()
    .replaceAll('_', '-');

const byKey = new Map<string, string>(SETTINGS.map((v) => [settingKey(v), v]));
const known = () => [...byKey.keys()].join(', ');

function variableFor(key: string, where: string): string {
  const variable = byKey.get(key) ?? (SETTINGS as readonly string[]).find((v) => v === key);
  if (variable === undefined)
    throw new ConfigError(
      'invalid_value',
      `${where}: unknown setting "${key}". Known settings: ${known()}.`,
    );
  return variable;
}

/** The settings of a YAML/JSON config file, as environment variables. */
export function readConfigFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      'invalid_value',
      `config file ${path} cannot be read (${(error as Error).message}): check --config / TWINBENCH_CONFIG.`,
    );
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const { line, col } = lineCounter.linePos(first.pos[0]);
    throw new ConfigError(
      'invalid_value',
      `config file ${path}, line ${line}, column ${col}: ${first.message}`,
    );
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data))
    throw new ConfigError(
      'invalid_value',
      `config file ${path} must be a map of settings, e.g. "port: 8080"; known settings: ${known()}.`,
    );
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    const variable = variableFor(key, `config file ${path}`);
    if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number'))
      out[variable] = value.join(',');
    else if (['string', 'number', 'boolean'].includes(typeof value))
      out[variable] = typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
    else
      throw new ConfigError(
        'invalid_value',
        `config file ${path}: "${key}" must be a string, number, switch or list, not ${JSON.stringify(value)}.`,
      );
  }
  return out;
}

/** `--port 8080`, `--port=8080`, `--no-fleet`, `--config FILE` → variables; refuses the unknown. */
export function parseFlags(argv: readonly string[]): {
  settings: Record<string, string>;
  configFile: string | undefined;
} {
  const settings: Record<string, string> = {};
  let configFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--'))
      throw new ConfigError(
        'invalid_value',
        `unexpected argument "${arg}": settings are flags like --port 8080 (known: ${known()}).`,
      );
    const [rawName, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (rawName.startsWith('no-') && inline === undefined) {
      settings[variableFor(rawName.slice(3), `flag ${arg}`)] = '0';
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined)
      throw new ConfigError(
        'invalid_value',
        `flag --${rawName} needs a value, e.g. --${rawName}=…`,
      );
    if (rawName === 'config') configFile = value;
    else settings[variableFor(rawName, `flag --${rawName}`)] = value;
  }
  return { settings, configFile };
}

/**
 * One environment from file, environment and flags (flags win, then the environment).
 *
 * @example loadConfig(mergeConfigSources(process.argv.slice(2), process.env))
 */
export function mergeConfigSources(argv: readonly string[], env: Env): Env {
  const flags = parseFlags(argv);
  const file = flags.configFile ?? env.TWINBENCH_CONFIG;
  const fromFile = file === undefined || file === '' ? {} : readConfigFile(file);
  return { ...fromFile, ...env, ...flags.settings };
}
