import { requireLength } from './bytes.ts';
import { RegistryDbError } from './errors.ts';
import { bytesColumn, dateColumn, intColumn } from './rows.ts';
import type { SqlSession } from './sqlSession.ts';

/** One stored entry of the append-only run log (the leaves of its RFC 6962 Merkle tree). */
export interface RunLogLeaf {
  /** 0, 1, 2, … with no gaps. */
  readonly index: number;
  /** The 32-byte leaf hash the log computed: SHA-256(0x00 ‖ entry), RFC 6962 §2.1. */
  readonly leafHash: Uint8Array;
  /** The entry's canonical bytes. */
  readonly entry: Uint8Array;
  readonly appendedAt: Date;
}

/**
 * Stores an entry and its leaf hash (computed by the run log, `server/runlog/`; stored as
 * given) and returns the new leaf. Indices are dense: concurrent appends from any number of
 * connections or processes each get the next index, and a failed or rolled-back append leaves
 * no gap, because the log's size is read and bumped under a row lock in the same transaction.
 */
export async function appendRunLogEntry(
  db: SqlSession,
  leafHash: Uint8Array,
  entry: Uint8Array,
): Promise<RunLogLeaf> {
  requireLength(leafHash, 32, 'run log leaf hash');
  // Copies: the caller may reuse its buffers once we return.
  const [hash, bytes] = [leafHash.slice(), entry.slice()];
  return db.transaction(async (tx) => {
    const [head] = await tx.query(
      'UPDATE run_log_head SET size = size + 1 WHERE singleton RETURNING size - 1 AS idx',
    );
    const index = intColumn(head!, 'idx');
    const [row] = await tx.query(
      `INSERT INTO run_log_leaves (idx, leaf_hash, entry) VALUES ($1, $2, $3)
       RETURNING appended_at`,
      [index, hash, bytes],
    );
    return { index, leafHash: hash, entry: bytes, appendedAt: dateColumn(row!, 'appended_at') };
  });
}

/** How many entries the log holds. */
export async function runLogSize(db: SqlSession): Promise<number> {
  const [head] = await db.query('SELECT size FROM run_log_head WHERE singleton');
  return intColumn(head!, 'size');
}

function outOfRange(what: string, size: number): RegistryDbError {
  const holds = size === 0 ? 'is empty' : `holds ${size} entries (indices 0 to ${size - 1})`;
  return new RegistryDbError(
    'out_of_range',
    `${what} is outside the run log, which ${holds}; ask for indices below its size.`,
  );
}

/** Rows `from` (inclusive) to `to` (exclusive) of one column, in index order. */
async function range(
  db: SqlSession,
  column: 'leaf_hash' | 'entry',
  from: number,
  to: number,
): Promise<Uint8Array[]> {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || to < from) {
    throw new RegistryDbError(
      'bad_input',
      `run log range [${from}, ${to}) is not a range: give whole numbers with 0 ≤ from ≤ to.`,
    );
  }
  // Every index below a size once read is committed (size and leaf change in one transaction).
  const size = await runLogSize(db);
  if (to > size) throw outOfRange(`range [${from}, ${to})`, size);
  const rows = await db.query(
    `SELECT ${column} FROM run_log_leaves WHERE idx >= $1 AND idx < $2 ORDER BY idx`,
    [from, to],
  );
  return rows.map((row) => bytesColumn(row, column));
}

/** Leaf hashes of entries `from` (inclusive) to `to` (exclusive), in index order. */
export function runLogLeafHashes(db: SqlSession, from: number, to: number): Promise<Uint8Array[]> {
  return range(db, 'leaf_hash', from, to);
}

/** Entries `from` (inclusive) to `to` (exclusive), in index order. */
export function runLogEntries(db: SqlSession, from: number, to: number): Promise<Uint8Array[]> {
  return range(db, 'entry', from, to);
}

/** The leaf at `index`; `out_of_range` past the end. */
export async function getRunLogEntry(db: SqlSession, index: number): Promise<RunLogLeaf> {
  if (!Number.isSafeInteger(index) || index < 0) {
    throw new RegistryDbError('bad_input', `run log index ${index} is not a whole number ≥ 0.`);
  }
  const [row] = await db.query(
    'SELECT idx, leaf_hash, entry, appended_at FROM run_log_leaves WHERE idx = $1',
    [index],
  );
  if (row === undefined) throw outOfRange(`index ${index}`, await runLogSize(db));
  return {
    index: intColumn(row, 'idx'),
    leafHash: bytesColumn(row, 'leaf_hash'),
    entry: bytesColumn(row, 'entry'),
    appendedAt: dateColumn(row, 'appended_at'),
  };
}
