import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll } from 'vitest';
import { migrate } from './migrate.ts';
import { PGLITE_MEMORY, pgliteRegistryDb } from './pgliteDb.ts';
import { registryDbSuite } from './testing/registryDbSuite.ts';

// Creating a PGlite database runs initdb (seconds on a busy machine), so the tests share one
// instance and each gets an empty schema of its own.
let pglite: PGlite;
let schemas = 0;

beforeAll(async () => {
  pglite = await PGlite.create(PGLITE_MEMORY);
});

afterAll(async () => {
  await pglite.close();
});

registryDbSuite('registry storage on PGlite', async () => {
  const db = await pgliteRegistryDb(pglite, {
    location: PGLITE_MEMORY,
    schema: `test_${++schemas}`,
  });
  await migrate(db);
  return db;
});
