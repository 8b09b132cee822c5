import { afterAll, type TestContext } from 'vitest';
import { openRegistryDb } from '../db/openRegistryDb.ts';
import {
  createRunDatabase,
  requireTestPostgres,
  type RunDatabase,
} from '../db/testing/testPostgres.ts';
import { registryRoutesSuite } from './testing/registryRoutesSuite.ts';

// Needs PostgreSQL (`bash scripts/services/postgres.sh start`); skips loudly without it, fails
// under TWINBENCH_REQUIRE_ALL=1. This run gets a database of its own, each test a schema in it.
let run: Promise<RunDatabase> | undefined;
let schemas = 0;

afterAll(async () => {
  if (run !== undefined) await (await run).drop();
});

registryRoutesSuite('registry HTTP routes on PostgreSQL', async (ctx: TestContext) => {
  await requireTestPostgres(ctx);
  run ??= createRunDatabase();
  return openRegistryDb({
    kind: 'postgres',
    url: (await run).url,
    schema: `routes_${++schemas}`,
    poolSize: 4,
  });
});
