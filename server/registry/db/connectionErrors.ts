import type { DatabaseTarget } from './databaseUrl.ts';
import { RegistryDbError } from './errors.ts';
import { sqlState } from './sqlErrors.ts';

// Socket-level failures Node reports while connecting or talking to the server.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

function errnoCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function isNetworkFailure(error: unknown): boolean {
  const state = sqlState(error);
  // 08: connection exception; 57P01–57P03: the server is shutting down or starting up.
  if (state !== undefined) return state.startsWith('08') || /^57P0[123]$/.test(state);
  const code = errnoCode(error);
  if (code !== undefined && NETWORK_CODES.has(code)) return true;
  // pg reports timeouts and dropped connections as plain Errors.
  const message = error instanceof Error ? error.message : '';
  return /connection terminated|timeout expired|timeout exceeded|connection timeout/i.test(message);
}

/**
 * The RegistryDbError for a failure to connect to (or stay connected to) `target`, or null
 * when `error` is not about the connection. Messages name host and port, never the password.
 */
export function connectionError(error: unknown, target: DatabaseTarget): RegistryDbError | null {
  const where = `${target.host}:${target.port}`;
  const detail = error instanceof Error ? error.message : String(error);
  const state = sqlState(error);
  if (state === '28P01' || state === '28000') {
    return new RegistryDbError(
      'auth_failed',
      `PostgreSQL at ${where} refused user "${target.user}" for database "${target.database}" (${detail}). Check the user and password in DATABASE_URL, and that the server's pg_hba.conf lets this host in.`,
      { cause: error },
    );
  }
  if (state === '3D000') {
    return new RegistryDbError(
      'unknown_database',
      `PostgreSQL at ${where} has no database "${target.database}". Create it (createdb ${target.database}) or fix the database name in DATABASE_URL.`,
      { cause: error },
    );
  }
  if (!isNetworkFailure(error)) return null;
  return new RegistryDbError(
    'unreachable',
    `cannot reach PostgreSQL at ${where} (${detail}). Check that the server is running and accepts TCP connections there, and that DATABASE_URL names the right host and port (for tests: bash scripts/services/postgres.sh start). Unset DATABASE_URL to use the embedded PGlite database instead.`,
    { cause: error },
  );
}
