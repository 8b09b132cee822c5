/** The run log (docs/run-log.md): what the registry and the HTTP routes use. */
export type { AuditProblem, AuditReport } from './audit.ts';
export {
  ed25519CheckpointSigner,
  signCheckpoint,
  type CheckpointSigner,
} from './checkpointSigner.ts';
export { MemoryLeafStore, type LeafStore } from './leafStore.ts';
export { RunLog, type AppendedEntry, type RunLogOptions, type StoredEntry } from './runLog.ts';
export {
  RunLogConfigError,
  RunLogError,
  type RunLogConfigErrorReason,
  type RunLogErrorReason,
} from './runLogErrors.ts';
export {
  DEFAULT_RUNLOG_ORIGIN,
  defaultDevelopmentKeyFile,
  loadRunLogSigners,
  RUNLOG_ENV,
  type RunLogSignerOptions,
} from './runLogKey.ts';
