import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config.ts';
import { ConfigError } from '../errors.ts';
import { createMemoryLogger } from '../logger.ts';
import { createModel, listModels } from './db/index.ts';
import { startRegistry } from './startRegistry.ts';

const dir = mkdtempSync(join(tmpdir(), 'twinbench-registry-start-'));

async function configError(promise: Promise<unknown>): Promise<ConfigError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('startRegistry', () => {
  it('opens PGlite in the data directory with the run log, and keeps data across restarts', async () => {
    const keyFile = join(dir, 'runlog.pem');
    writeFileSync(
      keyFile,
      generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }),
      { mode: 0o600 },
    );
    const config = {
      ...DEFAULT_CONFIG.registry,
      dataDir: join(dir, 'registry'),
      runLogKeyFiles: [keyFile],
      runLogOrigin: 'start.test/runlog',
    };
    const logger = createMemoryLogger();
    const first = await startRegistry(config, { logger });
    expect(first.db.backend).toBe('pglite');
    expect(first.log.origin).toBe('start.test/runlog');
    await createModel(first.db, { name: 'kept', owner: 'ada' });
    await first.close();
    const second = await startRegistry(config, { logger });
    expect((await listModels(second.db)).map((model) => model.name)).toEqual(['kept']);
    await second.close();
    expect(logger.lines.some((line) => line.line.includes('model registry on PGlite'))).toBe(true);
  });

  it('stops startup with what to fix when DATABASE_URL does not answer', async () => {
    const error = await configError(
      startRegistry(
        { ...DEFAULT_CONFIG.registry, databaseUrl: 'postgres://u:secret@127.0.0.1:1/none' },
        { logger: createMemoryLogger(), developmentKeyFile: join(dir, 'dev.pem') },
      ),
    );
    expect(error.message).toMatch(/DATABASE_URL/);
    expect(error.message).toMatch(/127\.0\.0\.1:1/);
    expect(error.message).not.toContain('secret');
  });

  it('stops startup when the run log key cannot be read, and closes the database', async () => {
    const config = {
      ...DEFAULT_CONFIG.registry,
      dataDir: join(dir, 'registry-bad-key'),
      runLogKeyFiles: [join(dir, 'missing.pem')],
    };
    const error = await configError(startRegistry(config, { logger: createMemoryLogger() }));
    expect(error.message).toMatch(/TWINBENCH_RUNLOG_KEY_FILE/);
    // The data directory was released: it opens again.
    const again = await startRegistry(
      { ...config, runLogKeyFiles: [] },
      { logger: createMemoryLogger(), developmentKeyFile: join(dir, 'dev.pem') },
    );
    await again.close();
  });
});
