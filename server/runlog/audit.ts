/**
 * Re-reads every stored entry and checks it against what the log committed to: each entry's
 * bytes must hash to its stored leaf hash, each stored leaf hash must be the one the running
 * log holds, and (given a checkpoint the log signed earlier) the entries must still give that
 * checkpoint's root. Finds entries edited in the database, whether or not their leaf hash was
 * edited with them.
 */
import { bytesEqual, toBase64 } from '../../src/shared/merkle/bytes.ts';
import { checkpointRoot, type Checkpoint } from '../../src/shared/merkle/checkpoint.ts';
import type { TreeHasher } from '../../src/shared/merkle/rfc6962.ts';
import type { LeafStore } from './leafStore.ts';
import { MerkleLevels } from './merkleLevels.ts';

export type AuditProblem =
  | {
      readonly reason: 'entry_modified' | 'entry_missing' | 'leaf_hash_changed';
      readonly index: number;
      readonly message: string;
    }
  | {
      readonly reason: 'root_mismatch' | 'truncated';
      readonly treeSize: number;
      readonly message: string;
    };

export interface AuditReport {
  readonly ok: boolean;
  /** Entries checked. */
  readonly treeSize: number;
  /** The root of the entries as they are stored now, base64. */
  readonly rootHash: string;
  /** The first `maxProblems` problems found, in index order. */
  readonly problems: readonly AuditProblem[];
  /** All problems found, listed or not. */
  readonly problemCount: number;
}

export interface AuditInput {
  readonly store: LeafStore;
  readonly hasher: TreeHasher;
  /** The leaf hashes the running log holds, by index, for the first `size` entries. */
  readonly committed: (index: number) => Uint8Array;
  readonly size: number;
  /** A checkpoint this log signed earlier, already verified. */
  readonly against?: Checkpoint;
  readonly maxProblems?: number;
  readonly batchSize?: number;
}

export async function auditStore(input: AuditInput): Promise<AuditReport> {
  const { store, hasher, committed, size, against } = input;
  const maxProblems = input.maxProblems ?? 100;
  const batchSize = input.batchSize ?? 4096;
  const problems: AuditProblem[] = [];
  let problemCount = 0;
  const report = (problem: AuditProblem) => {
    problemCount += 1;
    if (problems.length < maxProblems) problems.push(problem);
  };
  const rehashed = new MerkleLevels(hasher);

  for (let from = 0; from < size; from += batchSize) {
    const to = Math.min(size, from + batchSize);
    const [leafHashes, entries] = await Promise.all([
      store.leafHashes(from, to),
      store.entries(from, to),
    ]);
    const batch: Uint8Array[] = [];
    for (let index = from; index < to; index++) {
      const logged = committed(index);
      const stored = leafHashes[index - from];
      const entry = entries[index - from];
      if (entry === undefined) {
        report({
          reason: 'entry_missing',
          index,
          message: `run log entry ${index} is missing from the store: restore it from a backup of the run log store; the log cannot prove anything about it until then.`,
        });
        batch.push(logged);
        continue;
      }
      const actual = await hasher.hashLeaf(entry);
      batch.push(actual);
      if (!bytesEqual(actual, logged)) {
        report({
          reason: 'entry_modified',
          index,
          message: `run log entry ${index} was changed after it was logged: its stored bytes hash to ${toBase64(actual)}, but the log committed to ${toBase64(logged)}. Restore entry ${index} from a backup of the run log store; do not append it again, since every checkpoint signed since commits to the original.`,
        });
      }
      if (stored === undefined || !bytesEqual(stored, logged)) {
        report({
          reason: 'leaf_hash_changed',
          index,
          message: `run log entry ${index}'s stored leaf hash is ${stored === undefined ? 'missing' : toBase64(stored)}, not ${toBase64(logged)} as when this server loaded it: the store was edited; restore that row from a backup.`,
        });
      }
    }
    await rehashed.append(batch);
  }

  if (against !== undefined) {
    if (against.treeSize > size) {
      report({
        reason: 'truncated',
        treeSize: against.treeSize,
        message: `the checkpoint of ${new Date(against.timestamp).toISOString()} commits to ${against.treeSize} entries but the store holds ${size}: entries were deleted; restore them from a backup.`,
      });
    } else {
      const root = await rehashed.root(against.treeSize);
      if (!bytesEqual(root, checkpointRoot(against))) {
        report({
          reason: 'root_mismatch',
          treeSize: against.treeSize,
          message: `the first ${against.treeSize} stored entries give root ${toBase64(root)}, but the checkpoint of ${new Date(against.timestamp).toISOString()} commits to ${against.rootHash}: entries before index ${against.treeSize} were changed; compare the store with a backup to find which, and restore them.`,
        });
      }
    }
  }

  return {
    ok: problemCount === 0,
    treeSize: size,
    rootHash: toBase64(await rehashed.root(size)),
    problems,
    problemCount,
  };
}
