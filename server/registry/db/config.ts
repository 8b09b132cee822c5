import type { PostgresDbOptions } from './postgresDb.ts';

/** Where the registry keeps its metadata. */
export type RegistryDbConfig =
  /** Embedded PostgreSQL (PGlite): files in `dataDir`, or `memory://` for nothing on disk. */
  | { readonly kind: 'pglite'; readonly dataDir: string }
  /** A PostgreSQL server, shared by every process given the same URL. */
  | ({ readonly kind: 'postgres' } & PostgresDbOptions);

/** PGlite's directory when the caller gives none, relative to the server's working directory. */
export const DEFAULT_REGISTRY_DATA_DIR = '.twinbench/registry';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * `DATABASE_URL` set (non-blank) → that PostgreSQL server; otherwise PGlite in `dataDir`.
 *
 * @example openRegistryDb(registryDbConfigFromEnv(process.env, join(serverDir, '.twinbench/registry')))
 */
export function registryDbConfigFromEnv(
  env: Env,
  dataDir: string = DEFAULT_REGISTRY_DATA_DIR,
): RegistryDbConfig {
  const url = env.DATABASE_URL?.trim();
  return url ? { kind: 'postgres', url } : { kind: 'pglite', dataDir };
}
