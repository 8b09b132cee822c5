// The registry's storage: open a RegistryDb, then call the repository functions on it (or on
// a transaction from `db.transaction`).
export { aliasHistory, getAlias, listAliases, setAlias } from './aliases.ts';
export type { AliasMove, AliasRecord, SetAliasInput } from './aliases.ts';
export { getArtifact, missingArtifacts, putArtifact } from './artifacts.ts';
export type { StoredArtifact } from './artifacts.ts';
export { sha256, toHex } from './bytes.ts';
export { DEFAULT_REGISTRY_DATA_DIR, registryDbConfigFromEnv } from './config.ts';
export type { RegistryDbConfig } from './config.ts';
export { describeDatabaseUrl } from './databaseUrl.ts';
export type { DatabaseTarget } from './databaseUrl.ts';
export { RegistryDbError } from './errors.ts';
export type { RegistryDbErrorReason } from './errors.ts';
export { migrate } from './migrate.ts';
export type { MigrationReport } from './migrate.ts';
export { createModel, getModel, listModels } from './models.ts';
export type { CreateModelInput, ModelRecord } from './models.ts';
export { openRegistryDb } from './openRegistryDb.ts';
export { PGLITE_MEMORY } from './pgliteDb.ts';
export type { PostgresDbOptions } from './postgresDb.ts';
export {
  appendRunLogEntry,
  getRunLogEntry,
  runLogEntries,
  runLogLeafHashes,
  runLogSize,
} from './runLog.ts';
export { registryLeafStore } from './registryLeafStore.ts';
export type { RunLogLeaf } from './runLog.ts';
export { compareSemver, compareVersionStrings, parseSemver, tryParseSemver } from './semver.ts';
export type { Semver } from './semver.ts';
export type { RegistryBackend, RegistryDb, SqlParam, SqlRow, SqlSession } from './sqlSession.ts';
export {
  bindSigningKey,
  currentSigningKey,
  setVersionLogIndex,
  signingKeyHistory,
} from './signingKeys.ts';
export type { BindSigningKeyInput, SigningKeyRecord } from './signingKeys.ts';
export { listTestResults, recordTestResults } from './testResults.ts';
export type { TestResultInput, TestResultRecord, TestStatus } from './testResults.ts';
export { getVersion, listVersions, publishVersion, resolveVersion } from './versions.ts';
export type {
  PublishVersionInput,
  VersionArtifact,
  VersionRecord,
  VersionSummary,
} from './versions.ts';
