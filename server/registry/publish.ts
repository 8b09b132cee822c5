/**
 * Publishing a version: check what the author sent (artifact digests, the content digest, the
 * signature, the model manifest), bind or check the model's signing key, store everything in
 * one transaction, move `latest`, and append a `publish` entry to the run log.
 */
import type {
  PublishRequest,
  PublishResponse,
  RegistryManifest,
} from '../../src/protocol/registry.ts';
import { REGISTRY_LIMITS } from '../../src/protocol/registry.ts';
import { bytesEqual, fromBase64, fromUtf8, toBase64 } from '../../src/shared/merkle/bytes.ts';
import { canonicalJson } from '../../src/shared/merkle/canonicalJson.ts';
import type { RunLogEntry } from '../../src/shared/merkle/runLogEntry.ts';
import { resolveArtifactPath } from '../../src/shared/signing/artifactPaths.ts';
import {
  artifactDigest,
  contentDigest,
  type ModelContent,
} from '../../src/shared/signing/modelContent.ts';
import {
  keyFingerprint,
  publicKeyFromBase64,
  verifyContentSignature,
} from '../../src/shared/signing/modelSignature.ts';
import { parseManifest } from '../../src/runtime/manifest/parseManifest.ts';
import type { Principal } from '../auth/principal.ts';
import { roleAtLeast } from '../auth/roles.ts';
import type { Logger } from '../logger.ts';
import type { RunLog } from '../runlog/index.ts';
import {
  bindSigningKey,
  createModel,
  currentSigningKey,
  getAlias,
  getModel,
  parseSemver,
  publishVersion,
  putArtifact,
  RegistryDbError,
  setAlias,
  setVersionLogIndex,
  compareSemver,
  type RegistryDb,
  type SqlSession,
} from './db/index.ts';
import { RegistryRequestError } from './registryRequestError.ts';
import { describeVersion } from './versionDetail.ts';

export interface PublishContext {
  readonly db: RegistryDb;
  readonly log: RunLog;
  readonly logger: Logger;
  /** Milliseconds since 1970, for the run log entry. Default `Date.now`. */
  readonly now?: () => number;
}

/** Paths are logged as run log input names, which have at most 256 characters. */
const MAX_PATH_LENGTH = 256;

interface DecodedArtifact {
  readonly path: string;
  readonly digest: string;
  readonly size: number;
  readonly bytes: Uint8Array;
}

async function decodeArtifacts(request: PublishRequest): Promise<DecodedArtifact[]> {
  if (
    request.artifacts.length === 0 ||
    request.artifacts.length > REGISTRY_LIMITS.artifactsPerVersion
  ) {
    throw new RegistryRequestError(
      400,
      'bad_request',
      `a version has 1 to ${REGISTRY_LIMITS.artifactsPerVersion} artifacts (the model manifest and its kernel and data files); this one has ${request.artifacts.length}.`,
    );
  }
  return Promise.all(
    request.artifacts.map(async (artifact) => {
      if (artifact.path.length > MAX_PATH_LENGTH) {
        throw new RegistryRequestError(
          400,
          'bad_request',
          `artifact path "${artifact.path.slice(0, 60)}…" is longer than ${MAX_PATH_LENGTH} characters; use a shorter one.`,
        );
      }
      const bytes = fromBase64(artifact.content);
      if (bytes === undefined) {
        throw new RegistryRequestError(
          400,
          'bad_request',
          `artifact "${artifact.path}": content is not standard padded base64.`,
        );
      }
      if (bytes.length > REGISTRY_LIMITS.artifactBytes) {
        throw new RegistryRequestError(
          413,
          'too_large',
          `artifact "${artifact.path}" has ${bytes.length} bytes, more than the ${REGISTRY_LIMITS.artifactBytes} an artifact may have.`,
        );
      }
      const digest = await artifactDigest(bytes);
      if (digest !== artifact.digest || bytes.length !== artifact.size) {
        throw new RegistryRequestError(
          400,
          'digest_mismatch',
          `artifact "${artifact.path}" arrived as ${bytes.length} bytes hashing to ${digest}, not the ${artifact.size} bytes and ${artifact.digest} announced: the upload was damaged, or the digest was computed over other bytes. Compute digests over the exact bytes you send.`,
        );
      }
      return { path: artifact.path, digest, size: bytes.length, bytes };
    }),
  );
}

