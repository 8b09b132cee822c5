/**
 * The logger every server module takes as a dependency. Messages are one line each and say who
 * is speaking through the logger's scope (`[fleet] …`); tests pass a memory logger and assert on
 * what was said.
 */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** A logger whose lines are prefixed with `[scope]`. */
  child(scope: string): Logger;
}

export type LogLevel = 'info' | 'warn' | 'error';

export interface LogSink {
  (level: LogLevel, line: string): void;
}

function scoped(sink: LogSink, prefix: string): Logger {
  const line = (message: string) => (prefix ? `${prefix} ${message}` : message);
  return {
    info: (message) => sink('info', line(message)),
    warn: (message) => sink('warn', line(message)),
    error: (message) => sink('error', line(message)),
    child: (scope) => scoped(sink, `${prefix}[${scope}]`),
  };
}

/** Logs to stderr (warnings, errors) and stdout (info), one line per message. */
export function createConsoleLogger(): Logger {
  return scoped((level, line) => {
    if (level === 'info') console.info(line);
    else if (level === 'warn') console.warn(line);
    else console.error(line);
  }, '');
}

export interface MemoryLogger extends Logger {
  readonly lines: readonly { readonly level: LogLevel; readonly line: string }[];
}

/** Keeps every line in memory: for tests. */
export function createMemoryLogger(): MemoryLogger {
  const lines: { level: LogLevel; line: string }[] = [];
  const logger = scoped((level, line) => lines.push({ level, line }), '');
  return Object.assign(logger, { lines });
}

/**
 * Wraps a log call so that a flood (a device publishing garbage 100 times a second) prints at
 * most one line per interval, with a count of what was held back.
 */
export function throttled(
  log: (message: string) => void,
  intervalMs: number,
  now: () => number = Date.now,
): (message: string) => void {
  let last = -Infinity;
  let suppressed = 0;
  return (message) => {
    const t = now();
    if (t - last < intervalMs) {
      suppressed++;
      return;
    }
    last = t;
    log(suppressed > 0 ? `${message} (${suppressed} similar messages suppressed)` : message);
    suppressed = 0;
  };
}
