import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll } from 'vitest';
import { migrate } from '../db/migrate.ts';
import { PGLITE_MEMORY, pgliteRegistryDb } from '../db/pgliteDb.ts';
import { registryRoutesSuite } from './testing/registryRoutesSuite.ts';

// One PGlite instance (initdb takes seconds); each test gets an empty schema of its own.
let pglite: PGlite;
let schemas = 0;

beforeAll(async () => {
  pglite = await PGlite.create(PGLITE_MEMORY);
});

afterAll(async () => {
  await pglite.close();
});

registryRoutesSuite('registry HTTP routes on PGlite', async () => {
  const db = await pgliteRegistryDb(pglite, {
    location: PGLITE_MEMORY,
    schema: `routes_${++schemas}`,
  });
  await migrate(db);
  return db;
});
