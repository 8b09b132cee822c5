/**
 * Publish requests for tests, made from the real example models (src/examples/) and signed
 * with the shared signing code, exactly as the browser client makes them.
 */
import { readFileSync } from 'node:fs';
import type { PublishRequest, RegistryManifest } from '../../../../src/protocol/registry.ts';
import { toBase64, utf8 } from '../../../../src/shared/merkle/bytes.ts';
import type { AuthorKey } from '../../../../src/shared/signing/authorKey.ts';
import { artifactDigest, contentDigest } from '../../../../src/shared/signing/modelContent.ts';
import { signContentDigest } from '../../../../src/shared/signing/modelSignature.ts';

export type ExampleModel = 'pidPlant' | 'heatPlate';

/** The example's files by path: `model.yaml` and its kernel. */
export function exampleFiles(example: ExampleModel): Map<string, Uint8Array> {
  const dir = new URL(`../../../../src/examples/${example}/`, import.meta.url);
  const kernel = example === 'pidPlant' ? 'pidPlant.wgsl' : 'heatPlate.wgsl';
  return new Map([
    ['model.yaml', new Uint8Array(readFileSync(new URL('model.yaml', dir)))],
    [kernel, new Uint8Array(readFileSync(new URL(kernel, dir)))],
  ]);
}

export const EXAMPLE_MANIFEST: RegistryManifest = {
  entrypoint: 'model.yaml',
  runtime: { backends: ['gpu', 'cpu'] },
};

/** A signed publish request for `files` (default: the PID plant example). */
export async function signedPublishRequest(
  key: AuthorKey,
  model: string,
  version: string,
  options: {
    readonly files?: ReadonlyMap<string, Uint8Array>;
    readonly manifest?: RegistryManifest;
    readonly modelDescription?: string;
  } = {},
): Promise<PublishRequest> {
  const files = options.files ?? exampleFiles('pidPlant');
  const manifest = options.manifest ?? EXAMPLE_MANIFEST;
  const artifacts = await Promise.all(
    [...files].map(async ([path, bytes]) => ({
      path,
      digest: await artifactDigest(bytes),
      size: bytes.length,
      content: toBase64(bytes),
    })),
  );
  const digest = await contentDigest({
    model,
    version,
    manifest: manifest as unknown as Parameters<typeof contentDigest>[0]['manifest'],
    artifacts,
  });
  return {
    version,
    manifest,
    artifacts,
    contentDigest: digest,
    signature: await signContentDigest(key.privateKey, digest),
    publicKey: key.publicKey,
    ...(options.modelDescription === undefined
      ? {}
      : { modelDescription: options.modelDescription }),
  };
}

/** `files` with one file's text replaced. */
export function withFile(
  files: ReadonlyMap<string, Uint8Array>,
  path: string,
  text: string,
): Map<string, Uint8Array> {
  return new Map([...files, [path, utf8(text)]]);
}
