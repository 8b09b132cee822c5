import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { TestContext } from 'vitest';
import { servicePort } from '../../../testing/services.ts';
import { describeDatabaseUrl } from '../databaseUrl.ts';

/**
 * The PostgreSQL server `bash scripts/services/postgres.sh start` runs:
 * TWINBENCH_POSTGRES_URL, or the script's URL on TWINBENCH_POSTGRES_PORT (default 25432).
 * Tests never write to its database: each run creates one of its own (`runDatabase`).
 */
export const TEST_POSTGRES_URL =
  process.env.TWINBENCH_POSTGRES_URL ||
  `postgres://twinbench:twinbench@127.0.0.1:${servicePort('TWINBENCH_POSTGRES_PORT', 25432)}/twinbench`;

let reachable: Promise<string | null> | undefined;

/** Null when the server answers, else why not. Asked once per test file. */
function unreachableReason(): Promise<string | null> {
  reachable ??= (async () => {
    const client = new Client({
      connectionString: TEST_POSTGRES_URL,
      connectionTimeoutMillis: 3000,
    });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return null;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return reachable;
}

/**
 * Makes a test depend on the test PostgreSQL server: without it the test fails when
 * TWINBENCH_REQUIRE_ALL=1 (CI) and is skipped with a loud warning otherwise.
 */
export async function requireTestPostgres(ctx: TestContext): Promise<void> {
  const reason = await unreachableReason();
  if (reason === null) return;
  const how =
    `PostgreSQL is not reachable at ${describeDatabaseUrl(TEST_POSTGRES_URL).redacted} ` +
    `(TWINBENCH_POSTGRES_URL / TWINBENCH_POSTGRES_PORT): ${reason}. ` +
    'Start it with `bash scripts/services/postgres.sh start` (or `bash scripts/services/all.sh start`).';
  if (process.env.TWINBENCH_REQUIRE_ALL === '1') {
    throw new Error(`${how} TWINBENCH_REQUIRE_ALL=1 requires every integration test to run.`);
  }
  console.warn(`\n*** SKIPPING PostgreSQL registry test: ${how} ***\n`);
  ctx.skip('PostgreSQL not running');
}

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface RunDatabase {
  /** A URL for the database this run created. */
  readonly url: string;
  /** Drops it, cutting any connection still open. */
  drop(): Promise<void>;
}

/** A database of its own for one test run, so runs on one server never see each other. */
export async function createRunDatabase(): Promise<RunDatabase> {
  const name = `twinbench_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
