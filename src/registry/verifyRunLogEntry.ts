/**
 * Checking a run log entry the way a browser shows a verified badge: the checkpoint is signed by
 * a log key the caller pinned, it extends the last checkpoint the caller verified (if any), and
 * the entry is the one the log committed to at its index (inclusion proof). Reference:
 * docs/run-log.md, "How a client verifies".
 */
import { CheckpointError } from '../shared/merkle/checkpointError.ts';
import { fromBase64 } from '../shared/merkle/bytes.ts';
import type { Checkpoint } from '../shared/merkle/checkpoint.ts';
import type { LogPublicKey } from '../shared/merkle/logPublicKey.ts';
import { MerkleProofError } from '../shared/merkle/merkleProofError.ts';
import { LogEntryError, type RunLogEntry } from '../shared/merkle/runLogEntry.ts';
import { verifyCheckpointNote } from '../shared/merkle/verifyCheckpoint.ts';
import { verifyCheckpointsConsistent, verifyLoggedEntry } from '../shared/merkle/verifyLogged.ts';
import type { VersionSummary } from '../protocol/registry.ts';
import type { RegistryClient } from './registryClient.ts';
import { RegistryClientError } from './registryClientError.ts';

export interface VerifyRunLogOptions {
  /** The log's public key(s), pinned out of band (built into the app or a deployment config). */
  readonly logKeys: readonly LogPublicKey[];
  /** The newest checkpoint this client verified before; the new one must extend it. */
  readonly trusted?: Checkpoint;
}

export interface VerifiedRunLogEntry {
  readonly index: number;
  readonly entry: RunLogEntry;
  /** The checkpoint it was verified against: keep it as the next call's `trusted`. */
  readonly checkpoint: Checkpoint;
}

function unverified(message: string, cause: unknown): RegistryClientError {
  return new RegistryClientError('log_unverified', message, null, { cause });
}

async function verified<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (
      error instanceof CheckpointError ||
      error instanceof MerkleProofError ||
      error instanceof LogEntryError
    ) {
      throw unverified(`${what}: ${error.message}`, error);
    }
    throw error;
  }
}

/**
 * Fetches the latest checkpoint, entry `index` and its inclusion proof, and verifies them.
 * Rejects with `log_unverified` (what failed and why) or the server's refusal, e.g.
 * `entry_tampered` when the server itself found the stored entry changed.
 *
 * @example
 * const { entry, checkpoint } = await verifyRunLogEntry(client, version.logIndex, { logKeys, trusted });
 */
export async function verifyRunLogEntry(
  client: RegistryClient,
  index: number,
  options: VerifyRunLogOptions,
): Promise<VerifiedRunLogEntry> {
  const note = await client.checkpoint();
  const checkpoint = await verified(
    'the run log checkpoint does not verify with the pinned log key',
    () => verifyCheckpointNote(note, options.logKeys),
  );
  const trusted = options.trusted;
  if (trusted !== undefined) {
    if (checkpoint.treeSize < trusted.treeSize) {
      throw unverified(
        `the run log now claims ${checkpoint.treeSize} entries, fewer than the ${trusted.treeSize} of a checkpoint verified before: the log was rolled back. Keep both checkpoints as evidence and tell the log's operator.`,
        undefined,
      );
    }
    const proof = await client.consistencyProof(trusted.treeSize, checkpoint.treeSize);
    await verified(
      `the run log's new checkpoint (${checkpoint.treeSize} entries) does not extend the one verified before (${trusted.treeSize}): its history was rewritten`,
      () => verifyCheckpointsConsistent(trusted, checkpoint, proof),
    );
  }
  const [stored, proof] = await Promise.all([
    client.logEntry(index),
    client.inclusionProof(index, checkpoint.treeSize),
  ]);
  const bytes = fromBase64(stored.bytes);
  if (bytes === undefined || stored.index !== index) {
    throw unverified(`the registry sent a malformed run log entry ${index}.`, undefined);
  }
  const entry = await verified(`run log entry ${index} is not the one the log committed to`, () =>
    verifyLoggedEntry({ checkpoint, index, entryBytes: bytes, proof }),
  );
  return { index, entry, checkpoint };
}

/**
 * The verified badge of a published version: its `publish` entry is in the log, and it records
 * exactly this model, version and content digest.
 */
export async function verifyVersionLogged(
  client: RegistryClient,
  version: VersionSummary,
  options: VerifyRunLogOptions,
): Promise<VerifiedRunLogEntry> {
  if (version.logIndex === null) {
    throw new RegistryClientError(
      'log_unverified',
      `${version.model} ${version.version} has no run log entry: its publish was not logged, so it cannot be shown as verified.`,
    );
  }
  const verifiedEntry = await verifyRunLogEntry(client, version.logIndex, options);
  const { entry } = verifiedEntry;
  if (
    entry.kind !== 'publish' ||
    entry.model.id !== version.model ||
    entry.model.version !== version.version ||
    entry.parameters.contentDigest !== version.contentDigest
  ) {
    throw new RegistryClientError(
      'log_unverified',
      `run log entry ${version.logIndex} records a ${entry.kind} of ${entry.model.id} ${entry.model.version}, not the publish of ${version.model} ${version.version} with content ${version.contentDigest}: the registry's record and its log disagree.`,
    );
  }
  return verifiedEntry;
}
