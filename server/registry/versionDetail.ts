import type { ManifestResponse, VersionDetail } from '../../src/protocol/registry.ts';
import { toBase64 } from '../../src/shared/merkle/bytes.ts';
import { keyFingerprint } from '../../src/shared/signing/modelSignature.ts';
import { getVersion, listAliases, type SqlSession } from './db/index.ts';
import { prefixed, storedManifest, versionSummaryJson } from './registryViews.ts';
import { versionTrust } from './trust.ts';

/** A version (exact or by alias) with its manifest, files, signature, trust and aliases. */
export async function describeVersion(
  db: SqlSession,
  model: string,
  ref: string,
): Promise<VersionDetail> {
  const version = await getVersion(db, model, ref);
  const publicKey = toBase64(version.publicKey);
  const aliases = await listAliases(db, model);
  return {
    ...(await versionSummaryJson(version)),
    manifest: storedManifest(version.manifest),
    artifacts: version.artifacts.map((artifact) => ({
      path: artifact.path,
      digest: prefixed(artifact.digest),
      size: artifact.size,
    })),
    signature: {
      algorithm: 'Ed25519',
      publicKey,
      signature: toBase64(version.signature),
      fingerprint: await keyFingerprint(publicKey),
    },
    trust: await versionTrust(db, version),
    aliases: aliases.filter((alias) => alias.version === version.version).map((a) => a.alias),
  };
}

/** What `GET /models/{model}/manifest?version=` answers. */
export async function describeManifest(
  db: SqlSession,
  model: string,
  ref: string,
): Promise<ManifestResponse> {
  const detail = await describeVersion(db, model, ref);
  return {
    ...detail,
    ref,
    entrypoint: detail.manifest.entrypoint,
    runtime: detail.manifest.runtime,
  };
}