/** Refuses a version whose model manifest (the entrypoint) does not load. */
async function checkModelManifest(
  manifest: RegistryManifest,
  artifacts: readonly DecodedArtifact[],
): Promise<void> {
  const byPath = new Map(artifacts.map((artifact) => [artifact.path, artifact.bytes]));
  const entry = byPath.get(manifest.entrypoint);
  if (entry === undefined) {
    throw new RegistryRequestError(
      400,
      'bad_request',
      `the manifest's entrypoint "${manifest.entrypoint}" is not one of the artifacts (${artifacts.map((a) => a.path).join(', ')}): list the model manifest (YAML) among them.`,
    );
  }
  const text = (bytes: Uint8Array, path: string) => {
    try {
      return fromUtf8(bytes);
    } catch {
      throw new Error(`${path} is not UTF-8 text`);
    }
  };
  await parseManifest(text(entry, manifest.entrypoint), manifest.entrypoint, (relative) => {
    const path = resolveArtifactPath(manifest.entrypoint, relative);
    const bytes = path === null ? undefined : byPath.get(path);
    if (bytes === undefined) {
      throw new Error(
        `it is not among the published artifacts${path === null ? '' : ` (looked for "${path}")`}`,
      );
    }
    return text(bytes, relative);
  });
}

/** The model's current key must be the one that signed, held by the publisher (or an admin). */
async function checkOrBindKey(
  tx: SqlSession,
  model: string,
  principal: Principal,
  publicKey: Uint8Array,
  publicKeyText: string,
): Promise<void> {
  const current = await currentSigningKey(tx, model);
  if (current === null) {
    await bindSigningKey(tx, {
      model,
      publicKey,
      principal: principal.subject,
      boundBy: principal.subject,
    });
    return;
  }
  if (!bytesEqual(current.publicKey, publicKey)) {
    const [expected, got] = await Promise.all([
      keyFingerprint(toBase64(current.publicKey)),
      keyFingerprint(publicKeyText),
    ]);
    throw new RegistryRequestError(
      403,
      'wrong_key',
      `model "${model}" is signed with key ${expected} (bound to ${current.principal}), not ${got}: sign with that key, or ask an admin to rotate the model's key (PUT /api/registry/models/${model}/signing-key).`,
    );
  }
  if (current.principal !== principal.subject && !roleAtLeast(principal.role, 'admin')) {
    throw new RegistryRequestError(
      403,
      'not_key_holder',
      `model "${model}"'s signing key is bound to ${current.principal}, not to ${principal.subject}: only its holder publishes new versions, unless an admin rotates the key to you.`,
    );
  }
}

/** `latest` follows the highest version; a prerelease moves it only past other prereleases. */
async function moveLatest(
  tx: SqlSession,
  model: string,
  version: string,
  by: string,
): Promise<void> {
  const current = await getAlias(tx, model, 'latest').catch((error: unknown) => {
    if (error instanceof RegistryDbError && error.reason === 'unknown_alias') return null;
    throw error;
  });
  const next = parseSemver(version);
  if (current !== null) {
    const now = parseSemver(current.version);
    const higher = compareSemver(next, now) > 0;
    if (!higher || (next.prerelease.length > 0 && now.prerelease.length === 0)) return;
  }
  await setAlias(tx, { model, alias: 'latest', version, movedBy: by });
}

