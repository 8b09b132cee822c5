/**
 * What an author signs when publishing a model version: the "content digest", one SHA-256 over
 * the canonical JSON (RFC 8785 rules, canonicalJson.ts) of
 *
 *   { format: "twinbench.model-content/1", model, version, manifest,
 *     artifacts: [{ path, digest: "sha256:<hex>", size }, …] sorted by path }
 *
 * so the signature covers the model's name and version (it cannot be replayed onto another), the
 * registry manifest (entrypoint, runtime constraints) and every file by path, size and SHA-256.
 * The browser and the server compute it with this one function. Reference: docs/registry.md.
 */
import { toHex } from '../merkle/bytes.ts';
import { canonicalJsonBytes, CanonicalJsonError, type JsonValue } from '../merkle/canonicalJson.ts';
import { sha256 } from '../merkle/rfc6962.ts';
import { SigningError } from './signingError.ts';

export const MODEL_CONTENT_FORMAT = 'twinbench.model-content/1';

/** `sha256:` and 64 lower-case hex digits. */
export const SHA256_DIGEST = /^sha256:[0-9a-f]{64}$/;

/** One file of a version, as signed. */
export interface ContentArtifact {
  /** Relative path with `/` between names, e.g. `kernels/step.wgsl`. */
  readonly path: string;
  /** `sha256:<hex>` of the file's bytes. */
  readonly digest: string;
  readonly size: number;
}

export interface ModelContent {
  readonly model: string;
  readonly version: string;
  /** The registry manifest (entrypoint, runtime constraints): a JSON object. */
  readonly manifest: { readonly [key: string]: JsonValue };
  readonly artifacts: readonly ContentArtifact[];
}

/** True for a relative path of `/`-separated names without `.`, `..`, `\` or empty names. */
export function isArtifactPath(path: string): boolean {
  if (path.length === 0 || path.length > 1024 || path.includes('\\')) return false;
  return path.split('/').every((name) => name !== '' && name !== '.' && name !== '..');
}

function bad(message: string): SigningError {
  return new SigningError('bad_content', `model content: ${message}`);
}

/** The artifacts sorted by path (UTF-16 code units), after checking each one. */
function sortedArtifacts(artifacts: readonly ContentArtifact[]): ContentArtifact[] {
  const sorted = [...artifacts].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  sorted.forEach((artifact, i) => {
    if (!isArtifactPath(artifact.path)) {
      throw bad(
        `artifact path ${JSON.stringify(artifact.path)} is not allowed: use a relative path with "/" between names and no "." or ".." (e.g. "kernels/step.wgsl").`,
      );
    }
    if (i > 0 && sorted[i - 1]!.path === artifact.path) {
      throw bad(`artifact path "${artifact.path}" is listed twice.`);
    }
    if (!SHA256_DIGEST.test(artifact.digest)) {
      throw bad(
        `artifact "${artifact.path}" has digest ${JSON.stringify(artifact.digest)}; give "sha256:" and 64 lower-case hex digits.`,
      );
    }
    if (!Number.isSafeInteger(artifact.size) || artifact.size < 0) {
      throw bad(`artifact "${artifact.path}" has size ${artifact.size}; give its length in bytes.`);
    }
  });
  return sorted.map(({ path, digest, size }) => ({ path, digest, size }));
}

/** The exact bytes the content digest is the SHA-256 of. */
export function canonicalContentBytes(content: ModelContent): Uint8Array<ArrayBuffer> {
  const value = {
    format: MODEL_CONTENT_FORMAT,
    model: content.model,
    version: content.version,
    manifest: content.manifest,
    artifacts: sortedArtifacts(content.artifacts),
  };
  try {
    return canonicalJsonBytes(value, 'content');
  } catch (error) {
    if (error instanceof CanonicalJsonError) throw bad(error.message);
    throw error;
  }
}

/**
 * The content digest, `sha256:<hex>`: what the author signs and the registry stores.
 *
 * @example const digest = await contentDigest({ model: 'heat-plate', version: '1.0.0', manifest, artifacts });
 */
export async function contentDigest(content: ModelContent): Promise<string> {
  return `sha256:${toHex(await sha256(canonicalContentBytes(content)))}`;
}

/** `sha256:<hex>` of `bytes`: how artifacts are named. */
export async function artifactDigest(bytes: Uint8Array): Promise<string> {
  return `sha256:${toHex(await sha256(bytes))}`;
}
