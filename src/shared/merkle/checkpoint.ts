/**
 * The log's signed tree head, written as a c2sp.org/tlog-checkpoint note text:
 *
 *     <origin>
 *     <tree size, decimal>
 *     <root hash, base64>
 *     timestamp <milliseconds since 1970, decimal>
 *
 * The timestamp is an extension line: signed with the rest, but no Merkle proof covers it, so it
 * says when the log signed this head, not when an entry was logged (entries carry `when`).
 */
import { fromBase64 } from './bytes.ts';
import { CheckpointError } from './checkpointError.ts';
import { HASH_SIZE } from './rfc6962.ts';
import { isNoteKeyName } from './signedNote.ts';

export interface Checkpoint {
  /** Names the log, e.g. `twinbench.example.org/runlog`; also the signing key's name. */
  readonly origin: string;
  readonly treeSize: number;
  /** The RFC 6962 root of the first `treeSize` entries, base64. */
  readonly rootHash: string;
  /** When the log signed it, in milliseconds since 1970 (UTC). */
  readonly timestamp: number;
}

const DECIMAL = /^(?:0|[1-9][0-9]*)$/;

function malformed(message: string): CheckpointError {
  return new CheckpointError('malformed_checkpoint', `checkpoint: ${message}`);
}

function decimal(text: string, what: string): number {
  const value = DECIMAL.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value)) {
    throw malformed(
      `the ${what} ${JSON.stringify(text)} is not a decimal integer below 2^53 without leading zeros.`,
    );
  }
  return value;
}

/** The checkpoint's root as bytes; throws for a root that is not base64 of 32 bytes. */
export function checkpointRoot(checkpoint: Checkpoint): Uint8Array {
  const root = fromBase64(checkpoint.rootHash);
  if (root === undefined || root.length !== HASH_SIZE) {
    throw malformed(
      `the root ${JSON.stringify(checkpoint.rootHash)} is not the base64 of a ${HASH_SIZE}-byte hash.`,
    );
  }
  return root;
}

/** The note text to sign. Throws `CheckpointError('malformed_checkpoint')` for invalid fields. */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, treeSize, rootHash, timestamp } = checkpoint;
  const text = `${origin}\n${treeSize}\n${rootHash}\ntimestamp ${timestamp}\n`;
  // Reading it back checks every field: a size of 1.5 or -1 has no decimal line it reads.
  parseCheckpoint(text);
  return text;
}

/** Reads the note text `formatCheckpoint` writes, and nothing looser. */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw malformed('the text must end in a newline.');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length !== 4) {
    throw malformed(`expected 4 lines (origin, size, root, timestamp), got ${lines.length}.`);
  }
  const [origin, size, root, stamp] = lines as [string, string, string, string];
  if (!stamp.startsWith('timestamp ')) {
    throw malformed(
      `the fourth line must be "timestamp <milliseconds since 1970>", got ${JSON.stringify(stamp)}.`,
    );
  }
  if (!isNoteKeyName(origin)) {
    throw malformed(
      `the origin ${JSON.stringify(origin)} must be non-empty with no spaces or "+" (e.g. example.org/runlog).`,
    );
  }
  const checkpoint: Checkpoint = {
    origin,
    treeSize: decimal(size, 'tree size'),
    rootHash: root,
    timestamp: decimal(stamp.slice('timestamp '.length), 'timestamp'),
  };
  checkpointRoot(checkpoint);
  return checkpoint;
}
