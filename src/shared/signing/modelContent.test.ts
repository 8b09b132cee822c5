import { describe, expect, it } from 'vitest';
import { fromUtf8 } from '../merkle/bytes.ts';
import { artifactDigest, canonicalContentBytes, contentDigest } from './modelContent.ts';
import { SigningError } from './signingError.ts';

const A = `sha256:${'aa'.repeat(32)}`;
const B = `sha256:${'bb'.repeat(32)}`;
const content = {
  model: 'heat-plate',
  version: '1.0.0',
  manifest: { runtime: { backends: ['gpu'] }, entrypoint: 'model.yaml' },
  artifacts: [
    { path: 'model.yaml', digest: A, size: 10 },
    { path: 'heat.wgsl', digest: B, size: 20 },
  ],
};

describe('the content digest', () => {
  it('is SHA-256 of canonical JSON with the artifacts sorted by path', () => {
    expect(fromUtf8(canonicalContentBytes(content))).toBe(
      `{"artifacts":[{"digest":"${B}","path":"heat.wgsl","size":20},{"digest":"${A}","path":"model.yaml","size":10}],"format":"twinbench.model-content/1","manifest":{"entrypoint":"model.yaml","runtime":{"backends":["gpu"]}},"model":"heat-plate","version":"1.0.0"}`,
    );
  });

  it('does not depend on the order files or keys are given in', async () => {
    const shuffled = {
      ...content,
      manifest: { entrypoint: 'model.yaml', runtime: { backends: ['gpu'] } },
      artifacts: [...content.artifacts].reverse(),
    };
    expect(await contentDigest(shuffled)).toBe(await contentDigest(content));
  });

  it('changes with the model name, the version, the manifest, and any file', async () => {
    const base = await contentDigest(content);
    const variants = [
      { ...content, model: 'other' },
      { ...content, version: '1.0.1' },
      { ...content, manifest: { ...content.manifest, entrypoint: 'other.yaml' } },
      { ...content, artifacts: [content.artifacts[0]!, { ...content.artifacts[1]!, digest: A }] },
      { ...content, artifacts: [content.artifacts[0]!, { ...content.artifacts[1]!, size: 21 }] },
      {
        ...content,
        artifacts: [content.artifacts[0]!, { ...content.artifacts[1]!, path: 'x.wgsl' }],
      },
      { ...content, artifacts: [content.artifacts[0]!] },
    ];
    for (const variant of variants) expect(await contentDigest(variant)).not.toBe(base);
  });

  it('refuses paths that leave the version, repeated paths and malformed digests', async () => {
    for (const artifacts of [
      [{ path: '../etc/passwd', digest: A, size: 1 }],
      [{ path: '/abs', digest: A, size: 1 }],
      [
        { path: 'a', digest: A, size: 1 },
        { path: 'a', digest: B, size: 1 },
      ],
      [{ path: 'a', digest: 'sha256:AB', size: 1 }],
      [{ path: 'a', digest: A, size: -1 }],
    ]) {
      await expect(contentDigest({ ...content, artifacts })).rejects.toBeInstanceOf(SigningError);
    }
  });

  it('names artifacts by sha256 of their bytes', async () => {
    expect(await artifactDigest(new TextEncoder().encode('abc'))).toBe(
      'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});
