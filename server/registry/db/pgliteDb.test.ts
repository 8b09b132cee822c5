import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { getArtifact, putArtifact } from './artifacts.ts';
import { LOCK_FILE } from './dataDirLock.ts';
import { migrate } from './migrate.ts';
import { createModel, listModels } from './models.ts';
import { openRegistryDb } from './openRegistryDb.ts';
import { appendRunLogEntry, getRunLogEntry, runLogSize } from './runLog.ts';
import { expectRegistryError } from './testing/registryDbSuite.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'registry-pglite-'));
  dirs.push(dir);
  return dir;
}

// Two on-disk initdb/startups: tens of seconds on a busy 2-core machine.
const SLOW_MS = 120_000;

describe('openRegistryDb with a PGlite data directory', () => {
  it(
    'creates the directory, keeps the data across a reopen, and admits one process at a time',
    async () => {
      const dataDir = join(tempDir(), 'nested', 'registry');
      const first = await openRegistryDb({ kind: 'pglite', dataDir });
      expect(first).toMatchObject({ backend: 'pglite', location: dataDir });
      await createModel(first, { name: 'heat-plate', owner: 'ada' });
      const stored = await putArtifact(first, new Uint8Array([1, 2, 3]));
      await appendRunLogEntry(first, new Uint8Array(32).fill(9), new Uint8Array([9]));

      const error = await expectRegistryError(
        openRegistryDb({ kind: 'pglite', dataDir }),
        'locked',
      );
      expect(error.message).toContain(dataDir);
      await first.close();

      const second = await openRegistryDb({ kind: 'pglite', dataDir });
      try {
        expect(await migrate(second)).toMatchObject({ applied: [] });
        expect((await listModels(second)).map((model) => model.name)).toEqual(['heat-plate']);
        expect(await getArtifact(second, stored.digest)).toEqual(new Uint8Array([1, 2, 3]));
        expect(await runLogSize(second)).toBe(1);
        expect((await getRunLogEntry(second, 0)).entry).toEqual(new Uint8Array([9]));
        expect(
          (await appendRunLogEntry(second, new Uint8Array(32).fill(10), new Uint8Array([10])))
            .index,
        ).toBe(1);
      } finally {
        await second.close();
      }
    },
    SLOW_MS,
  );

  it('says what to do with a data directory it cannot use', async () => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, 'not a directory');
    const notDir = await expectRegistryError(
      openRegistryDb({ kind: 'pglite', dataDir: file }),
      'bad_config',
    );
    expect(notDir.message).toContain(file);
    expect(notDir.message).toContain('DATABASE_URL');
    const scheme = await expectRegistryError(
      openRegistryDb({ kind: 'pglite', dataDir: 'idb://registry' }),
      'bad_config',
    );
    expect(scheme.message).toContain('memory://');
  });

  it('leaves no lock behind when opening fails', async () => {
    const dir = tempDir();
    // PG_VERSION of a server PGlite cannot read: PGlite refuses the directory.
    writeFileSync(join(dir, 'PG_VERSION'), '9\n');
    await expectRegistryError(openRegistryDb({ kind: 'pglite', dataDir: dir }), 'bad_config');
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });
});