async function ensureModel(
  tx: SqlSession,
  model: string,
  owner: string,
  description: string | undefined,
): Promise<boolean> {
  try {
    await getModel(tx, model);
    return false;
  } catch (error) {
    if (!(error instanceof RegistryDbError && error.reason === 'unknown_model')) throw error;
  }
  await createModel(tx, {
    name: model,
    owner,
    ...(description === undefined ? {} : { description }),
  });
  return true;
}

/**
 * Publishes `request` as a version of `model` for `principal`, who must be an author or admin.
 * Throws RegistryRequestError, RegistryDbError, SigningError or ManifestError on refusal.
 */
export async function publishModelVersion(
  context: PublishContext,
  principal: Principal,
  model: string,
  request: PublishRequest,
): Promise<PublishResponse> {
  if (!roleAtLeast(principal.role, 'author')) {
    throw new RegistryRequestError(
      403,
      'forbidden',
      `publishing needs the author role; ${principal.subject} has ${principal.role}. Ask an admin for an author token${principal.anonymous ? ', or set TWINBENCH_ANONYMOUS_ROLE=author for local development' : ''}.`,
    );
  }
  parseSemver(request.version);
  const artifacts = await decodeArtifacts(request);
  const manifest = request.manifest;
  const digest = await contentDigest({
    model,
    version: request.version,
    manifest: manifest as unknown as ModelContent['manifest'],
    artifacts: artifacts.map(({ path, digest: d, size }) => ({ path, digest: d, size })),
  });
  if (digest !== request.contentDigest) {
    throw new RegistryRequestError(
      400,
      'digest_mismatch',
      `the content digest of what was sent is ${digest}, not the ${request.contentDigest} that was signed: compute it with contentDigest() over this model name, version, manifest and artifacts, and sign that.`,
    );
  }
  await verifyContentSignature({
    contentDigest: digest,
    publicKey: request.publicKey,
    signature: request.signature,
  });
  await checkModelManifest(manifest, artifacts);
  const publicKey = publicKeyFromBase64(request.publicKey);

  const { createdModel } = await context.db.transaction(async (tx) => {
    const created = await tx.transaction(() =>
      ensureModel(tx, model, principal.subject, request.modelDescription),
    );
    await checkOrBindKey(tx, model, principal, publicKey, request.publicKey);
    for (const artifact of artifacts) await putArtifact(tx, artifact.bytes, artifact.digest);
    await publishVersion(tx, {
      model,
      version: request.version,
      contentDigest: digest,
      manifest: canonicalJson(manifest, 'manifest'),
      signature: fromBase64(request.signature)!,
      publicKey,
      publishedBy: principal.subject,
      artifacts: artifacts.map(({ path, digest: d }) => ({ path, digest: d })),
    });
    await moveLatest(tx, model, request.version, principal.subject);
    return { createdModel: created };
  });

  // After the commit: an entry for a publish that rolled back would be a false record.
  let logEntry: PublishResponse['logEntry'] = null;
  try {
    const entry: RunLogEntry = {
      v: 1,
      kind: 'publish',
      model: { id: model, version: request.version },
      inputs: artifacts.map(({ path, digest: d }) => ({ name: path, digest: d })),
      parameters: {
        contentDigest: digest,
        publicKey: request.publicKey,
        signature: request.signature,
      },
      outputs: [],
      who: principal.subject,
      when: new Date((context.now ?? Date.now)()).toISOString(),
    };
    const appended = await context.log.append(entry);
    await setVersionLogIndex(context.db, model, request.version, appended.index);
    logEntry = appended;
  } catch (error) {
    context.logger.error(
      `published ${model} ${request.version} but could not append its publish entry to the run log: ${error instanceof Error ? error.message : String(error)}. The version stays published with logIndex null, so clients cannot show it as verified; check the run log store (the database) and its audit.`,
    );
  }
  return {
    version: await describeVersion(context.db, model, request.version),
    createdModel,
    logEntry,
  };
}
