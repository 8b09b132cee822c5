import { RegistryDbError } from './errors.ts';
import { intColumn, textColumn } from './rows.ts';
import { REGISTRY_MIGRATIONS, type Migration } from './schema.ts';
import type { RegistryDb, SqlSession } from './sqlSession.ts';

/**
 * Advisory lock key ("Twnb") held while migrating. It serialises processes that start together
 * against one PostgreSQL database; on PGlite there is only one connection anyway.
 */
export const MIGRATION_LOCK_KEY = 0x54776e62;

export interface MigrationReport {
  /** Versions this call applied, in order; empty when the schema was up to date. */
  readonly applied: readonly number[];
  /** The schema version the database is at now. */
  readonly version: number;
}

/** Takes the migration lock until the end of the transaction `tx` belongs to. */
export async function lockMigrations(tx: SqlSession): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
}

/**
 * Brings the database's schema up to date, in one transaction under the migration lock, and
 * records each applied migration in `schema_migrations`. Safe to run on every open and from
 * several processes at once: the second waits, then finds nothing to do.
 */
export async function migrate(
  db: RegistryDb,
  migrations: readonly Migration[] = REGISTRY_MIGRATIONS,
): Promise<MigrationReport> {
  const latest = migrations.at(-1)?.version ?? 0;
  return db.transaction(async (tx) => {
    await lockMigrations(tx);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`,
    );
    const rows = await tx.query('SELECT version, name FROM schema_migrations ORDER BY version');
    const done = new Set<number>();
    for (const row of rows) {
      const version = intColumn(row, 'version');
      checkRecorded(db.location, migrations, latest, version, textColumn(row, 'name'));
      done.add(version);
    }
    const applied: number[] = [];
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      for (const statement of migration.statements) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      applied.push(migration.version);
    }
    return { applied, version: latest };
  });
}

function checkRecorded(
  location: string,
  migrations: readonly Migration[],
  latest: number,
  version: number,
  name: string,
): void {
  if (version > latest) {
    throw new RegistryDbError(
      'schema_too_new',
      `the registry database at ${location} is at schema version ${version}, newer than this Twinbench knows (${latest}). Upgrade Twinbench, or point it at another database.`,
    );
  }
  const known = migrations.find((migration) => migration.version === version);
  if (known?.name !== name) {
    throw new RegistryDbError(
      'bad_config',
      `the database at ${location} records migration ${version} as ${JSON.stringify(name)}, which is not the registry's: its schema_migrations table belongs to another application. Give the registry a database (or schema) of its own.`,
    );
  }
}
