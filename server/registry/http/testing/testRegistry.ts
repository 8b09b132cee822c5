/**
 * The registry's routes on a real HTTP server for tests: a database the test opened, a run log
 * on it signed with a throwaway key, and the relay's token check with a test secret. Tokens are
 * real HS256 JWTs, so role checks run exactly as in production.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_AUTH_CONFIG } from '../../../auth/authConfig.ts';
import { createRelayAuth } from '../../../auth/relayAuth.ts';
import type { Role } from '../../../auth/roles.ts';
import { SECRET, sign } from '../../../auth/testing/tokens.ts';
import { createMemoryLogger, type MemoryLogger } from '../../../logger.ts';
import { ed25519CheckpointSigner, RunLog } from '../../../runlog/index.ts';
import { registryLeafStore, type RegistryDb } from '../../db/index.ts';
import { createRegistryRoutes } from '../registryRoutes.ts';

export const TEST_LOG_ORIGIN = 'registry.test/runlog';

export interface TestRegistry {
  /** e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly url: string;
  readonly db: RegistryDb;
  readonly log: RunLog;
  readonly logger: MemoryLogger;
  /** The run log's signing key, to start another server on the same log. */
  readonly logKey: KeyObject;
  /** A token for `subject` with `role`, valid for an hour. */
  token(role: Role, subject?: string): Promise<string>;
  /** Stops the HTTP server; the database stays open (the test closes it). */
  close(): Promise<void>;
}

export function testToken(role: Role, subject: string = role): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return sign({ sub: subject, role, iat: now, exp: now + 3600 }, 'HS256', SECRET);
}

/**
 * Serves the registry on `db` at a free loopback port. `logKey` re-opens a run log signed with
 * an earlier server's key (as a restarted server does).
 */
export async function startTestRegistry(
  db: RegistryDb,
  options: { readonly logKey?: KeyObject } = {},
): Promise<TestRegistry> {
  const logKey = options.logKey ?? generateKeyPairSync('ed25519').privateKey;
  const log = await RunLog.open({
    store: registryLeafStore(db),
    signers: [await ed25519CheckpointSigner(TEST_LOG_ORIGIN, logKey)],
  });
  const auth = await createRelayAuth({
    config: { ...DEFAULT_AUTH_CONFIG, secret: SECRET },
    host: '127.0.0.1',
  });
  const logger = createMemoryLogger();
  const routes = createRegistryRoutes({
    db,
    log,
    authenticate: (req) => auth.authenticate(req),
    logger,
  });
  const server: Server = createServer((req, res) => {
    if (!routes.handle(req, res)) {
      res.statusCode = 418;
      res.end('not the registry');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    db,
    log,
    logger,
    logKey,
    token: testToken,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
