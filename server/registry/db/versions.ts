import { unknownArtifact } from './artifacts.ts';
import { parseDigest, requireLength, toHex } from './bytes.ts';
import { RegistryDbError } from './errors.ts';
import { modelId } from './models.ts';
import { isAliasName, requireActor } from './names.ts';
import { bytesColumn, dateColumn, intColumn, nullableTextColumn, textColumn } from './rows.ts';
import { compareSemver, parseSemver, tryParseSemver } from './semver.ts';
import { isUniqueViolation } from './sqlErrors.ts';
import type { SqlRow, SqlSession } from './sqlSession.ts';

/** A file of a version: where it goes in the model's tree and which stored bytes it is. */
export interface VersionArtifact {
  readonly path: string;
  /** SHA-256, 64 lowercase hex digits. */
  readonly digest: string;
}

export interface PublishVersionInput {
  readonly model: string;
  /** Semantic version without build metadata, e.g. `1.2.0` or `2.0.0-rc.1`. */
  readonly version: string;
  /** SHA-256 of the version's content (what the author signed), hex. */
  readonly contentDigest: string;
  /** The manifest exactly as the author sent it: a JSON object as text. */
  readonly manifest: string;
  /** Ed25519 signature, 64 bytes. */
  readonly signature: Uint8Array;
  /** The author's Ed25519 public key, 32 bytes. */
  readonly publicKey: Uint8Array;
  readonly publishedBy: string;
  /** Already stored with `putArtifact`; paths unique within the version. */
  readonly artifacts: readonly VersionArtifact[];
}

export interface VersionSummary {
  readonly model: string;
  readonly version: string;
  readonly contentDigest: string;
  readonly manifest: string;
  readonly signature: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly publishedBy: string;
  readonly publishedAt: Date;
  /** Where the version's `publish` entry sits in the run log; null until it is appended. */
  readonly runLogIndex: number | null;
}

export interface VersionRecord extends VersionSummary {
  /** By path. */
  readonly artifacts: readonly (VersionArtifact & { readonly size: number })[];
}

const SUMMARY_COLUMNS = `m.name AS model, v.id, v.version, v.content_digest, v.manifest,
  v.signature, v.public_key, v.published_by, v.published_at, v.run_log_index::text AS run_log_index`;

function toSummary(row: SqlRow): VersionSummary {
  // Read as text: pg returns int8 as a string, PGlite as a number.
  const logIndex = nullableTextColumn(row, 'run_log_index');
  return {
    model: textColumn(row, 'model'),
    version: textColumn(row, 'version'),
    contentDigest: toHex(bytesColumn(row, 'content_digest')),
    manifest: textColumn(row, 'manifest'),
    signature: bytesColumn(row, 'signature'),
    publicKey: bytesColumn(row, 'public_key'),
    publishedBy: textColumn(row, 'published_by'),
    publishedAt: dateColumn(row, 'published_at'),
    runLogIndex: logIndex === null ? null : Number(logIndex),
  };
}

function requirePublishableVersion(version: string): string {
  const parsed = parseSemver(version);
  if (parsed.build.length > 0) {
    throw new RegistryDbError(
      'bad_semver',
      `version ${JSON.stringify(version)} carries build metadata (+${parsed.build.join('.')}), which semver ignores when ordering, so two such versions could not be told apart. Publish ${version.slice(0, version.indexOf('+'))} and put build details in the manifest.`,
    );
  }
  return version;
}

function requireManifest(manifest: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(manifest);
  } catch (error) {
    throw new RegistryDbError(
      'bad_input',
      `the manifest is not JSON (${(error as Error).message}); send the manifest file's text.`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new RegistryDbError('bad_input', 'the manifest must be a JSON object.');
  }
  return manifest;
}

function requireArtifactPaths(artifacts: readonly VersionArtifact[]): void {
  const seen = new Set<string>();
  for (const { path } of artifacts) {
    const segments = path.split('/');
    if (
      path.length === 0 ||
      path.length > 1024 ||
      path.includes('\\') ||
      segments.some((segment) => segment === '' || segment === '.' || segment === '..')
    ) {
      throw new RegistryDbError(
        'bad_input',
        `artifact path ${JSON.stringify(path)} is not allowed: use a relative path with "/" between names, no "." or ".." segments and no leading or trailing "/" (e.g. "kernels/step.wgsl").`,
      );
    }
    if (seen.has(path)) {
      throw new RegistryDbError('bad_input', `artifact path "${path}" is listed twice.`);
    }
    seen.add(path);
  }
}

function versionExists(model: string, version: string, cause: unknown): RegistryDbError {
  return new RegistryDbError(
    'version_exists',
    `model "${model}" already has version ${version}; published versions never change, so publish a higher version (or a prerelease).`,
    { cause },
  );
}

/**
 * Publishes a version of an existing model with its files, in one transaction. Refuses a
 * version the model already has (`version_exists`), files not uploaded yet
 * (`unknown_artifact`), and malformed input (`bad_semver`, `bad_input`).
 */
