import { modelId } from './models.ts';
import { requireActor, requireAliasName } from './names.ts';
import { dateColumn, intColumn, nullableTextColumn, textColumn } from './rows.ts';
import type { SqlRow, SqlSession } from './sqlSession.ts';
import { resolveVersion, unknownAlias } from './versions.ts';

export interface AliasRecord {
  readonly model: string;
  readonly alias: string;
  /** The exact version the alias points at. */
  readonly version: string;
  readonly movedBy: string;
  readonly movedAt: Date;
}

export interface AliasMove {
  /** Where the alias pointed before; null when this move created it. */
  readonly from: string | null;
  readonly to: string;
  readonly movedBy: string;
  readonly movedAt: Date;
}

export interface SetAliasInput {
  readonly model: string;
  /** e.g. `latest`, `stable`. */
  readonly alias: string;
  /** An exact version, or another alias (`stable` → wherever `latest` points now). */
  readonly version: string;
  readonly movedBy: string;
}

function toAlias(model: string, row: SqlRow): AliasRecord {
  return {
    model,
    alias: textColumn(row, 'name'),
    version: textColumn(row, 'version'),
    movedBy: textColumn(row, 'moved_by'),
    movedAt: dateColumn(row, 'moved_at'),
  };
}

/**
 * Points an alias at a version of the same model, creating it if needed, and records the move
 * (who, when, from where). Moves of one model's aliases are serialised, so the history has no
 * lost updates. Returns the alias as it is now and where it pointed before.
 */
export async function setAlias(
  db: SqlSession,
  input: SetAliasInput,
): Promise<AliasRecord & { readonly previous: string | null }> {
  const alias = requireAliasName(input.alias);
  const movedBy = requireActor(input.movedBy, 'who moved the alias');
  return db.transaction(async (tx) => {
    const model = await modelId(tx, input.model, true);
    const target = await resolveVersion(tx, input.model, input.version);
    const [before] = await tx.query(
      `SELECT a.version_id, v.version FROM aliases a JOIN versions v ON v.id = a.version_id
       WHERE a.model_id = $1 AND a.name = $2`,
      [model, alias],
    );
    const [moved] = await tx.query(
      `INSERT INTO aliases (model_id, name, version_id, moved_by, moved_at)
       VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (model_id, name) DO UPDATE SET
         version_id = EXCLUDED.version_id, moved_by = EXCLUDED.moved_by, moved_at = EXCLUDED.moved_at
       RETURNING moved_at`,
      [model, alias, target.id, movedBy],
    );
    await tx.query(
      `INSERT INTO alias_moves (model_id, name, from_version_id, to_version_id, moved_by, moved_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        model,
        alias,
        before === undefined ? null : intColumn(before, 'version_id'),
        target.id,
        movedBy,
        dateColumn(moved!, 'moved_at'),
      ],
    );
    return {
      model: input.model,
      alias,
      version: target.version,
      movedBy,
      movedAt: dateColumn(moved!, 'moved_at'),
      previous: before === undefined ? null : textColumn(before, 'version'),
    };
  });
}

/** Where an alias points, who moved it there and when; `unknown_alias` if it is not set. */
export async function getAlias(db: SqlSession, model: string, alias: string): Promise<AliasRecord> {
  const id = await modelId(db, model);
  const [row] = await db.query(
    `SELECT a.name, v.version, a.moved_by, a.moved_at FROM aliases a
     JOIN versions v ON v.id = a.version_id WHERE a.model_id = $1 AND a.name = $2`,
    [id, alias],
  );
  if (row === undefined) throw unknownAlias(model, alias);
  return toAlias(model, row);
}

/** A model's aliases, by name. */
export async function listAliases(db: SqlSession, model: string): Promise<AliasRecord[]> {
  const id = await modelId(db, model);
  const rows = await db.query(
    `SELECT a.name, v.version, a.moved_by, a.moved_at FROM aliases a
     JOIN versions v ON v.id = a.version_id WHERE a.model_id = $1 ORDER BY a.name`,
    [id],
  );
  return rows.map((row) => toAlias(model, row));
}

/** Every move of an alias, oldest first; `unknown_alias` if it was never set. */
export async function aliasHistory(
  db: SqlSession,
  model: string,
  alias: string,
): Promise<AliasMove[]> {
  const id = await modelId(db, model);
  const rows = await db.query(
    `SELECT f.version AS from_version, t.version AS to_version, m.moved_by, m.moved_at
     FROM alias_moves m
     LEFT JOIN versions f ON f.id = m.from_version_id
     JOIN versions t ON t.id = m.to_version_id
     WHERE m.model_id = $1 AND m.name = $2 ORDER BY m.id`,
    [id, alias],
  );
  if (rows.length === 0) throw unknownAlias(model, alias);
  return rows.map((row) => ({
    from: nullableTextColumn(row, 'from_version'),
    to: textColumn(row, 'to_version'),
    movedBy: textColumn(row, 'moved_by'),
    movedAt: dateColumn(row, 'moved_at'),
  }));
}
