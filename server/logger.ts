import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';

/** Structured context for a log line, e.g. `{ client: 'c17', bufferedBytes: 1 << 20 }`. */
export type LogFields = Readonly<Record<string, unknown>>;

/**
 * The logger every server module takes as a dependency. Messages are one line each and say who
 * is speaking through the logger's scope (`[fleet] …`); tests pass a memory logger and assert on
 * what was said. `fields` carry what a machine should be able to filter on (a client id, a
 * topic, a count): the JSON logger writes them as keys, the console logger as `key=value`.
 */
export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger whose lines are prefixed with `[scope]`. */
  child(scope: string): Logger;
}

export type LogLevel = 'info' | 'warn' | 'error';

export interface LogSink {
  (level: LogLevel, line: string, fields?: LogFields): void;
}

function scoped(sink: LogSink, prefix: string): Logger {
  const line = (message: string) => (prefix ? `${prefix} ${message}` : message);
  return {
    info: (message, fields) => sink('info', line(message), fields),
    warn: (message, fields) => sink('warn', line(message), fields),
    error: (message, fields) => sink('error', line(message), fields),
    child: (scope) => scoped(sink, `${prefix}[${scope}]`),
  };
}

function fieldValue(value: unknown): string {
  if (value instanceof Error) return JSON.stringify(value.message);
  if (typeof value === 'string') return /^[\w.:/@+-]+$/.test(value) ? value : JSON.stringify(value);
  if (typeof value === 'object' && value !== null) {
    try {
      return JSON.stringify(value);
    } catch {
      return '"[unserializable]"';
    }
  }
  return String(value);
}

/** `key=value` pairs for a text line, strings quoted only where they need it. */
export function formatFields(fields: LogFields): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) parts.push(`${key}=${fieldValue(value)}`);
  }
  return parts.join(' ');
}

function withFields(line: string, fields: LogFields | undefined): string {
  if (fields === undefined) return line;
  const text = formatFields(fields);
  return text ? `${line} ${text}` : line;
}

/** Logs to stderr (warnings, errors) and stdout (info), one line per message. */
export function createConsoleLogger(): Logger {
  return scoped((level, line, fields) => {
    const text = withFields(line, fields);
    if (level === 'info') console.info(text);
    else if (level === 'warn') console.warn(text);
    else console.error(text);
  }, '');
}

export interface MemoryLine {
  readonly level: LogLevel;
  readonly line: string;
  /** Present only when the caller passed fields. */
  readonly fields?: LogFields;
}

export interface MemoryLogger extends Logger {
  readonly lines: readonly MemoryLine[];
}

/** Keeps every line in memory: for tests. */
export function createMemoryLogger(): MemoryLogger {
  const lines: MemoryLine[] = [];
  const logger = scoped(
    (level, line, fields) =>
      lines.push(fields === undefined ? { level, line } : { level, line, fields }),
    '',
  );
  return Object.assign(logger, { lines });
}

export interface PinoLoggerOptions {
  /** Least severe level written; default `info`. */
  readonly level?: LogLevel | 'silent';
  /**
   * Where JSON lines go (any writable stream fits); default stdout, written synchronously so
   * nothing is lost when the process exits.
   */
  readonly destination?: DestinationStream;
  /**
   * Only `false`: pino-pretty is not a dependency. For lines a person reads, use
   * createConsoleLogger().
   */
  readonly pretty?: false;
}

/** Keys every JSON line has of its own; a field with one of these names is written as `_name`. */
const RESERVED_KEYS = ['level', 'time', 'scope', 'msg'] as const;

function safeFields(fields: LogFields): LogFields {
  if (!RESERVED_KEYS.some((key) => key in fields)) return fields;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    out[(RESERVED_KEYS as readonly string[]).includes(key) ? `_${key}` : key] = value;
  }
  return out;
}

function pinoScoped(root: PinoLogger, scope: string): Logger {
  // Children are made from the root with the whole path: pino appends a child's bindings to
  // its parent's, so nesting would write `scope` twice.
  const log = scope === '' ? root : root.child({ scope });
  const emit =
    (level: LogLevel) =>
    (message: string, fields?: LogFields): void => {
      if (fields === undefined) log[level](message);
      else log[level](safeFields(fields), message);
    };
  return {
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: (child) => pinoScoped(root, scope === '' ? child : `${scope}.${child}`),
  };
}

/**
 * A Logger that writes one JSON object per line through pino, for log collectors:
 * `{"level":"warn","time":1700000000000,"scope":"relay.ws","client":"c17","msg":"…"}`.
 * `time` is ms since the Unix epoch; `scope` is the child path joined with dots (absent at the
 * root); fields become keys, and an Error passed as `err` is written with its stack.
 *
 * @example
 * const logger = createPinoLogger({ level: 'warn' });
 * logger.child('relay').warn('client is not keeping up', { client: 'c17' });
 */
export function createPinoLogger(options: PinoLoggerOptions = {}): Logger {
  const root = pino(
    {
      level: options.level ?? 'info',
      // No pid/hostname: the process supervisor or container runtime already labels the stream.
      base: null,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
  return pinoScoped(root, '');
}

/**
 * Wraps a log call so that a flood (a device publishing garbage 100 times a second) prints at
 * most one line per interval, with a count of what was held back.
 */
export function throttled(
  log: (message: string, fields?: LogFields) => void,
  intervalMs: number,
  now: () => number = Date.now,
): (message: string, fields?: LogFields) => void {
  let last = -Infinity;
  let suppressed = 0;
  return (message, fields) => {
    const t = now();
    if (t - last < intervalMs) {
      suppressed++;
      return;
    }
    last = t;
    const text =
      suppressed > 0 ? `${message} (${suppressed} similar messages suppressed)` : message;
    if (fields === undefined) log(text);
    else log(text, fields);
    suppressed = 0;
  };
}
