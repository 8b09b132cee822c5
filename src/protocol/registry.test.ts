import { describe, expect, it } from 'vitest';
import {
  parseAppendRunRequest,
  parseManifestResponse,
  parsePublishRequest,
  parseRegistryErrorBody,
  RegistryProtocolError,
} from './registry.ts';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

function protocolError(parse: () => unknown): RegistryProtocolError {
  try {
    parse();
  } catch (error) {
    if (error instanceof RegistryProtocolError) return error;
    throw error;
  }
  throw new Error('expected a RegistryProtocolError');
}

const publish = {
  version: '1.0.0',
  manifest: { entrypoint: 'model.yaml', runtime: { backends: ['gpu'] } },
  artifacts: [{ path: 'model.yaml', digest: DIGEST, size: 3, content: 'YWJj' }],
  contentDigest: DIGEST,
  signature: 'c2ln',
  publicKey: 'a2V5',
};

describe('the registry protocol', () => {
  it('reads a publish request and names the first wrong field of a bad one', () => {
    expect(parsePublishRequest(publish)).toEqual(publish);
    const unknownBackend = protocolError(() =>
      parsePublishRequest({
        ...publish,
        manifest: { ...publish.manifest, runtime: { backends: ['tpu'] } },
      }),
    );
    expect(unknownBackend.reason).toBe('bad_request');
    expect(unknownBackend.message).toContain('manifest.runtime.backends[0] is not one of gpu, cpu');
    expect(protocolError(() => parsePublishRequest({ ...publish, extra: true })).message).toContain(
      'body.extra is not a field here',
    );
    expect(
      protocolError(() =>
        parsePublishRequest({
          ...publish,
          artifacts: [{ ...publish.artifacts[0], digest: 'md5:x' }],
        }),
      ).message,
    ).toContain('artifacts[0].digest');
  });

  it('reads an append request: fit or shadow only, with who and when left to the server', () => {
    const run = {
      kind: 'fit',
      model: { id: 'm', version: '1.0.0' },
      inputs: [],
      parameters: {},
      outputs: [],
    };
    expect(parseAppendRunRequest(run)).toEqual(run);
    expect(
      protocolError(() => parseAppendRunRequest({ ...run, kind: 'publish' })).message,
    ).toContain('kind');
    expect(protocolError(() => parseAppendRunRequest({ ...run, who: 'x' })).message).toContain(
      'body.who',
    );
  });

  it('refuses a response of another shape as malformed, saying where', () => {
    const error = protocolError(() => parseManifestResponse({ model: 'm' }));
    expect(error.reason).toBe('malformed_response');
    expect(error.message).toMatch(/^registry response: body\.signature is not an object/);
  });

  it('reads error bodies and nothing else as errors', () => {
    expect(parseRegistryErrorBody({ error: { reason: 'forbidden', message: 'no' } })).toEqual({
      reason: 'forbidden',
      message: 'no',
    });
    expect(parseRegistryErrorBody({ error: 'no' })).toBeNull();
    expect(parseRegistryErrorBody('<html>')).toBeNull();
  });
});
