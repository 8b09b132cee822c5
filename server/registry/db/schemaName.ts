import { RegistryDbError } from './errors.ts';
import { lockMigrations } from './migrate.ts';
import type { SqlSession } from './sqlSession.ts';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** A schema name safe to splice into SQL; `bad_config` otherwise. */
export function requireSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new RegistryDbError(
      'bad_config',
      `registry schema ${JSON.stringify(schema)} is not allowed: use lowercase letters, digits and "_", starting with a letter or "_".`,
    );
  }
  return schema;
}

/** Creates the schema when missing, under the migration lock (concurrent creates collide). */
export async function createSchema(db: SqlSession, schema: string): Promise<void> {
  requireSchemaName(schema);
  await db.transaction(async (tx) => {
    await lockMigrations(tx);
    await tx.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  });
}
