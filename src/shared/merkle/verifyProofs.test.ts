import { describe, expect, it } from 'vitest';
import { fromHex, utf8 } from './bytes.ts';
import { MerkleProofError, type MerkleProofErrorReason } from './merkleProofError.ts';
import { consistencyProof, inclusionProof, leafSubtreeHashes } from './merkleProofs.ts';
import { hashChildren, hashLeaf, webCryptoHasher } from './rfc6962.ts';
import { flipBit, randomBytes, randomInt, seededRandom } from './testing/random.ts';
import { referenceConsistency, referencePath } from './testing/referenceProofs.ts';
import {
  EMPTY_TREE_ROOT,
  REFERENCE_CONSISTENCY_PROOFS,
  REFERENCE_INCLUSION_PROOFS,
  REFERENCE_LEAVES,
  REFERENCE_ROOTS,
} from './testing/rfc6962Vectors.ts';
import { splitPoint } from './treeMath.ts';
import { verifyConsistency, verifyInclusion } from './verifyProofs.ts';

async function reasonOf(promise: Promise<void>): Promise<MerkleProofErrorReason | 'verified'> {
  try {
    await promise;
    return 'verified';
  } catch (error) {
    if (error instanceof MerkleProofError) return error.reason;
    throw error;
  }
}

const h = (hex: string) => fromHex(hex);
const EMPTY_ROOT = h(EMPTY_TREE_ROOT);
const SOME_HASH = h('abacaba000000000000000000000000000000000000000000060061e00123456');
const referenceRoot = (size: number) => h(REFERENCE_ROOTS[size - 1]!);
const isPowerOfTwo = (n: number) => Number.isInteger(Math.log2(n));

/**
 * The reason for a consistency proof checked against a wrong older root. When the older size is
 * a power of two the proof leaves that root out and the verifier starts from the root it was
 * given, so the error shows where the path meets the newer root instead.
 */
const wrongOldRoot = (size1: number, size2: number): MerkleProofErrorReason =>
  size1 !== 0 && (isPowerOfTwo(size1) || size1 === size2)
    ? 'new_root_mismatch'
    : 'old_root_mismatch';

/** From the leaf up, whether each proof node is hashed on the left or the right. */
function pathShape(index: number, size: number): string {
  return referencePath(index, 0, size)
    .map((range) => (range.start > index ? 'R' : 'L'))
    .join('');
}

/**
 * What verifyInclusion must say when a proof for leaf `was.index` of `was.size` is checked as
 * leaf `index` of `size`, from the RFC's PATH. A proof authenticates the leaf's position but not
 * the tree size: another size whose path has the same shape verifies too, which is why the size
 * and root must come from one signed checkpoint.
 */
function expectedInclusionReason(
  index: number,
  size: number,
  was: { index: number; size: number },
): MerkleProofErrorReason | 'verified' {
  if (index >= size) return 'index_out_of_range';
  const [shape, original] = [pathShape(index, size), pathShape(was.index, was.size)];
  if (shape.length !== original.length) return 'wrong_proof_length';
  return shape === original ? 'verified' : 'root_mismatch';
}

