import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from './bytes.ts';
import { consistencyProof, inclusionProof, leafSubtreeHashes, rootHash } from './merkleProofs.ts';
import { hashLeaf } from './rfc6962.ts';
import { referenceConsistency, referencePath } from './testing/referenceProofs.ts';
import {
  REFERENCE_CONSISTENCY_PROOFS,
  REFERENCE_INCLUSION_PROOFS,
  REFERENCE_LEAVES,
  REFERENCE_ROOTS,
} from './testing/rfc6962Vectors.ts';
import { consistencyRanges, inclusionRanges, splitPoint } from './treeMath.ts';

const referenceLeafHashes = () => Promise.all(REFERENCE_LEAVES.map((h) => hashLeaf(fromHex(h))));

describe('tree maths', () => {
  it('splits at the largest power of two below n', () => {
    expect([2, 3, 4, 5, 8, 9, 2 ** 40 + 1].map(splitPoint)).toEqual([1, 2, 2, 4, 4, 8, 2 ** 40]);
  });

  it('gives the audit path of RFC 6962 §2.1.1 for every leaf of trees up to 128 leaves', () => {
    const wrong: string[] = [];
    for (let n = 1; n <= 128; n++) {
      for (let m = 0; m < n; m++) {
        const [got, want] = [inclusionRanges(m, n), referencePath(m, 0, n)];
        if (JSON.stringify(got) !== JSON.stringify(want)) wrong.push(`${m} of ${n}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('gives the consistency proof of RFC 6962 §2.1.2 for every pair up to 128 leaves', () => {
    const wrong: string[] = [];
    for (let n = 0; n <= 128; n++) {
      for (let m = 0; m <= n; m++) {
        const [got, want] = [consistencyRanges(m, n), referenceConsistency(m, n)];
        if (JSON.stringify(got) !== JSON.stringify(want)) wrong.push(`${m} → ${n}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('works past 32-bit sizes', () => {
    const n = 2 ** 45 + 12345;
    expect(inclusionRanges(n - 1, n)).toEqual(referencePath(n - 1, 0, n));
    expect(consistencyRanges(2 ** 33 + 7, n)).toEqual(referenceConsistency(2 ** 33 + 7, n));
  });
});

describe('proof generation against the published vectors', () => {
  it('builds the reference inclusion proofs (merkle_tree_test.cc kSHA256Paths)', async () => {
    const subtree = leafSubtreeHashes(await referenceLeafHashes());
    for (const { index, size, proof } of REFERENCE_INCLUSION_PROOFS) {
      const got = await inclusionProof(index, size, subtree);
      expect(got.map(toHex), `leaf ${index} of ${size}`).toEqual(proof);
    }
  });

  it('builds the reference consistency proofs (kSHA256Proofs, consistencyProofs)', async () => {
    const subtree = leafSubtreeHashes(await referenceLeafHashes());
    for (const { size1, size2, proof } of REFERENCE_CONSISTENCY_PROOFS) {
      const got = await consistencyProof(size1, size2, subtree);
      expect(got.map(toHex), `${size1} → ${size2}`).toEqual(proof);
    }
  });

  it('answers every subtree of the reference tree with the reference roots of its prefixes', async () => {
    const leaves = await referenceLeafHashes();
    const subtree = leafSubtreeHashes(leaves);
    for (let n = 1; n <= 8; n++) expect(toHex(await subtree(0, n))).toBe(REFERENCE_ROOTS[n - 1]);
    expect(toHex(await rootHash(leaves))).toBe(REFERENCE_ROOTS[7]);
  });

  it('refuses ranges and sizes outside the tree', async () => {
    const subtree = leafSubtreeHashes(await referenceLeafHashes());
    await expect(subtree(0, 9)).rejects.toThrow('subtree [0, 9) is outside 8 leaves');
    await expect(subtree(3, 3)).rejects.toThrow(RangeError);
    await expect(inclusionProof(8, 8, subtree)).rejects.toThrow(
      'leaf 8 is not in a tree of size 8',
    );
    await expect(consistencyProof(5, 4, subtree)).rejects.toThrow(
      'a tree of size 5 cannot be a prefix of one of size 4',
    );
    await expect(inclusionProof(-1, 8, subtree)).rejects.toThrow('non-negative safe integer');
  });
});