export async function publishVersion(
  db: SqlSession,
  input: PublishVersionInput,
): Promise<VersionRecord> {
  const version = requirePublishableVersion(input.version);
  const contentDigest = parseDigest(input.contentDigest, 'content digest');
  const manifest = requireManifest(input.manifest);
  const signature = requireLength(input.signature, 64, 'Ed25519 signature');
  const publicKey = requireLength(input.publicKey, 32, 'Ed25519 public key');
  const publishedBy = requireActor(input.publishedBy, 'publisher');
  requireArtifactPaths(input.artifacts);
  const files = input.artifacts.map((artifact) => ({
    path: artifact.path,
    digest: parseDigest(artifact.digest, `digest of artifact "${artifact.path}"`),
  }));

  await db.transaction(async (tx) => {
    const model = await modelId(tx, input.model);
    for (const file of files) {
      const [stored] = await tx.query('SELECT 1 AS found FROM artifacts WHERE digest = $1', [
        file.digest,
      ]);
      if (stored === undefined) throw unknownArtifact(toHex(file.digest), file.path);
    }
    let id: number;
    try {
      const [row] = await tx.query(
        `INSERT INTO versions
           (model_id, version, content_digest, manifest, signature, public_key, published_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [model, version, contentDigest, manifest, signature, publicKey, publishedBy],
      );
      id = intColumn(row!, 'id');
    } catch (error) {
      if (isUniqueViolation(error, 'versions_model_version_key')) {
        throw versionExists(input.model, version, error);
      }
      throw error;
    }
    for (const file of files) {
      await tx.query(
        'INSERT INTO version_artifacts (version_id, path, digest) VALUES ($1, $2, $3)',
        [id, file.path, file.digest],
      );
    }
  });
  return getVersion(db, input.model, version);
}

export function unknownAlias(model: string, alias: string): RegistryDbError {
  return new RegistryDbError(
    'unknown_alias',
    `model "${model}" has no alias "${alias}"; set it first, or ask for an exact version.`,
  );
}

/** A version's row id and exact version, from an exact version or an alias. */
export async function resolveVersion(
  db: SqlSession,
  model: string,
  ref: string,
): Promise<{ readonly id: number; readonly version: string }> {
  const id = await modelId(db, model);
  if (tryParseSemver(ref) !== null) {
    const [row] = await db.query(
      'SELECT id, version FROM versions WHERE model_id = $1 AND version = $2',
      [id, ref],
    );
    if (row === undefined) {
      throw new RegistryDbError(
        'unknown_version',
        `model "${model}" has no version ${ref}; list its versions to see which exist.`,
      );
    }
    return { id: intColumn(row, 'id'), version: textColumn(row, 'version') };
  }
  if (isAliasName(ref)) {
    const [row] = await db.query(
      `SELECT v.id, v.version FROM aliases a JOIN versions v ON v.id = a.version_id
       WHERE a.model_id = $1 AND a.name = $2`,
      [id, ref],
    );
    if (row === undefined) throw unknownAlias(model, ref);
    return { id: intColumn(row, 'id'), version: textColumn(row, 'version') };
  }
  throw new RegistryDbError(
    'bad_input',
    `${JSON.stringify(ref)} is neither a version (e.g. 1.2.0) nor an alias (e.g. stable).`,
  );
}

/**
 * A version by exact version (`1.2.0`) or alias (`stable`), with its files.
 * `unknown_model`, `unknown_version` or `unknown_alias` when there is no such thing.
 */
export async function getVersion(
  db: SqlSession,
  model: string,
  ref: string,
): Promise<VersionRecord> {
  const { id } = await resolveVersion(db, model, ref);
  const [row] = await db.query(
    `SELECT ${SUMMARY_COLUMNS} FROM versions v JOIN models m ON m.id = v.model_id WHERE v.id = $1`,
    [id],
  );
  const files = await db.query(
    `SELECT va.path, va.digest, a.size FROM version_artifacts va
     JOIN artifacts a ON a.digest = va.digest WHERE va.version_id = $1 ORDER BY va.path`,
    [id],
  );
  return {
    ...toSummary(row!),
    artifacts: files.map((file) => ({
      path: textColumn(file, 'path'),
      digest: toHex(bytesColumn(file, 'digest')),
      size: intColumn(file, 'size'),
    })),
  };
}

/** A model's versions in semver order, lowest first (1.9.0 before 1.10.0, 2.0.0-rc.1 before 2.0.0). */
export async function listVersions(db: SqlSession, model: string): Promise<VersionSummary[]> {
  const id = await modelId(db, model);
  const rows = await db.query(
    `SELECT ${SUMMARY_COLUMNS} FROM versions v JOIN models m ON m.id = v.model_id
     WHERE v.model_id = $1`,
    [id],
  );
  return rows
    .map(toSummary)
    .map((summary) => ({ summary, semver: parseSemver(summary.version) }))
    .sort((a, b) => compareSemver(a.semver, b.semver))
    .map(({ summary }) => summary);
}
