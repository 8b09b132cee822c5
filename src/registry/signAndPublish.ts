/**
 * Publishing from the browser: hash every file, compute the content digest, sign it with the
 * author's key (WebCrypto), and send it all. The server checks each step again.
 */
import type { PublishResponse, RegistryManifest } from '../protocol/registry.ts';
import { toBase64, utf8 } from '../shared/merkle/bytes.ts';
import type { AuthorKey } from '../shared/signing/authorKey.ts';
import {
  artifactDigest,
  contentDigest,
  type ModelContent,
} from '../shared/signing/modelContent.ts';
import { signContentDigest } from '../shared/signing/modelSignature.ts';
import type { RegistryClient } from './registryClient.ts';

export interface PublishInput {
  readonly model: string;
  readonly version: string;
  /** Which file is the model manifest (YAML), and where the model may run. */
  readonly manifest: RegistryManifest;
  /** Every file of the version by path (the manifest, kernels, data): text or bytes. */
  readonly files: ReadonlyMap<string, string | Uint8Array>;
  readonly key: AuthorKey;
  /** Kept as the model's description when this publish creates the model. */
  readonly modelDescription?: string;
}

/**
 * Signs and publishes a version; resolves to what the registry stored (including the run log
 * entry of the publish), or rejects with a RegistryClientError saying why it was refused.
 *
 * @example
 * const key = await loadAuthorKey('default') ?? await generateAuthorKey();
 * await signAndPublish(client, { model: 'heat-plate', version: '1.0.0',
 *   manifest: { entrypoint: 'model.yaml', runtime: { backends: ['gpu'] } }, files, key });
 */
export async function signAndPublish(
  client: RegistryClient,
  input: PublishInput,
): Promise<PublishResponse> {
  const artifacts = await Promise.all(
    [...input.files].map(async ([path, content]) => {
      const bytes = typeof content === 'string' ? utf8(content) : content;
      return {
        path,
        digest: await artifactDigest(bytes),
        size: bytes.length,
        content: toBase64(bytes),
      };
    }),
  );
  const digest = await contentDigest({
    model: input.model,
    version: input.version,
    manifest: input.manifest as unknown as ModelContent['manifest'],
    artifacts,
  });
  return client.publish(input.model, {
    version: input.version,
    manifest: input.manifest,
    artifacts,
    contentDigest: digest,
    signature: await signContentDigest(input.key.privateKey, digest),
    publicKey: input.key.publicKey,
    ...(input.modelDescription === undefined ? {} : { modelDescription: input.modelDescription }),
  });
}
