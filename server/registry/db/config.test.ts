import { describe, expect, it } from 'vitest';
import { DEFAULT_REGISTRY_DATA_DIR, registryDbConfigFromEnv } from './config.ts';

describe('registryDbConfigFromEnv', () => {
  it('uses PostgreSQL when DATABASE_URL is set', () => {
    expect(
      registryDbConfigFromEnv({ DATABASE_URL: ' postgres://u:p@h/db ' }, '/srv/registry'),
    ).toEqual({
      kind: 'postgres',
      url: 'postgres://u:p@h/db',
    });
  });

  it('uses PGlite in the given directory, or the default one, otherwise', () => {
    expect(registryDbConfigFromEnv({}, '/srv/registry')).toEqual({
      kind: 'pglite',
      dataDir: '/srv/registry',
    });
    expect(registryDbConfigFromEnv({ DATABASE_URL: '  ' })).toEqual({
      kind: 'pglite',
      dataDir: DEFAULT_REGISTRY_DATA_DIR,
    });
  });
});
