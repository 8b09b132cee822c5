/**
 * The log's tree kept in memory as levels: level 0 holds the leaf hashes and level h the hash
 * of every complete, aligned subtree of 2^h leaves. Appending hashes only the new complete
 * subtrees (amortised one hash per leaf), and any subtree a proof or root needs is a lookup or
 * O(log n) hashes along the tree's ragged right edge. Levels never change once written, since
 * the log only appends; about 64 bytes of memory per entry.
 */
import type { SubtreeHashes } from '../../src/shared/merkle/merkleProofs.ts';
import type { TreeHasher } from '../../src/shared/merkle/rfc6962.ts';
import { isPowerOfTwo, splitPoint } from '../../src/shared/merkle/treeMath.ts';
import { HashList } from './hashList.ts';

export class MerkleLevels {
  readonly #hasher: TreeHasher;
  readonly #levels: HashList[] = [new HashList()];

  constructor(hasher: TreeHasher) {
    this.#hasher = hasher;
  }

  /** How many leaves the tree holds. */
  get size(): number {
    return this.#levels[0]!.length;
  }

  leafHash(index: number): Uint8Array {
    return this.#levels[0]!.get(index);
  }

  /**
   * Adds leaves. Every new node is hashed before any is stored, so a proof computed while an
   * append is in progress sees the tree before or after it, never half of it.
   */
  async append(leafHashes: readonly Uint8Array[]): Promise<void> {
    const added: Uint8Array[][] = [[...leafHashes]];
    for (let h = 0; ; h++) {
      const held = this.#levels[h]?.length ?? 0;
      const fresh = added[h]!;
      const node = (i: number) => (i < held ? this.#levels[h]!.get(i) : fresh[i - held]!);
      const [before, after] = [Math.floor(held / 2), Math.floor((held + fresh.length) / 2)];
      if (after === before) break;
      const parents: Promise<Uint8Array>[] = [];
      for (let j = before; j < after; j++) {
        parents.push(this.#hasher.hashChildren(node(2 * j), node(2 * j + 1)));
      }
      added.push(await Promise.all(parents));
    }
    added.forEach((nodes, h) => {
      const level = (this.#levels[h] ??= new HashList());
      for (const node of nodes) level.push(node);
    });
  }

  /** MTH of leaves [start, end), for 0 ≤ start < end ≤ size. */
  async subtreeHash(start: number, end: number): Promise<Uint8Array> {
    if (!(Number.isSafeInteger(start) && 0 <= start && start < end && end <= this.size)) {
      throw new RangeError(`subtree [${start}, ${end}) is outside the ${this.size} leaves`);
    }
    const n = end - start;
    if (isPowerOfTwo(n) && start % n === 0) {
      return this.#levels[Math.log2(n)]!.get(start / n);
    }
    const k = splitPoint(n);
    const [left, right] = await Promise.all([
      this.subtreeHash(start, start + k),
      this.subtreeHash(start + k, end),
    ]);
    return this.#hasher.hashChildren(left, right);
  }

  /** The root of the first `size` leaves (the empty-tree hash for 0). */
  root(size = this.size): Promise<Uint8Array> {
    return size === 0 ? this.#hasher.emptyRoot() : this.subtreeHash(0, size);
  }

  /** This tree as the `SubtreeHashes` the shared proof builders take. */
  readonly subtrees: SubtreeHashes = (start, end) => this.subtreeHash(start, end);
}