describe('verifyInclusion against the published vectors', () => {
  // The probes of VerifierCheck in merkle_tree_test.cc and corruptInclusionProof in
  // transparency-dev/merkle proof/verify_test.go, each with the reason it must give.
  it('accepts each reference proof and rejects every corruption of it', async () => {
    for (const vector of REFERENCE_INCLUSION_PROOFS) {
      const { index, size } = vector;
      const proof = vector.proof.map(h);
      const root = referenceRoot(size);
      const leaf = await hashLeaf(fromHex(REFERENCE_LEAVES[index]));
      const at = `leaf ${index} of ${size}`;
      const wrongLeaf = await hashLeaf(utf8('WrongLeaf'));
      expect(await reasonOf(verifyInclusion(leaf, index, size, proof, root)), at).toBe('verified');

      const probes: [string, () => Promise<void>, MerkleProofErrorReason | 'verified'][] = [
        [
          'index + 1',
          () => verifyInclusion(leaf, index + 1, size, proof, root),
          expectedInclusionReason(index + 1, size, { index, size }),
        ],
        [
          'index ^ 2',
          () => verifyInclusion(leaf, index ^ 2, size, proof, root),
          expectedInclusionReason(index ^ 2, size, { index, size }),
        ],
        [
          'size * 2',
          () => verifyInclusion(leaf, index, size * 2, proof, root),
          expectedInclusionReason(index, size * 2, { index, size }),
        ],
        [
          'size / 2',
          () => verifyInclusion(leaf, index, Math.floor(size / 2), proof, root),
          expectedInclusionReason(index, Math.floor(size / 2), { index, size }),
        ],
        ['wrong leaf', () => verifyInclusion(wrongLeaf, index, size, proof, root), 'root_mismatch'],
        [
          'unhashed leaf',
          () => verifyInclusion(utf8('WrongLeaf'), index, size, proof, root),
          'bad_hash_length',
        ],
        [
          'empty root',
          () => verifyInclusion(leaf, index, size, proof, EMPTY_ROOT),
          'root_mismatch',
        ],
        [
          'random root',
          () => verifyInclusion(leaf, index, size, proof, SOME_HASH),
          'root_mismatch',
        ],
        [
          'trailing garbage',
          () => verifyInclusion(leaf, index, size, [...proof, new Uint8Array()], root),
          'wrong_proof_length',
        ],
        [
          'trailing root',
          () => verifyInclusion(leaf, index, size, [...proof, root], root),
          'wrong_proof_length',
        ],
        [
          'preceding garbage',
          () => verifyInclusion(leaf, index, size, [new Uint8Array(), ...proof], root),
          'wrong_proof_length',
        ],
        [
          'preceding root',
          () => verifyInclusion(leaf, index, size, [root, ...proof], root),
          'wrong_proof_length',
        ],
      ];
      if (index > 0) {
        probes.push([
          'index - 1',
          () => verifyInclusion(leaf, index - 1, size, proof, root),
          expectedInclusionReason(index - 1, size, { index, size }),
        ]);
      }
      proof.forEach((_, i) => {
        const wrong = proof.map((p, j) => (j === i ? flipBit(p, 3) : p));
        probes.push([
          `proof[${i}] bit 3`,
          () => verifyInclusion(leaf, index, size, wrong, root),
          'root_mismatch',
        ]);
        const emptied = proof.map((p, j) => (j === i ? EMPTY_ROOT : p));
        probes.push([
          `proof[${i}] = empty root`,
          () => verifyInclusion(leaf, index, size, emptied, root),
          'root_mismatch',
        ]);
      });
      if (proof.length > 0) {
        probes.push([
          'removed component',
          () => verifyInclusion(leaf, index, size, proof.slice(0, -1), root),
          'wrong_proof_length',
        ]);
      }
      if (proof.length > 1) {
        const inserted = [proof[0]!, SOME_HASH, ...proof.slice(1)];
        probes.push([
          'inserted component',
          () => verifyInclusion(leaf, index, size, inserted, root),
          'wrong_proof_length',
        ]);
      }
      for (const [name, probe, reason] of probes) {
        const got = await reasonOf(probe());
        expect(got, `${at}: ${name}`).toBe(reason);
        // Upstream's claim for every one of these probes: none verifies.
        expect(got, `${at}: ${name}`).not.toBe('verified');
      }
    }
  });

  it('refuses any leaf of an empty tree and leaves past the end', async () => {
    const leaf = await hashLeaf(utf8('data'));
    expect(await reasonOf(verifyInclusion(leaf, 0, 0, [], EMPTY_ROOT))).toBe('index_out_of_range');
    expect(await reasonOf(verifyInclusion(leaf, 1, 0, [], EMPTY_ROOT))).toBe('index_out_of_range');
    expect(await reasonOf(verifyInclusion(leaf, 2, 1, [], leaf))).toBe('index_out_of_range');
  });

  it('accepts the leaf itself as the root of a one-leaf tree, and nothing else', async () => {
    const leaf = await hashLeaf(utf8('data'));
    expect(await reasonOf(verifyInclusion(leaf, 0, 1, [], leaf))).toBe('verified');
    expect(await reasonOf(verifyInclusion(leaf, 0, 1, [], new Uint8Array()))).toBe(
      'bad_hash_length',
    );
    expect(await reasonOf(verifyInclusion(new Uint8Array(), 0, 1, [], leaf))).toBe(
      'bad_hash_length',
    );
    expect(await reasonOf(verifyInclusion(leaf, 0, 1, [], SOME_HASH))).toBe('root_mismatch');
  });

  it('names negative, fractional and unsafe indices and sizes', async () => {
    const leaf = await hashLeaf(utf8('data'));
    for (const [index, size] of [
      [-1, 4],
      [0.5, 4],
      [0, 2 ** 53],
      [0, Number.NaN],
    ] as const) {
      expect(await reasonOf(verifyInclusion(leaf, index, size, [], leaf))).toBe('invalid_argument');
    }
  });

  it('says what it compared when the root differs', async () => {
    const leaf = await hashLeaf(utf8('data'));
    await expect(verifyInclusion(leaf, 0, 1, [], SOME_HASH)).rejects.toThrow(
      /^leaf 0 and its proof lead to root .+, not .+ of the tree of size 1: the entry, the proof or the root was changed\.$/,
    );
  });
});

