import { RegistryDbError } from './errors.ts';

/** What a DATABASE_URL points at, without its password: safe for messages and logs. */
export interface DatabaseTarget {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  /** Empty when the URL names none (the driver then uses PGUSER or the OS user). */
  readonly user: string;
  /** The URL with the password removed. */
  readonly redacted: string;
}

/**
 * Reads a `postgres://user:password@host:port/database` URL. Throws `bad_config` for anything
 * else, without repeating the text (it may hold a password).
 */
export function describeDatabaseUrl(url: string): DatabaseTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new RegistryDbError(
      'bad_config',
      'DATABASE_URL is not a URL (not shown: it may hold a password). Write it as postgres://USER:PASSWORD@HOST:PORT/DATABASE, percent-encoding special characters in the password.',
      { cause },
    );
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new RegistryDbError(
      'bad_config',
      `DATABASE_URL starts with "${parsed.protocol}//"; it must start with postgres:// or postgresql://.`,
    );
  }
  const user = decodeURIComponent(parsed.username);
  const host =
    parsed.searchParams.get('host') ?? (decodeURIComponent(parsed.hostname) || 'localhost');
  const port = Number(parsed.port || parsed.searchParams.get('port') || 5432);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || user;
  const redacted = new URL(url);
  redacted.password = '';
  redacted.searchParams.delete('password');
  return { host, port, database, user, redacted: redacted.toString() };
}
