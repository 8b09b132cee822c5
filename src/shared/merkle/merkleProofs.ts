/**
 * Tree heads and proofs from leaf hashes. The hashes of the subtrees a proof needs come from a
 * `SubtreeHashes` function, so a server can answer from cached levels while tests and small
 * trees use `leafSubtreeHashes`, which recomputes from the leaf hashes.
 */
import { webCryptoHasher, type TreeHasher } from './rfc6962.ts';
import { consistencyRanges, inclusionRanges, splitPoint } from './treeMath.ts';

/** MTH(D[start:end]) for 0 ≤ start < end ≤ the tree's size. */
export type SubtreeHashes = (start: number, end: number) => Promise<Uint8Array>;

function checkSize(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative safe integer, got ${value}`);
  }
}

/**
 * Subtree hashes computed from `leafHashes` (copied: later changes to the array do not count)
 * and remembered, so each subtree is hashed once however many proofs ask for it. Memory grows
 * with the subtrees asked for; a log serving many proofs keeps levels instead
 * (server/runlog/merkleLevels.ts).
 */
export function leafSubtreeHashes(
  leafHashes: readonly Uint8Array[],
  hasher: TreeHasher = webCryptoHasher,
): SubtreeHashes {
  const leaves = [...leafHashes];
  const known = new Map<string, Promise<Uint8Array>>();
  const mth = (start: number, end: number): Promise<Uint8Array> => {
    if (end - start === 1) return Promise.resolve(leaves[start]!);
    const key = `${start},${end}`;
    let hash = known.get(key);
    if (hash === undefined) {
      const k = splitPoint(end - start);
      hash = Promise.all([mth(start, start + k), mth(start + k, end)]).then(([left, right]) =>
        hasher.hashChildren(left, right),
      );
      known.set(key, hash);
    }
    return hash;
  };
  return (start, end) => {
    if (!(Number.isSafeInteger(start) && 0 <= start && start < end && end <= leaves.length)) {
      return Promise.reject(
        new RangeError(`subtree [${start}, ${end}) is outside ${leaves.length} leaves`),
      );
    }
    return mth(start, end);
  };
}

/** The Merkle Tree Hash (RFC 6962 §2.1) of the tree whose leaves have these hashes. */
export async function rootHash(
  leafHashes: readonly Uint8Array[],
  hasher: TreeHasher = webCryptoHasher,
): Promise<Uint8Array> {
  if (leafHashes.length === 0) return hasher.emptyRoot();
  return leafSubtreeHashes(leafHashes, hasher)(0, leafHashes.length);
}

/** The audit path for leaf `index` in the tree of the first `size` leaves (RFC 6962 §2.1.1). */
export async function inclusionProof(
  index: number,
  size: number,
  subtree: SubtreeHashes,
): Promise<Uint8Array[]> {
  checkSize('index', index);
  checkSize('size', size);
  if (index >= size) throw new RangeError(`leaf ${index} is not in a tree of size ${size}`);
  return Promise.all(inclusionRanges(index, size).map(({ start, end }) => subtree(start, end)));
}

/** The proof that the tree of `older` leaves is a prefix of that of `newer` (RFC 6962 §2.1.2). */
export async function consistencyProof(
  older: number,
  newer: number,
  subtree: SubtreeHashes,
): Promise<Uint8Array[]> {
  checkSize('older', older);
  checkSize('newer', newer);
  if (older > newer) {
    throw new RangeError(`a tree of size ${older} cannot be a prefix of one of size ${newer}`);
  }
  return Promise.all(consistencyRanges(older, newer).map(({ start, end }) => subtree(start, end)));
}
