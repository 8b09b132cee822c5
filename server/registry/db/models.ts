import { RegistryDbError } from './errors.ts';
import { requireActor, requireModelName } from './names.ts';
import { dateColumn, intColumn, textColumn } from './rows.ts';
import { isUniqueViolation } from './sqlErrors.ts';
import type { SqlRow, SqlSession } from './sqlSession.ts';

export interface ModelRecord {
  readonly name: string;
  readonly owner: string;
  readonly description: string;
  readonly createdAt: Date;
}

export interface CreateModelInput {
  /** 1–64 lowercase letters, digits, `.`, `_`, `-`. */
  readonly name: string;
  /** Who owns the model (a user or team id from the portal). */
  readonly owner: string;
  readonly description?: string;
}

const COLUMNS = 'name, owner, description, created_at';

function toModel(row: SqlRow): ModelRecord {
  return {
    name: textColumn(row, 'name'),
    owner: textColumn(row, 'owner'),
    description: textColumn(row, 'description'),
    createdAt: dateColumn(row, 'created_at'),
  };
}

export function unknownModel(name: string): RegistryDbError {
  return new RegistryDbError(
    'unknown_model',
    `there is no model "${name}" in the registry; create it first (or check the name).`,
  );
}

/** Creates a model; `model_exists` if the name is taken. */
export async function createModel(db: SqlSession, input: CreateModelInput): Promise<ModelRecord> {
  const name = requireModelName(input.name);
  const owner = requireActor(input.owner, 'model owner');
  try {
    const [row] = await db.query(
      `INSERT INTO models (name, owner, description) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`,
      [name, owner, input.description ?? ''],
    );
    return toModel(row!);
  } catch (error) {
    if (isUniqueViolation(error, 'models_name_key')) {
      throw new RegistryDbError(
        'model_exists',
        `model "${name}" already exists; publish a new version of it, or pick another name.`,
        { cause: error },
      );
    }
    throw error;
  }
}

/** The model named `name`; `unknown_model` if there is none. */
export async function getModel(db: SqlSession, name: string): Promise<ModelRecord> {
  const [row] = await db.query(`SELECT ${COLUMNS} FROM models WHERE name = $1`, [name]);
  if (row === undefined) throw unknownModel(name);
  return toModel(row);
}

/** Every model, by name. */
export async function listModels(db: SqlSession): Promise<ModelRecord[]> {
  const rows = await db.query(`SELECT ${COLUMNS} FROM models ORDER BY name`);
  return rows.map(toModel);
}

/**
 * The model's row id; `unknown_model` if there is none. `lock` holds the row (FOR NO KEY
 * UPDATE, which still lets versions reference it) until the transaction ends.
 */
export async function modelId(db: SqlSession, name: string, lock = false): Promise<number> {
  const [row] = await db.query(
    `SELECT id FROM models WHERE name = $1${lock ? ' FOR NO KEY UPDATE' : ''}`,
    [name],
  );
  if (row === undefined) throw unknownModel(name);
  return intColumn(row, 'id');
}
