/**
 * Proof verification as RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency) describe it,
 * with the proof's length checked first so that a truncated or padded proof is reported as such
 * rather than as a root mismatch. Both resolve when the proof holds and reject with a
 * `MerkleProofError` when it does not.
 */
import { bytesEqual, toBase64 } from './bytes.ts';
import { MerkleProofError } from './merkleProofError.ts';
import { HASH_SIZE, webCryptoHasher, type TreeHasher } from './rfc6962.ts';
import { consistencyRanges, inclusionRanges, isPowerOfTwo } from './treeMath.ts';

const odd = (x: number) => x % 2 === 1;
const half = (x: number) => Math.floor(x / 2);

function checkCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new MerkleProofError(
      'invalid_argument',
      `${name} is ${value}; indices and tree sizes are non-negative integers below 2^53.`,
    );
  }
}

function checkHash(what: string, hash: Uint8Array): void {
  if (hash.length !== HASH_SIZE) {
    throw new MerkleProofError(
      'bad_hash_length',
      `${what} is ${hash.length} bytes; SHA-256 hashes are ${HASH_SIZE}: the proof or checkpoint was truncated or mis-decoded.`,
    );
  }
}

function checkProof(proof: readonly Uint8Array[], expected: number, what: string): void {
  if (proof.length !== expected) {
    throw new MerkleProofError(
      'wrong_proof_length',
      `the ${what} has ${proof.length} hashes; RFC 6962 gives ${expected} for these sizes: it was built for another index or size, or was truncated or padded.`,
    );
  }
  proof.forEach((hash, i) => checkHash(`proof element ${i}`, hash));
}

/**
 * Checks that `leafHash` is leaf `index` of the tree of size `treeSize` with root `root`.
 * The proof binds the leaf to its position under that root, but not the size: a path can have
 * the same shape in a tree of another size. Take `treeSize` and `root` from one checkpoint
 * whose signature was verified (`verifyCheckpointNote`), never from separate sources.
 *
 * @example await verifyInclusion(await hashLeaf(entryBytes), 17, checkpoint.treeSize, proof, root)
 */
export async function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  treeSize: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
  hasher: TreeHasher = webCryptoHasher,
): Promise<void> {
  checkCount('the leaf index', index);
  checkCount('the tree size', treeSize);
  if (index >= treeSize) {
    throw new MerkleProofError(
      'index_out_of_range',
      `leaf ${index} cannot be in a tree of size ${treeSize}: ask for a proof against a checkpoint that includes it.`,
    );
  }
  checkProof(proof, inclusionRanges(index, treeSize).length, 'inclusion proof');
  checkHash('the leaf hash', leafHash);
  checkHash('the root', root);

  // RFC 9162 stops early when sn reaches 0 (steps 4a, 6a); the exact length checked above
  // means it never does, and the final sn check stays as the RFC's own guard.
  let fn = index;
  let sn = treeSize - 1;
  let r = leafHash;
  for (const p of proof) {
    if (odd(fn) || fn === sn) {
      r = await hasher.hashChildren(p, r);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = await hasher.hashChildren(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0 || !bytesEqual(r, root)) {
    throw new MerkleProofError(
      'root_mismatch',
      `leaf ${index} and its proof lead to root ${toBase64(r)}, not ${toBase64(root)} of the tree of size ${treeSize}: the entry, the proof or the root was changed.`,
    );
  }
}

/**
 * Checks that the tree of size `size1` with root `root1` is a prefix of the tree of size `size2`
 * with root `root2`: the log only appended between the two checkpoints. An empty older tree
 * must have the empty-tree root, and two trees of one size must have one root.
 */
export async function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
  hasher: TreeHasher = webCryptoHasher,
): Promise<void> {
  checkCount('the older tree size', size1);
  checkCount('the newer tree size', size2);
  if (size1 > size2) {
    throw new MerkleProofError(
      'size_decreased',
      `the log went from ${size1} entries to ${size2}: an append-only log never shrinks, so these checkpoints cannot both be honest (or they were passed in the wrong order).`,
    );
  }
  checkProof(proof, consistencyRanges(size1, size2).length, 'consistency proof');
  checkHash('the older root', root1);
  checkHash('the newer root', root2);

  // The empty tree is a prefix of every tree, so from size 0 only root1 can be wrong.
  if (size1 === 0 && !bytesEqual(root1, await hasher.emptyRoot())) {
    throw new MerkleProofError(
      'old_root_mismatch',
      `the older checkpoint has size 0 but root ${toBase64(root1)}, not the empty-tree hash.`,
    );
  }
  if (size1 === size2) {
    if (!bytesEqual(root1, root2)) {
      throw new MerkleProofError(
        'new_root_mismatch',
        `two checkpoints of size ${size1} have different roots (${toBase64(root1)}, ${toBase64(root2)}): the log has shown two different histories; keep both checkpoints as evidence.`,
      );
    }
    return;
  }
  if (size1 === 0) return;

  // RFC 9162 §2.1.4.2. When size1 is a power of two the old tree is a complete subtree of the
  // new one and the proof leaves its root out; the algorithm starts from root1 instead.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (odd(fn) || fn === sn) {
      fr = await hasher.hashChildren(c, fr);
      sr = await hasher.hashChildren(c, sr);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = await hasher.hashChildren(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (!bytesEqual(fr, root1)) {
    throw new MerkleProofError(
      'old_root_mismatch',
      `the consistency proof from ${size1} to ${size2} entries leads to old root ${toBase64(fr)}, not ${toBase64(root1)}: the proof or the older checkpoint was changed, or the log rewrote its history.`,
    );
  }
  if (sn !== 0 || !bytesEqual(sr, root2)) {
    throw new MerkleProofError(
      'new_root_mismatch',
      `the consistency proof from ${size1} to ${size2} entries leads to new root ${toBase64(sr)}, not ${toBase64(root2)}: the proof or the newer checkpoint was changed, or the log rewrote its history.`,
    );
  }
}
