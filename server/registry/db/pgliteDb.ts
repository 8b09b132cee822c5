import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { lockDataDir, type DataDirLock } from './dataDirLock.ts';
import { RegistryDbError } from './errors.ts';
import { createSchema } from './schemaName.ts';
import {
  transactionSession,
  type RegistryDb,
  type SqlParam,
  type SqlRow,
  type SqlSession,
} from './sqlSession.ts';

export const PGLITE_MEMORY = 'memory://';

export interface PgliteRegistryDbOptions {
  /** Where the data lives, for messages: the data directory or `memory://`. */
  readonly location: string;
  /**
   * Keep the registry's tables in this schema (created when missing) instead of `public`, so
   * several registries can share one instance. Lowercase letters, digits and `_`.
   */
  readonly schema?: string;
}

/**
 * A RegistryDb on a PGlite instance the caller created and owns: `close()` ends this handle,
 * not the instance. Does not migrate.
 */
export async function pgliteRegistryDb(
  pglite: PGlite,
  options: PgliteRegistryDbOptions,
): Promise<RegistryDb> {
  const db = wrap(pglite, options.location, options.schema, async () => {});
  if (options.schema !== undefined) await createSchema(db, options.schema);
  return db;
}

function wrap(
  pglite: PGlite,
  location: string,
  schema: string | undefined,
  onClose: () => Promise<void>,
): RegistryDb {
  let closed = false;
  const check = () => {
    if (closed) {
      throw new RegistryDbError(
        'closed',
        `the registry database at ${location} is closed; open it again with openRegistryDb.`,
      );
    }
  };
  const rows = async (
    on: PGlite | Transaction,
    sql: string,
    params?: readonly SqlParam[],
  ): Promise<readonly SqlRow[]> =>
    (await on.query<SqlRow>(sql, params === undefined ? [] : [...params])).rows;
  // PGlite is one session: handles on other schemas may share it, so the search path is set
  // inside each transaction rather than once.
  const inTransaction = <T>(work: (tx: Transaction) => Promise<T>): Promise<T> =>
    pglite.transaction(async (tx) => {
      if (schema !== undefined) await tx.query(`SET LOCAL search_path TO ${schema}`);
      return work(tx);
    });
  return {
    backend: 'pglite',
    location,
    async query(sql, params) {
      check();
      if (schema === undefined) return rows(pglite, sql, params);
      return inTransaction((tx) => rows(tx, sql, params));
    },
    async transaction<T>(work: (tx: SqlSession) => Promise<T>): Promise<T> {
      check();
      // PGlite runs one transaction at a time; others (and plain queries) wait for it.
      return inTransaction((tx) =>
        work(transactionSession((sql, params) => rows(tx, sql, params))),
      );
    },
    async close() {
      if (closed) return;
      closed = true;
      await onClose();
    },
  };
}

/**
 * Opens embedded PostgreSQL (PGlite) with its files in `dataDir`, created when missing, or in
 * memory for `memory://`. One process at a time may open a directory. Does not migrate; use
 * `openRegistryDb` for that.
 */
export async function openPgliteDb(dataDir: string): Promise<RegistryDb> {
  if (dataDir === PGLITE_MEMORY) {
    const pglite = await PGlite.create(PGLITE_MEMORY);
    return wrap(pglite, PGLITE_MEMORY, undefined, () => pglite.close());
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(dataDir)) {
    throw new RegistryDbError(
      'bad_config',
      `PGlite data directory ${JSON.stringify(dataDir)}: give a directory path or ${PGLITE_MEMORY}; for a PostgreSQL server set DATABASE_URL instead.`,
    );
  }
  const dir = resolve(dataDir);
  let lock: DataDirLock;
  try {
    mkdirSync(dir, { recursive: true });
    lock = lockDataDir(dir);
  } catch (error) {
    if (error instanceof RegistryDbError) throw error;
    throw cannotOpen(dir, error);
  }
  try {
    const pglite = await PGlite.create(dir);
    return wrap(pglite, dir, undefined, async () => {
      try {
        await pglite.close();
      } finally {
        lock.release();
      }
    });
  } catch (error) {
    lock.release();
    throw cannotOpen(dir, error);
  }
}

function cannotOpen(dir: string, cause: unknown): RegistryDbError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new RegistryDbError(
    'bad_config',
    `cannot open the registry's PGlite data directory ${dir}: ${detail}. Check that it is a writable directory holding only registry data, or set DATABASE_URL to use a PostgreSQL server.`,
    { cause },
  );
}
