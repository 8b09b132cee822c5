/**
 * What a browser checks before it shows a run or version as verified: the entry it was shown
 * is the one the log committed to at that index, under a checkpoint whose signature it has
 * verified; and a newer checkpoint extends an older one (the log did not rewrite history).
 */
import { checkpointRoot, type Checkpoint } from './checkpoint.ts';
import { MerkleProofError } from './merkleProofError.ts';
import {
  decodeProofHashes,
  type ConsistencyProofJson,
  type InclusionProofJson,
} from './proofJson.ts';
import { hashLeaf } from './rfc6962.ts';
import { decodeRunLogEntry, type RunLogEntry } from './runLogEntry.ts';
import { verifyConsistency, verifyInclusion } from './verifyProofs.ts';

export interface LoggedEntryClaim {
  /** A checkpoint from `verifyCheckpointNote`. */
  readonly checkpoint: Checkpoint;
  readonly index: number;
  /** The entry's stored bytes as served (its canonical encoding). */
  readonly entryBytes: Uint8Array;
  readonly proof: InclusionProofJson;
}

function mismatch(message: string): MerkleProofError {
  return new MerkleProofError('proof_mismatch', message);
}

/**
 * The entry, once it is shown to be entry `index` of the checkpoint's tree. Throws a
 * `LogEntryError` when the bytes are not a canonical entry and a `MerkleProofError` when they
 * are not what the log committed to.
 */
export async function verifyLoggedEntry(claim: LoggedEntryClaim): Promise<RunLogEntry> {
  const { checkpoint, index, entryBytes, proof } = claim;
  if (proof.treeSize !== checkpoint.treeSize || proof.index !== index) {
    throw mismatch(
      `the proof is for entry ${proof.index} of ${proof.treeSize}, not entry ${index} of the checkpoint's ${checkpoint.treeSize}: ask for the proof against this checkpoint's size.`,
    );
  }
  const entry = decodeRunLogEntry(entryBytes);
  try {
    await verifyInclusion(
      await hashLeaf(entryBytes),
      index,
      checkpoint.treeSize,
      decodeProofHashes(proof.proof),
      checkpointRoot(checkpoint),
    );
  } catch (error) {
    if (error instanceof MerkleProofError && error.reason === 'root_mismatch') {
      throw new MerkleProofError(
        'root_mismatch',
        `run log entry ${index} (${entry.kind} of ${entry.model.id} ${entry.model.version}) is not what ${checkpoint.origin} committed to at that index in its checkpoint of ${checkpoint.treeSize} entries: the entry or its proof was changed after logging. Do not trust this run's record; report it to the log's operator.`,
      );
    }
    throw error;
  }
  return entry;
}

/**
 * Checks that `newer` extends `older`: same log, no fewer entries, and the proof links the two
 * roots. Clients keep the last checkpoint they verified and call this with each new one.
 */
export async function verifyCheckpointsConsistent(
  older: Checkpoint,
  newer: Checkpoint,
  proof: ConsistencyProofJson,
): Promise<void> {
  if (older.origin !== newer.origin) {
    throw mismatch(
      `the checkpoints are of two logs (${older.origin}, ${newer.origin}): compare checkpoints of one log.`,
    );
  }
  if (proof.from !== older.treeSize || proof.to !== newer.treeSize) {
    throw mismatch(
      `the proof links sizes ${proof.from} and ${proof.to}, not ${older.treeSize} and ${newer.treeSize}: ask for the proof between these checkpoints' sizes.`,
    );
  }
  await verifyConsistency(
    older.treeSize,
    newer.treeSize,
    decodeProofHashes(proof.proof),
    checkpointRoot(older),
    checkpointRoot(newer),
  );
}