describe('verifyConsistency against the published vectors', () => {
  it('accepts each reference proof and rejects every corruption of it', async () => {
    for (const vector of REFERENCE_CONSISTENCY_PROOFS) {
      const { size1, size2 } = vector;
      const proof = vector.proof.map(h);
      const [root1, root2] = [referenceRoot(size1), referenceRoot(size2)];
      const at = `${size1} → ${size2}`;
      expect(await reasonOf(verifyConsistency(size1, size2, proof, root1, root2)), at).toBe(
        'verified',
      );
      if (proof.length === 0) continue; // as upstream: corruptions only for non-trivial proofs

      const either = ['old_root_mismatch', 'new_root_mismatch'];
      const sized = (s1: number, s2: number) => {
        if (s1 > s2) return ['size_decreased'];
        if (referenceConsistency(s1, s2).length !== proof.length) return ['wrong_proof_length'];
        return either;
      };
      const probes: [string, () => Promise<void>, string[]][] = [
        [
          'size1 - 1',
          () => verifyConsistency(size1 - 1, size2, proof, root1, root2),
          sized(size1 - 1, size2),
        ],
        [
          'size1 + 1',
          () => verifyConsistency(size1 + 1, size2, proof, root1, root2),
          sized(size1 + 1, size2),
        ],
        [
          'size1 ^ 2',
          () => verifyConsistency(size1 ^ 2, size2, proof, root1, root2),
          sized(size1 ^ 2, size2),
        ],
        [
          'size2 * 2',
          () => verifyConsistency(size1, size2 * 2, proof, root1, root2),
          sized(size1, size2 * 2),
        ],
        [
          'size2 / 2',
          () => verifyConsistency(size1, Math.floor(size2 / 2), proof, root1, root2),
          sized(size1, Math.floor(size2 / 2)),
        ],
        [
          'wrong root1',
          () => verifyConsistency(size1, size2, proof, SOME_HASH, root2),
          [wrongOldRoot(size1, size2)],
        ],
        [
          'wrong root2',
          () => verifyConsistency(size1, size2, proof, root1, SOME_HASH),
          ['new_root_mismatch'],
        ],
        [
          'short root',
          () => verifyConsistency(size1, size2, proof, utf8('WrongRoot'), root2),
          ['bad_hash_length'],
        ],
        [
          'swapped roots',
          () => verifyConsistency(size1, size2, proof, root2, root1),
          [wrongOldRoot(size1, size2)],
        ],
        [
          'empty proof',
          () => verifyConsistency(size1, size2, [], root1, root2),
          ['wrong_proof_length'],
        ],
        [
          'trailing garbage',
          () => verifyConsistency(size1, size2, [...proof, new Uint8Array()], root1, root2),
          ['wrong_proof_length'],
        ],
        [
          'trailing root1',
          () => verifyConsistency(size1, size2, [...proof, root1], root1, root2),
          ['wrong_proof_length'],
        ],
        [
          'trailing root2',
          () => verifyConsistency(size1, size2, [...proof, root2], root1, root2),
          ['wrong_proof_length'],
        ],
        [
          'preceding garbage',
          () => verifyConsistency(size1, size2, [new Uint8Array(), ...proof], root1, root2),
          ['wrong_proof_length'],
        ],
        [
          'preceding root1',
          () => verifyConsistency(size1, size2, [root1, ...proof], root1, root2),
          ['wrong_proof_length'],
        ],
        [
          'preceding proof[0]',
          () => verifyConsistency(size1, size2, [proof[0]!, ...proof], root1, root2),
          ['wrong_proof_length'],
        ],
        [
          'truncated proof',
          () => verifyConsistency(size1, size2, proof.slice(0, -1), root1, root2),
          ['wrong_proof_length'],
        ],
      ];
      proof.forEach((_, i) => {
        const wrong = proof.map((p, j) => (j === i ? flipBit(p, 4) : p));
        probes.push([
          `proof[${i}] bit 4`,
          () => verifyConsistency(size1, size2, wrong, root1, root2),
          either,
        ]);
      });
      for (const [name, probe, reasons] of probes) {
        expect(reasons, `${at}: ${name}`).toContain(await reasonOf(probe()));
      }
    }
  });

  it('accepts growth from the empty tree only from the empty-tree root, with no proof', async () => {
    expect(await reasonOf(verifyConsistency(0, 0, [], EMPTY_ROOT, EMPTY_ROOT))).toBe('verified');
    expect(await reasonOf(verifyConsistency(0, 3, [], EMPTY_ROOT, referenceRoot(3)))).toBe(
      'verified',
    );
    expect(await reasonOf(verifyConsistency(0, 3, [], SOME_HASH, referenceRoot(3)))).toBe(
      'old_root_mismatch',
    );
    expect(
      await reasonOf(verifyConsistency(0, 3, [EMPTY_ROOT], EMPTY_ROOT, referenceRoot(3))),
    ).toBe('wrong_proof_length');
    expect(await reasonOf(verifyConsistency(0, 0, [EMPTY_ROOT], EMPTY_ROOT, EMPTY_ROOT))).toBe(
      'wrong_proof_length',
    );
  });

  it('treats two roots for one size as a fork and refuses a shrinking log', async () => {
    expect(await reasonOf(verifyConsistency(1, 1, [], referenceRoot(1), referenceRoot(1)))).toBe(
      'verified',
    );
    expect(await reasonOf(verifyConsistency(1, 1, [], referenceRoot(1), EMPTY_ROOT))).toBe(
      'new_root_mismatch',
    );
    expect(
      await reasonOf(verifyConsistency(1, 1, [EMPTY_ROOT], referenceRoot(1), referenceRoot(1))),
    ).toBe('wrong_proof_length');
    expect(await reasonOf(verifyConsistency(2, 1, [], referenceRoot(2), referenceRoot(1)))).toBe(
      'size_decreased',
    );
    expect(await reasonOf(verifyConsistency(1, 0, [], referenceRoot(1), EMPTY_ROOT))).toBe(
      'size_decreased',
    );
    expect(await reasonOf(verifyConsistency(1, 2, [], referenceRoot(1), referenceRoot(2)))).toBe(
      'wrong_proof_length',
    );
    await expect(verifyConsistency(1, 1, [], referenceRoot(1), EMPTY_ROOT)).rejects.toThrow(
      'the log has shown two different histories',
    );
  });
});

