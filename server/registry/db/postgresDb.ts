import { Pool, type PoolClient } from 'pg';
import { connectionError } from './connectionErrors.ts';
import { describeDatabaseUrl, type DatabaseTarget } from './databaseUrl.ts';
import { RegistryDbError } from './errors.ts';
import { createSchema, requireSchemaName } from './schemaName.ts';
import {
  transactionSession,
  type RegistryDb,
  type SqlParam,
  type SqlRow,
  type SqlSession,
} from './sqlSession.ts';

export interface PostgresDbOptions {
  /** `postgres://USER:PASSWORD@HOST:PORT/DATABASE`, usually DATABASE_URL. */
  readonly url: string;
  /**
   * Keep the registry's tables in this schema (created when missing) instead of the user's
   * default (`public`). Lowercase letters, digits and `_`.
   */
  readonly schema?: string;
  /** Connections in the pool (default 10). */
  readonly poolSize?: number;
  /** How long to wait for a connection before giving up with `unreachable` (default 5000). */
  readonly connectTimeoutMs?: number;
  /**
   * Errors of idle pooled connections (the server restarted, the network dropped); the pool
   * replaces the connection. Default: a console warning.
   */
  readonly onIdleError?: (error: Error) => void;
}

/**
 * Connects a pool to PostgreSQL and checks that it answers: a server that is down, a wrong
 * password or a missing database fail here with a RegistryDbError naming host:port. Does not
 * migrate; use `openRegistryDb` for that.
 */
export async function openPostgresDb(options: PostgresDbOptions): Promise<RegistryDb> {
  const target = describeDatabaseUrl(options.url);
  const schema = options.schema === undefined ? undefined : requireSchemaName(options.schema);
  const pool = new Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    // Set at connection start, so every pooled connection sees the same tables.
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  const onIdleError =
    options.onIdleError ??
    ((error: Error) => console.warn(`[registry-db] idle PostgreSQL connection: ${error.message}`));
  // Without a listener an idle connection's error would crash the process.
  pool.on('error', (error) => onIdleError(connectionError(error, target) ?? error));
  const db = postgresRegistryDb(pool, target);
  try {
    if (schema === undefined) await db.query('SELECT 1');
    else await createSchema(db, schema);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

function postgresRegistryDb(pool: Pool, target: DatabaseTarget): RegistryDb {
  let closed = false;
  const fail = (error: unknown): never => {
    throw connectionError(error, target) ?? error;
  };
  const check = () => {
    if (closed) {
      throw new RegistryDbError(
        'closed',
        `the registry database at ${target.redacted} is closed; open it again with openRegistryDb.`,
      );
    }
  };
  const runOn =
    (queryable: Pool | PoolClient) =>
    async (sql: string, params?: readonly SqlParam[]): Promise<readonly SqlRow[]> => {
      try {
        return (await queryable.query<SqlRow>(sql, params === undefined ? [] : [...params])).rows;
      } catch (error) {
        return fail(error);
      }
    };
  return {
    backend: 'postgres',
    location: target.redacted,
    async query(sql, params) {
      check();
      return runOn(pool)(sql, params);
    },
    async transaction<T>(work: (tx: SqlSession) => Promise<T>): Promise<T> {
      check();
      const client = await pool.connect().catch(fail);
      const run = runOn(client);
      let broken: unknown;
      try {
        await run('BEGIN');
        const result = await work(transactionSession(run));
        await run('COMMIT');
        return result;
      } catch (error) {
        // A failed ROLLBACK means the connection is gone: drop it instead of reusing it.
        await run('ROLLBACK').catch((rollbackError: unknown) => (broken = rollbackError));
        throw error;
      } finally {
        client.release(broken instanceof Error ? broken : undefined);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
