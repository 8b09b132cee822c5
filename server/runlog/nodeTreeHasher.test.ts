import { describe, expect, it } from 'vitest';
import { fromHex, toHex, utf8 } from '../../src/shared/merkle/bytes.ts';
import { rootHash } from '../../src/shared/merkle/merkleProofs.ts';
import { webCryptoHasher } from '../../src/shared/merkle/rfc6962.ts';
import { randomBytes, seededRandom } from '../../src/shared/merkle/testing/random.ts';
import {
  EMPTY_TREE_ROOT,
  HASHER_VECTORS,
  REFERENCE_LEAVES,
  REFERENCE_ROOTS,
} from '../../src/shared/merkle/testing/rfc6962Vectors.ts';
import { nodeTreeHasher } from './nodeTreeHasher.ts';

describe('nodeTreeHasher', () => {
  it('gives the published RFC 6962 hashes and roots', async () => {
    expect(toHex(await nodeTreeHasher.emptyRoot())).toBe(EMPTY_TREE_ROOT);
    expect(toHex(await nodeTreeHasher.hashLeaf(utf8(HASHER_VECTORS.leaf.data)))).toBe(
      HASHER_VECTORS.leaf.hash,
    );
    const { left, right, hash } = HASHER_VECTORS.node;
    expect(toHex(await nodeTreeHasher.hashChildren(utf8(left), utf8(right)))).toBe(hash);
    const leaves = await Promise.all(
      REFERENCE_LEAVES.map((leaf) => nodeTreeHasher.hashLeaf(fromHex(leaf))),
    );
    for (let n = 1; n <= 8; n++) {
      expect(toHex(await rootHash(leaves.slice(0, n), nodeTreeHasher))).toBe(
        REFERENCE_ROOTS[n - 1],
      );
    }
  });

  it('agrees with the WebCrypto hasher on random inputs', async () => {
    const random = seededRandom(42);
    for (let i = 0; i < 50; i++) {
      const [a, b] = [randomBytes(random, i * 3), randomBytes(random, 32)];
      expect(toHex(await nodeTreeHasher.hashLeaf(a))).toBe(
        toHex(await webCryptoHasher.hashLeaf(a)),
      );
      expect(toHex(await nodeTreeHasher.hashChildren(a, b))).toBe(
        toHex(await webCryptoHasher.hashChildren(a, b)),
      );
    }
  });

  it('returns plain Uint8Arrays that share no memory', async () => {
    const hash = await nodeTreeHasher.hashLeaf(utf8('x'));
    expect(hash.constructor).toBe(Uint8Array);
    expect(hash.byteLength).toBe(hash.buffer.byteLength);
  });
});
