import { parseDigest, sha256, toHex } from './bytes.ts';
import { RegistryDbError } from './errors.ts';
import { bytesColumn, textColumn } from './rows.ts';
import type { SqlSession } from './sqlSession.ts';

export interface StoredArtifact {
  /** SHA-256 of the bytes, 64 lowercase hex digits. */
  readonly digest: string;
  readonly size: number;
  /** False when the same bytes were already stored (nothing was written). */
  readonly created: boolean;
}

export function unknownArtifact(digest: string, path?: string): RegistryDbError {
  return new RegistryDbError(
    'unknown_artifact',
    `artifact sha256:${digest}${path === undefined ? '' : ` (${path})`} is not in the registry; upload its bytes first.`,
  );
}

/**
 * Stores `bytes` under their SHA-256, once: storing equal bytes again writes nothing. With
 * `expectedDigest` (what the client announced), bytes that hash otherwise are refused with
 * `digest_mismatch`.
 */
export async function putArtifact(
  db: SqlSession,
  bytes: Uint8Array,
  expectedDigest?: string,
): Promise<StoredArtifact> {
  const digest = sha256(bytes);
  const hex = toHex(digest);
  if (
    expectedDigest !== undefined &&
    toHex(parseDigest(expectedDigest, 'expected digest')) !== hex
  ) {
    throw new RegistryDbError(
      'digest_mismatch',
      `the uploaded bytes hash to sha256:${hex}, not ${expectedDigest}: the upload was corrupted or the digest is wrong. Upload again.`,
    );
  }
  // Look first, so storing known bytes again does not send them to the database.
  const [known] = await db.query('SELECT 1 AS found FROM artifacts WHERE digest = $1', [digest]);
  if (known !== undefined) return { digest: hex, size: bytes.byteLength, created: false };
  // ON CONFLICT: someone may store the same bytes between the look and the insert.
  const inserted = await db.query(
    `INSERT INTO artifacts (digest, size, content) VALUES ($1, $2, $3)
     ON CONFLICT (digest) DO NOTHING RETURNING digest`,
    [digest, bytes.byteLength, bytes],
  );
  return { digest: hex, size: bytes.byteLength, created: inserted.length === 1 };
}

/** The bytes stored under `digest`; `unknown_artifact` if there are none. */
export async function getArtifact(db: SqlSession, digest: string): Promise<Uint8Array> {
  const [row] = await db.query('SELECT content FROM artifacts WHERE digest = $1', [
    parseDigest(digest, 'artifact digest'),
  ]);
  if (row === undefined) throw unknownArtifact(toHex(parseDigest(digest, 'artifact digest')));
  return bytesColumn(row, 'content');
}

/** Those of `digests` that are not stored yet (what a client still has to upload), in order. */
export async function missingArtifacts(
  db: SqlSession,
  digests: readonly string[],
): Promise<string[]> {
  if (digests.length === 0) return [];
  const wanted = digests.map((digest) => toHex(parseDigest(digest, 'artifact digest')));
  // Passed as one comma-separated text: array parameters are not encoded alike by both drivers.
  const rows = await db.query(
    `SELECT wanted.hex FROM unnest(string_to_array($1, ',')) WITH ORDINALITY AS wanted (hex, n)
     WHERE NOT EXISTS (SELECT 1 FROM artifacts WHERE digest = decode(wanted.hex, 'hex'))
     ORDER BY wanted.n`,
    [wanted.join(',')],
  );
  return rows.map((row) => textColumn(row, 'hex'));
}
