/**
 * Loading a published model so that nothing the registry (or anything between) altered gets
 * used: every artifact must hash to its digest, the manifest and artifacts must hash to the
 * content digest, and the author's Ed25519 signature over it must verify — optionally with a
 * key the caller pinned. What comes back is what src/runtime/manifest/ needs to build a
 * ModelSpec.
 */
import type { ManifestResponse } from '../protocol/registry.ts';
import { fromUtf8 } from '../shared/merkle/bytes.ts';
import { resolveArtifactPath } from '../shared/signing/artifactPaths.ts';
import { contentDigest, type ModelContent } from '../shared/signing/modelContent.ts';
import { keyFingerprint, verifyContentSignature } from '../shared/signing/modelSignature.ts';
import { SigningError } from '../shared/signing/signingError.ts';
import type { ReadManifestFile } from '../runtime/manifest/manifestFiles.ts';
import { parseManifestWithTests, type ModelWithTests } from '../runtime/manifest/parseManifest.ts';
import type { RegistryClient } from './registryClient.ts';
import { RegistryClientError } from './registryClientError.ts';

export interface VerifiedModel {
  readonly model: string;
  /** The exact version loaded (an alias resolved). */
  readonly version: string;
  /** What was asked for. */
  readonly ref: string;
  readonly details: ManifestResponse;
  /** The model manifest's path among the files, and its YAML text. */
  readonly manifestFile: string;
  readonly manifestText: string;
  /** Every file of the version, verified, by path. */
  readonly files: ReadonlyMap<string, Uint8Array>;
  /** Reads a file named by the manifest (relative to it), as parseManifest wants. */
  readonly readFile: ReadManifestFile;
  /** Who signed: show this next to the model. */
  readonly signer: {
    readonly publicKey: string;
    readonly fingerprint: string;
    readonly principal: string;
  };
}

export interface FetchVerifiedModelOptions {
  /**
   * Accept only versions signed by one of these keys (raw public key in base64, or an
   * `ed25519:` fingerprint). Without it, any key the registry bound to the model is accepted
   * and `signer` says which one it was.
   */
  readonly trustedKeys?: readonly string[];
}

function refuse(reason: string, message: string, cause?: unknown): RegistryClientError {
  return new RegistryClientError(
    reason,
    message,
    null,
    cause === undefined ? undefined : { cause },
  );
}

/**
 * Downloads and verifies `model` at `versionOrAlias` (default `latest`).
 *
 * @example
 * const verified = await fetchVerifiedModel(client, 'heat-plate', 'stable');
 * const { spec, tests } = await loadVerifiedModel(verified);
 */
export async function fetchVerifiedModel(
  client: RegistryClient,
  model: string,
  versionOrAlias = 'latest',
  options: FetchVerifiedModelOptions = {},
): Promise<VerifiedModel> {
  const details = await client.getManifest(model, versionOrAlias);
  const label = `${model} ${details.version}`;
  if (details.model !== model) {
    throw refuse(
      'content_mismatch',
      `asked for ${model}, the registry answered with ${details.model}: refusing it.`,
    );
  }
  const files = new Map<string, Uint8Array>();
  for (const artifact of details.artifacts) {
    let bytes: Uint8Array;
    try {
      bytes = await client.fetchArtifact(artifact.digest);
    } catch (error) {
      if (error instanceof RegistryClientError && error.reason === 'artifact_tampered') {
        throw refuse(
          'artifact_tampered',
          `${label}: file "${artifact.path}" was tampered with — ${error.message}`,
          error,
        );
      }
      throw error;
    }
    if (bytes.length !== artifact.size) {
      throw refuse(
        'artifact_tampered',
        `${label}: file "${artifact.path}" has ${bytes.length} bytes, not the ${artifact.size} that were signed: refusing it.`,
      );
    }
    files.set(artifact.path, bytes);
  }

  // The digest over what we received must be the one the author signed.
  const digest = await contentDigest({
    model,
    version: details.version,
    manifest: details.manifest as unknown as ModelContent['manifest'],
    artifacts: details.artifacts,
  });
  if (digest !== details.contentDigest) {
    throw refuse(
      'content_mismatch',
      `${label}: its manifest and file list hash to ${digest}, but the author signed ${details.contentDigest}: the registry's record was changed after publishing. Refusing it; tell the registry's operator.`,
    );
  }
  const signed = {
    contentDigest: digest,
    publicKey: details.signature.publicKey,
    signature: details.signature.signature,
  };
  try {
    await verifyContentSignature(signed);
  } catch (error) {
    if (error instanceof SigningError)
      throw refuse('bad_signature', `${label}: ${error.message}`, error);
    throw error;
  }
  const fingerprint = await keyFingerprint(details.signature.publicKey);
  if (options.trustedKeys !== undefined) {
    const trusted = options.trustedKeys.some(
      (key) => key === details.signature.publicKey || key === fingerprint,
    );
    if (!trusted) {
      throw refuse(
        'untrusted_key',
        `${label} is signed by ${fingerprint} (${details.trust.signer}), which is not one of the keys you trust: check with the author before adding it.`,
      );
    }
  }

  const manifestFile = details.manifest.entrypoint;
  const entry = files.get(manifestFile);
  if (entry === undefined) {
    throw refuse(
      'content_mismatch',
      `${label}: the manifest names entrypoint "${manifestFile}", which is not among its files.`,
    );
  }
  const text = (bytes: Uint8Array, path: string) => {
    try {
      return fromUtf8(bytes);
    } catch {
      throw new Error(`${path} is not UTF-8 text`);
    }
  };
  const readFile: ReadManifestFile = (relative) => {
    const path = resolveArtifactPath(manifestFile, relative);
    const bytes = path === null ? undefined : files.get(path);
    if (bytes === undefined) throw new Error(`${label} has no file "${relative}"`);
    return text(bytes, relative);
  };
  return {
    model,
    version: details.version,
    ref: versionOrAlias,
    details,
    manifestFile,
    manifestText: text(entry, manifestFile),
    files,
    readFile,
    signer: {
      publicKey: details.signature.publicKey,
      fingerprint,
      principal: details.trust.signer,
    },
  };
}

/** The verified model's ModelSpec and test cases (throws ManifestError as parseManifest does). */
export function loadVerifiedModel(verified: VerifiedModel): Promise<ModelWithTests> {
  return parseManifestWithTests(verified.manifestText, verified.manifestFile, verified.readFile);
}
