import { afterAll, describe, expect, it, type TestContext } from 'vitest';
import { createModel, listModels } from './models.ts';
import { openRegistryDb } from './openRegistryDb.ts';
import { intColumn, textColumn } from './rows.ts';
import { REGISTRY_MIGRATIONS } from './schema.ts';
import type { RegistryDb } from './sqlSession.ts';
import { expectRegistryError, registryDbSuite } from './testing/registryDbSuite.ts';
import {
  createRunDatabase,
  requireTestPostgres,
  TEST_POSTGRES_URL,
  type RunDatabase,
} from './testing/testPostgres.ts';

// Needs PostgreSQL (`bash scripts/services/postgres.sh start`). This run gets a database of
// its own, dropped at the end; each test a schema in it.
let run: Promise<RunDatabase> | undefined;
let schemas = 0;

afterAll(async () => {
  if (run !== undefined) await (await run).drop();
});

async function runUrl(ctx: TestContext): Promise<string> {
  await requireTestPostgres(ctx);
  run ??= createRunDatabase();
  return (await run).url;
}

async function openSchema(ctx: TestContext, schema: string): Promise<RegistryDb> {
  return openRegistryDb({ kind: 'postgres', url: await runUrl(ctx), schema, poolSize: 5 });
}

registryDbSuite('registry storage on PostgreSQL', (ctx) => openSchema(ctx, `test_${++schemas}`));

describe('registry storage on PostgreSQL: processes sharing a server', () => {
  const opened: RegistryDb[] = [];
  afterAll(async () => {
    for (const db of opened.splice(0)) await db.close();
  });
  const open = async (ctx: TestContext, schema: string) => {
    const db = await openSchema(ctx, schema);
    opened.push(db);
    return db;
  };

  it('migrates once when several processes open the same database at the same time', async (ctx) => {
    const schema = `shared_${++schemas}`;
    // Separate pools are separate sessions, like separate processes.
    const dbs = await Promise.all([1, 2, 3, 4].map(() => open(ctx, schema)));
    const rows = await dbs[0]!.query('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((row) => intColumn(row, 'version'))).toEqual(
      REGISTRY_MIGRATIONS.map((migration) => migration.version),
    );
    await createModel(dbs[1]!, { name: 'heat-plate', owner: 'ada' });
    expect(await listModels(dbs[3]!)).toHaveLength(1);
    // Opening again finds nothing to do and keeps the data.
    const later = await open(ctx, schema);
    expect((await listModels(later)).map((model) => model.name)).toEqual(['heat-plate']);
  });

  it('keeps its tables in the schema it was given', async (ctx) => {
    const schema = `own_${++schemas}`;
    const db = await open(ctx, schema);
    const rows = await db.query(
      `SELECT table_schema FROM information_schema.tables
       WHERE table_name = 'models' AND table_schema IN ($1, 'public')`,
      [schema],
    );
    expect(rows.map((row) => textColumn(row, 'table_schema'))).toEqual([schema]);
  });
});

describe('registry storage on PostgreSQL: connection failures', () => {
  it('names host and port, never the password, when the password is wrong', async (ctx) => {
    const url = new URL(await runUrl(ctx));
    url.password = 'not-the-password-4711';
    const error = await expectRegistryError(
      openRegistryDb({ kind: 'postgres', url: url.toString() }),
      'auth_failed',
    );
    expect(error.message).toContain(`${url.hostname}:${url.port}`);
    expect(error.message).toContain('Check the user and password in DATABASE_URL');
    expect(error.message).not.toContain('not-the-password-4711');
  });

  it('names the database when the server has no such database', async (ctx) => {
    await requireTestPostgres(ctx);
    const url = new URL(TEST_POSTGRES_URL);
    url.pathname = '/twinbench_no_such_database';
    const error = await expectRegistryError(
      openRegistryDb({ kind: 'postgres', url: url.toString() }),
      'unknown_database',
    );
    expect(error.message).toContain('no database "twinbench_no_such_database"');
  });
});