describe('random trees', () => {
  // Seeded, so a failure names the case that reproduces it.
  const random = seededRandom(6962);
  const leaves = Array.from({ length: 64 }, () => randomBytes(random, 1 + randomInt(random, 40)));
  const leafHashesPromise = Promise.all(leaves.map((leaf) => hashLeaf(leaf)));

  it('verifies every inclusion proof in every tree of 1 to 64 leaves', async () => {
    const leafHashes = await leafHashesPromise;
    const subtree = leafSubtreeHashes(leafHashes);
    const failed: string[] = [];
    for (let size = 1; size <= 64; size++) {
      const root = await subtree(0, size);
      for (let index = 0; index < size; index++) {
        const proof = await inclusionProof(index, size, subtree);
        const reason = await reasonOf(
          verifyInclusion(leafHashes[index]!, index, size, proof, root),
        );
        if (reason !== 'verified') failed.push(`${index} of ${size}: ${reason}`);
      }
    }
    expect(failed).toEqual([]);
  });

  it('rejects a flipped bit in the leaf, any proof node, the root, the index or the size', async () => {
    const leafHashes = await leafHashesPromise;
    const subtree = leafSubtreeHashes(leafHashes);
    const wrong: string[] = [];
    const check = async (
      what: string,
      promise: Promise<void>,
      want: MerkleProofErrorReason | 'verified',
    ) => {
      const got = await reasonOf(promise);
      if (got !== want) wrong.push(`${what}: ${got}, want ${want}`);
    };
    for (let size = 1; size <= 64; size++) {
      const root = await subtree(0, size);
      for (const index of new Set([0, size - 1, randomInt(random, size)])) {
        const at = `${index} of ${size}`;
        const leaf = leafHashes[index]!;
        const proof = await inclusionProof(index, size, subtree);
        const bit = () => randomInt(random, 256);
        await check(
          `${at} leaf`,
          verifyInclusion(flipBit(leaf, bit()), index, size, proof, root),
          'root_mismatch',
        );
        await check(
          `${at} root`,
          verifyInclusion(leaf, index, size, proof, flipBit(root, bit())),
          'root_mismatch',
        );
        for (let i = 0; i < proof.length; i++) {
          const flipped = proof.map((p, j) => (j === i ? flipBit(p, bit()) : p));
          await check(
            `${at} proof[${i}]`,
            verifyInclusion(leaf, index, size, flipped, root),
            'root_mismatch',
          );
        }
        for (const b of [0, 1, 2, 3, 4, 5, 6, 7, 31, 52]) {
          const i2 = index + (Math.floor(index / 2 ** b) % 2 === 1 ? -1 : 1) * 2 ** b;
          const s2 = size + (Math.floor(size / 2 ** b) % 2 === 1 ? -1 : 1) * 2 ** b;
          // The proof does bind the leaf to its position: no other index verifies.
          if (expectedInclusionReason(i2, size, { index, size }) === 'verified') {
            wrong.push(`${at} index bit ${b}: another index has the same path`);
          }
          await check(
            `${at} index bit ${b}`,
            verifyInclusion(leaf, i2, size, proof, root),
            expectedInclusionReason(i2, size, { index, size }),
          );
          await check(
            `${at} size bit ${b}`,
            verifyInclusion(leaf, index, s2, proof, root),
            expectedInclusionReason(index, s2, { index, size }),
          );
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('verifies the consistency of every pair of sizes up to 64 and rejects altered proofs', async () => {
    const leafHashes = await leafHashesPromise;
    const subtree = leafSubtreeHashes(leafHashes);
    const roots = [EMPTY_ROOT, ...(await Promise.all(leafHashes.map((_, n) => subtree(0, n + 1))))];
    const wrong: string[] = [];
    for (let size2 = 0; size2 <= 64; size2++) {
      for (let size1 = 0; size1 <= size2; size1++) {
        const at = `${size1} → ${size2}`;
        const [root1, root2] = [roots[size1]!, roots[size2]!];
        const proof = await consistencyProof(size1, size2, subtree);
        const ok = await reasonOf(verifyConsistency(size1, size2, proof, root1, root2));
        if (ok !== 'verified') wrong.push(`${at}: ${ok}`);
        const old = await reasonOf(
          verifyConsistency(size1, size2, proof, flipBit(root1, 7), root2),
        );
        if (old !== wrongOldRoot(size1, size2)) wrong.push(`${at} root1: ${old}`);
        const neu = await reasonOf(
          verifyConsistency(size1, size2, proof, root1, flipBit(root2, 9)),
        );
        // Any tree extends the empty one, so from size 0 the newer root cannot be wrong.
        const wantNew = size1 === 0 && size2 > 0 ? 'verified' : 'new_root_mismatch';
        if (neu !== wantNew) wrong.push(`${at} root2: ${neu}`);
        if (proof.length > 0) {
          const i = randomInt(random, proof.length);
          const flipped = proof.map((p, j) => (j === i ? flipBit(p, randomInt(random, 256)) : p));
          const got = await reasonOf(verifyConsistency(size1, size2, flipped, root1, root2));
          if (got !== 'old_root_mismatch' && got !== 'new_root_mismatch') {
            wrong.push(`${at} proof[${i}]: ${got}`);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('trees far past 2^32 leaves', () => {
  // A tree whose leaves are all the same: the hash of any subtree depends only on its size,
  // so trees of up to 2^52 leaves take a few hundred hashes, and the verifier's arithmetic is
  // exercised where 32-bit bitwise operators would silently wrap.
  const leafPromise = hashLeaf(utf8('same'));
  const bySize = new Map<number, Promise<Uint8Array>>();
  const mth = (n: number): Promise<Uint8Array> => {
    if (n === 1) return leafPromise;
    let hash = bySize.get(n);
    if (hash === undefined) {
      const k = splitPoint(n);
      hash = Promise.all([mth(k), mth(n - k)]).then(([l, r]) => hashChildren(l, r));
      bySize.set(n, hash);
    }
    return hash;
  };
  const subtree = (start: number, end: number) => mth(end - start);
  const random = seededRandom(2 ** 31 - 1);

  it('verifies inclusion and consistency at random sizes up to 2^52', async () => {
    const leaf = await leafPromise;
    for (let trial = 0; trial < 20; trial++) {
      const size2 = 1 + Math.floor(random() * 2 ** (33 + randomInt(random, 20)));
      const size1 = 1 + Math.floor(random() * size2);
      const index = Math.floor(random() * size2);
      const [root1, root2] = [await mth(size1), await mth(size2)];
      const at = `${index} of ${size2}, ${size1} → ${size2}`;
      const path = await inclusionProof(index, size2, subtree);
      expect(await reasonOf(verifyInclusion(leaf, index, size2, path, root2)), at).toBe('verified');
      expect(await reasonOf(verifyInclusion(leaf, index, size2, path, flipBit(root2, 0))), at).toBe(
        'root_mismatch',
      );
      const proof = await consistencyProof(size1, size2, subtree);
      expect(await reasonOf(verifyConsistency(size1, size2, proof, root1, root2)), at).toBe(
        'verified',
      );
      expect(
        await reasonOf(verifyConsistency(size1, size2, proof, root1, flipBit(root2, 0))),
        at,
      ).toBe('new_root_mismatch');
    }
  });

  it('uses the hasher it is given', async () => {
    const leaf = await leafPromise;
    const calls: string[] = [];
    const counting = {
      ...webCryptoHasher,
      hashChildren: (l: Uint8Array, r: Uint8Array) => {
        calls.push('node');
        return webCryptoHasher.hashChildren(l, r);
      },
    };
    const path = await inclusionProof(5, 8, subtree);
    await verifyInclusion(leaf, 5, 8, path, await mth(8), counting);
    expect(calls).toEqual(['node', 'node', 'node']);
  });
});
