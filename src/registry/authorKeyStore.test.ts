import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { generateAuthorKey } from '../shared/signing/authorKey.ts';
import { signContentDigest, verifyContentSignature } from '../shared/signing/modelSignature.ts';
import { openAuthorKeyStore } from './authorKeyStore.ts';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('openAuthorKeyStore', () => {
  it('keeps a non-extractable key across reopening, still able to sign', async () => {
    const key = await generateAuthorKey();
    const first = await openAuthorKeyStore('keys-test-1');
    await first.save('default', key);
    first.close();

    const second = await openAuthorKeyStore('keys-test-1');
    const loaded = await second.load('default');
    expect(loaded?.publicKey).toBe(key.publicKey);
    expect(loaded?.privateKey.extractable).toBe(false);
    const signature = await signContentDigest(loaded!.privateKey, DIGEST);
    await verifyContentSignature({ contentDigest: DIGEST, publicKey: key.publicKey, signature });
    expect((await second.list()).map((entry) => entry.name)).toEqual(['default']);
    await second.remove('default');
    expect(await second.load('default')).toBeNull();
    second.close();
  });
});
