import { describe, expect, it } from 'vitest';
import { fromHex, toHex, utf8 } from './bytes.ts';
import { rootHash } from './merkleProofs.ts';
import { hashChildren, hashLeaf, webCryptoHasher } from './rfc6962.ts';
import {
  EMPTY_TREE_ROOT,
  HASHER_VECTORS,
  REFERENCE_LEAVES,
  REFERENCE_ROOTS,
} from './testing/rfc6962Vectors.ts';

describe('RFC 6962 hashing', () => {
  it('hashes the empty tree to SHA-256 of the empty string', async () => {
    expect(toHex(await webCryptoHasher.emptyRoot())).toBe(EMPTY_TREE_ROOT);
    expect(toHex(await rootHash([]))).toBe(EMPTY_TREE_ROOT);
  });

  it('prefixes leaves with 0x00 and nodes with 0x01 (transparency-dev/merkle TestRFC6962Hasher)', async () => {
    expect(toHex(await hashLeaf(new Uint8Array()))).toBe(HASHER_VECTORS.emptyLeaf);
    expect(toHex(await hashLeaf(utf8(HASHER_VECTORS.leaf.data)))).toBe(HASHER_VECTORS.leaf.hash);
    const { left, right, hash } = HASHER_VECTORS.node;
    expect(toHex(await hashChildren(utf8(left), utf8(right)))).toBe(hash);
  });

  it('gives the reference roots for the first 1 to 8 reference leaves', async () => {
    const leaves = await Promise.all(REFERENCE_LEAVES.map((hex) => hashLeaf(fromHex(hex))));
    for (let n = 1; n <= 8; n++) {
      expect(toHex(await rootHash(leaves.slice(0, n))), `size ${n}`).toBe(REFERENCE_ROOTS[n - 1]);
    }
  });

  it('tells a leaf from a node with the same bytes', async () => {
    const [a, b] = [await hashLeaf(utf8('Hello')), await hashLeaf(utf8('World'))];
    const node = await hashChildren(a, b);
    const forged = await hashLeaf(new Uint8Array([...a, ...b]));
    expect(toHex(node)).not.toBe(toHex(forged));
    expect(toHex(await hashChildren(b, a))).not.toBe(toHex(node));
  });
});
