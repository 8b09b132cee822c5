/**
 * Errors the server reports to the person running it. Each has a machine-readable `reason` and
 * a message that says what to change.
 */
export type ConfigErrorReason = 'invalid_port' | 'invalid_url' | 'invalid_value';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly reason: ConfigErrorReason,
    message: string,
  ) {
    super(message);
  }
}

export type StartupErrorReason =
  'port_in_use' | 'listen_failed' | 'invalid_mapping' | 'tls_unreadable';

export class StartupError extends Error {
  override readonly name = 'StartupError';
  constructor(
    readonly reason: StartupErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The text of an unknown thrown value, for logs and stats. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
