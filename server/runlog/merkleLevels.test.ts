import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/shared/merkle/bytes.ts';
import {
  consistencyProof,
  inclusionProof,
  leafSubtreeHashes,
} from '../../src/shared/merkle/merkleProofs.ts';
import { randomBytes, randomInt, seededRandom } from '../../src/shared/merkle/testing/random.ts';
import {
  EMPTY_TREE_ROOT,
  REFERENCE_CONSISTENCY_PROOFS,
  REFERENCE_INCLUSION_PROOFS,
  REFERENCE_LEAVES,
  REFERENCE_ROOTS,
} from '../../src/shared/merkle/testing/rfc6962Vectors.ts';
import { verifyConsistency, verifyInclusion } from '../../src/shared/merkle/verifyProofs.ts';
import { MerkleLevels } from './merkleLevels.ts';
import { nodeTreeHasher } from './nodeTreeHasher.ts';

const hashLeaf = (data: Uint8Array) => nodeTreeHasher.hashLeaf(data);

async function randomLeafHashes(seed: number, n: number): Promise<Uint8Array[]> {
  const random = seededRandom(seed);
  return Promise.all(Array.from({ length: n }, () => hashLeaf(randomBytes(random, 24))));
}

describe('MerkleLevels', () => {
  it('gives the published roots and proofs for the reference tree', async () => {
    const tree = new MerkleLevels(nodeTreeHasher);
    expect(toHex(await tree.root())).toBe(EMPTY_TREE_ROOT);
    for (const leaf of REFERENCE_LEAVES) {
      await tree.append([await hashLeaf(fromHex(leaf))]);
      expect(toHex(await tree.root())).toBe(REFERENCE_ROOTS[tree.size - 1]);
    }
    for (const { index, size, proof } of REFERENCE_INCLUSION_PROOFS) {
      expect((await inclusionProof(index, size, tree.subtrees)).map(toHex)).toEqual(proof);
    }
    for (const { size1, size2, proof } of REFERENCE_CONSISTENCY_PROOFS) {
      expect((await consistencyProof(size1, size2, tree.subtrees)).map(toHex)).toEqual(proof);
    }
  });

  it('answers every subtree of trees up to 130 leaves as the recursive definition does', async () => {
    const leaves = await randomLeafHashes(1, 130);
    const reference = leafSubtreeHashes(leaves, nodeTreeHasher);
    const tree = new MerkleLevels(nodeTreeHasher);
    const wrong: string[] = [];
    for (const leaf of leaves) {
      await tree.append([leaf]);
      const n = tree.size;
      for (let start = 0; start < n; start++) {
        for (const end of new Set([start + 1, n, start + 1 + ((start * 7) % (n - start))])) {
          const [got, want] = [await tree.subtreeHash(start, end), await reference(start, end)];
          if (toHex(got) !== toHex(want)) wrong.push(`[${start}, ${end}) of ${n}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('builds the same tree whether leaves come one at a time or in batches', async () => {
    const leaves = await randomLeafHashes(2, 1000);
    const [single, batched] = [new MerkleLevels(nodeTreeHasher), new MerkleLevels(nodeTreeHasher)];
    for (const leaf of leaves) await single.append([leaf]);
    for (const cut of [
      [0, 1],
      [1, 2],
      [2, 7],
      [7, 300],
      [300, 301],
      [301, 1000],
    ]) {
      await batched.append(leaves.slice(cut[0], cut[1]));
    }
    for (const size of [1, 2, 7, 256, 300, 513, 999, 1000]) {
      expect(toHex(await batched.root(size))).toBe(toHex(await single.root(size)));
    }
    expect(toHex(batched.leafHash(999))).toBe(toHex(leaves[999]!));
  });

  it('serves proofs in a tree of 100 000 leaves that verify with the browser verifier', async () => {
    const n = 100_000;
    const tree = new MerkleLevels(nodeTreeHasher);
    const leaves = await randomLeafHashes(3, n);
    await tree.append(leaves);
    const random = seededRandom(4);
    for (let trial = 0; trial < 25; trial++) {
      const size = 1 + randomInt(random, n);
      const older = randomInt(random, size + 1);
      const index = randomInt(random, size);
      const root = await tree.root(size);
      // The default (WebCrypto) hasher, as in the browser.
      await verifyInclusion(
        leaves[index]!,
        index,
        size,
        await inclusionProof(index, size, tree.subtrees),
        root,
      );
      const proof = await consistencyProof(older, size, tree.subtrees);
      await verifyConsistency(older, size, proof, await tree.root(older), root);
    }
  });

  it('refuses subtrees outside the tree', async () => {
    const tree = new MerkleLevels(nodeTreeHasher);
    await tree.append(await randomLeafHashes(5, 3));
    await expect(tree.subtreeHash(0, 4)).rejects.toThrow('subtree [0, 4) is outside the 3 leaves');
    await expect(tree.subtreeHash(2, 2)).rejects.toThrow(RangeError);
  });
});
