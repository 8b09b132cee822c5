/**
 * Opens what the registry's routes need at server start: its database (PGlite in a data
 * directory, or PostgreSQL at DATABASE_URL) and the run log on it with its signing key. Anything
 * that keeps it from opening becomes a ConfigError naming the setting to fix, so the server does
 * not start half-working.
 */
import { ConfigError } from '../errors.ts';
import type { RegistryConfig } from '../config.ts';
import type { Logger } from '../logger.ts';
import {
  loadRunLogSigners,
  RUNLOG_ENV,
  RunLog,
  RunLogConfigError,
  RunLogError,
} from '../runlog/index.ts';
import {
  openRegistryDb,
  registryDbConfigFromEnv,
  registryLeafStore,
  RegistryDbError,
  type RegistryDb,
} from './db/index.ts';

export interface OpenedRegistry {
  readonly db: RegistryDb;
  readonly log: RunLog;
  close(): Promise<void>;
}

export interface StartRegistryOptions {
  readonly logger: Logger;
  /** Where the development run log key lives when no key file is set (tests). */
  readonly developmentKeyFile?: string;
}

function where(config: RegistryConfig): string {
  return config.databaseUrl === null
    ? `TWINBENCH_REGISTRY_DIR (${config.dataDir})`
    : 'DATABASE_URL';
}

/**
 * @example const registry = await startRegistry(config.registry, { logger });
 * // … later
 * await registry.close();
 */
export async function startRegistry(
  config: RegistryConfig,
  options: StartRegistryOptions,
): Promise<OpenedRegistry> {
  const logger = options.logger.child('registry');
  let db: RegistryDb;
  try {
    db = await openRegistryDb(
      registryDbConfigFromEnv(
        config.databaseUrl === null ? {} : { DATABASE_URL: config.databaseUrl },
        config.dataDir,
      ),
    );
  } catch (error) {
    if (error instanceof RegistryDbError) {
      throw new ConfigError(
        config.databaseUrl === null ? 'invalid_value' : 'invalid_url',
        `the model registry cannot open its database (${where(config)}): ${error.message}`,
      );
    }
    throw error;
  }
  try {
    const signers = await loadRunLogSigners(
      {
        [RUNLOG_ENV.keyFile]: config.runLogKeyFiles.join(','),
        ...(config.runLogOrigin === null ? {} : { [RUNLOG_ENV.origin]: config.runLogOrigin }),
      },
      {
        logger: options.logger,
        ...(options.developmentKeyFile === undefined
          ? {}
          : { developmentKeyFile: options.developmentKeyFile }),
      },
    );
    const log = await RunLog.open({ store: registryLeafStore(db), signers });
    logger.info(
      `model registry on ${db.backend === 'pglite' ? `PGlite at ${db.location}` : `PostgreSQL at ${db.location}`}; run log ${log.origin} holds ${await log.size()} entries`,
    );
    return { db, log, close: () => db.close() };
  } catch (error) {
    await db.close();
    if (error instanceof RunLogConfigError) throw new ConfigError('invalid_value', error.message);
    if (error instanceof RunLogError || error instanceof RegistryDbError) {
      throw new ConfigError(
        'invalid_value',
        `the model registry's run log cannot be opened from ${where(config)}: ${error.message}`,
      );
    }
    throw error;
  }
}
