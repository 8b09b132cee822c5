import type { RegistryDbConfig } from './config.ts';
import { migrate } from './migrate.ts';
import { openPgliteDb } from './pgliteDb.ts';
import { openPostgresDb } from './postgresDb.ts';
import type { RegistryDb } from './sqlSession.ts';

/**
 * Opens the registry's database and brings its schema up to date. Fails with a RegistryDbError
 * that says what to check: `unreachable`, `auth_failed` or `unknown_database` (PostgreSQL,
 * naming host:port), `locked` (a PGlite directory another process has open), `schema_too_new`,
 * `bad_config`. The caller owns the result and closes it.
 *
 * @example const db = await openRegistryDb(registryDbConfigFromEnv(process.env));
 */
export async function openRegistryDb(config: RegistryDbConfig): Promise<RegistryDb> {
  const db =
    config.kind === 'pglite' ? await openPgliteDb(config.dataDir) : await openPostgresDb(config);
  try {
    await migrate(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}
