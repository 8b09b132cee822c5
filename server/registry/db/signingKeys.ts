import { requireLength } from './bytes.ts';
import { RegistryDbError } from './errors.ts';
import { modelId } from './models.ts';
import { requireActor } from './names.ts';
import { bytesColumn, dateColumn, textColumn } from './rows.ts';
import { isUniqueViolation } from './sqlErrors.ts';
import type { SqlRow, SqlSession } from './sqlSession.ts';

/** An Ed25519 public key bound to a model: versions of the model must be signed with it. */
export interface SigningKeyRecord {
  readonly model: string;
  /** Raw 32 bytes. */
  readonly publicKey: Uint8Array;
  /** The author who publishes with it. */
  readonly principal: string;
  readonly boundBy: string;
  readonly boundAt: Date;
  /** When an admin replaced it; null while it is the model's current key. */
  readonly retiredAt: Date | null;
}

export interface BindSigningKeyInput {
  readonly model: string;
  readonly publicKey: Uint8Array;
  readonly principal: string;
  readonly boundBy: string;
}

function toKey(model: string, row: SqlRow): SigningKeyRecord {
  const retired = row.retired_at;
  return {
    model,
    publicKey: bytesColumn(row, 'public_key'),
    principal: textColumn(row, 'principal'),
    boundBy: textColumn(row, 'bound_by'),
    boundAt: dateColumn(row, 'bound_at'),
    retiredAt: retired === null ? null : dateColumn(row, 'retired_at'),
  };
}

const COLUMNS = 'public_key, principal, bound_by, bound_at, retired_at';

/** The model's current signing key, or null when none is bound yet. */
export async function currentSigningKey(
  db: SqlSession,
  model: string,
): Promise<SigningKeyRecord | null> {
  const id = await modelId(db, model);
  const [row] = await db.query(
    `SELECT ${COLUMNS} FROM model_signing_keys WHERE model_id = $1 AND retired_at IS NULL`,
    [id],
  );
  return row === undefined ? null : toKey(model, row);
}

/** Every key the model has had, oldest first. */
export async function signingKeyHistory(
  db: SqlSession,
  model: string,
): Promise<SigningKeyRecord[]> {
  const id = await modelId(db, model);
  const rows = await db.query(
    `SELECT ${COLUMNS} FROM model_signing_keys WHERE model_id = $1 ORDER BY id`,
    [id],
  );
  return rows.map((row) => toKey(model, row));
}

/**
 * Makes `publicKey` the model's current key for `principal`, retiring the key before it (if
 * any) in the same transaction. `key_bound` when another caller bound a key at the same time.
 */
export async function bindSigningKey(
  db: SqlSession,
  input: BindSigningKeyInput,
): Promise<SigningKeyRecord> {
  const publicKey = requireLength(input.publicKey, 32, 'Ed25519 public key');
  const principal = requireActor(input.principal, 'key holder');
  const boundBy = requireActor(input.boundBy, 'who bound the key');
  return db.transaction(async (tx) => {
    const id = await modelId(tx, input.model, true);
    await tx.query(
      'UPDATE model_signing_keys SET retired_at = now() WHERE model_id = $1 AND retired_at IS NULL',
      [id],
    );
    try {
      const [row] = await tx.query(
        `INSERT INTO model_signing_keys (model_id, public_key, principal, bound_by)
         VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
        [id, publicKey, principal, boundBy],
      );
      return toKey(input.model, row!);
    } catch (error) {
      if (isUniqueViolation(error, 'model_signing_keys_current_key')) {
        throw new RegistryDbError(
          'bad_input',
          `model "${input.model}" had a signing key bound at the same moment by someone else; read the model's key and try again.`,
          { cause: error },
        );
      }
      throw error;
    }
  });
}

/** Records where a version's `publish` entry sits in the run log. */
export async function setVersionLogIndex(
  db: SqlSession,
  model: string,
  version: string,
  index: number,
): Promise<void> {
  const id = await modelId(db, model);
  await db.query('UPDATE versions SET run_log_index = $3 WHERE model_id = $1 AND version = $2', [
    id,
    version,
    index,
  ]);
}
