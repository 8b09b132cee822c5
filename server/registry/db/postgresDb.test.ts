import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { openRegistryDb } from './openRegistryDb.ts';
import { expectRegistryError } from './testing/registryDbSuite.ts';

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('openRegistryDb with DATABASE_URL (no server needed)', () => {
  it('fails at once when nothing listens, naming host:port but never the password', async () => {
    const port = await closedPort();
    const error = await expectRegistryError(
      openRegistryDb({
        kind: 'postgres',
        url: `postgres://ada:hunter2@127.0.0.1:${port}/registry`,
        connectTimeoutMs: 2000,
      }),
      'unreachable',
    );
    expect(error.message).toContain(`cannot reach PostgreSQL at 127.0.0.1:${port}`);
    expect(error.message).toContain('Unset DATABASE_URL to use the embedded PGlite database');
    expect(error.message).not.toContain('hunter2');
  });

  it('refuses a URL that is not postgres:// and a schema name it cannot quote', async () => {
    await expectRegistryError(
      openRegistryDb({ kind: 'postgres', url: 'mysql://ada:hunter2@localhost/registry' }),
      'bad_config',
    );
    const error = await expectRegistryError(
      openRegistryDb({ kind: 'postgres', url: 'postgres://localhost/r', schema: 'x; DROP' }),
      'bad_config',
    );
    expect(error.message).toContain('"x; DROP"');
  });
});
