/**
 * Where the run log keeps its entries: the one thing the registry's database implements for
 * it. The log keeps the tree in memory and reads the store at start-up and when it grows.
 *
 * Rules every implementation follows (MemoryLeafStore is the reference, docs/run-log.md gives a
 * PostgreSQL table):
 * - `append` is atomic and gives consecutive indices from 0 in the order appends commit, with no
 *   gaps, also across processes: read the count and insert in one serialised transaction (a
 *   database sequence can skip numbers, so it cannot assign indices).
 * - Rows are never updated or deleted. The log detects it when they are (`RunLog.audit`).
 * - `leafHashes(from, to)` and `entries(from, to)` return rows `from` (inclusive) to `to`
 *   (exclusive) in index order, for 0 ≤ from ≤ to ≤ size().
 */
export interface LeafStore {
  /** Stores one entry's canonical bytes and their 32-byte leaf hash; resolves to its index. */
  append(leafHash: Uint8Array, entry: Uint8Array): Promise<number>;
  /** How many entries are stored. */
  size(): Promise<number>;
  leafHashes(from: number, to: number): Promise<Uint8Array[]>;
  entries(from: number, to: number): Promise<Uint8Array[]>;
}

function checkRange(from: number, to: number, size: number): void {
  if (!(
    Number.isSafeInteger(from) &&
    Number.isSafeInteger(to) &&
    0 <= from &&
    from <= to &&
    to <= size
  )) {
    throw new RangeError(`rows [${from}, ${to}) are outside the ${size} stored`);
  }
}

/** A LeafStore in memory, for tests and for development without a database. */
export class MemoryLeafStore implements LeafStore {
  readonly #leafHashes: Uint8Array[] = [];
  readonly #entries: Uint8Array[] = [];

  append(leafHash: Uint8Array, entry: Uint8Array): Promise<number> {
    // Copies, so a caller that reuses its buffers cannot change what was stored.
    this.#leafHashes.push(new Uint8Array(leafHash));
    this.#entries.push(new Uint8Array(entry));
    return Promise.resolve(this.#entries.length - 1);
  }

  size(): Promise<number> {
    return Promise.resolve(this.#entries.length);
  }

  leafHashes(from: number, to: number): Promise<Uint8Array[]> {
    checkRange(from, to, this.#leafHashes.length);
    return Promise.resolve(this.#leafHashes.slice(from, to).map((hash) => new Uint8Array(hash)));
  }

  entries(from: number, to: number): Promise<Uint8Array[]> {
    checkRange(from, to, this.#entries.length);
    return Promise.resolve(this.#entries.slice(from, to).map((entry) => new Uint8Array(entry)));
  }
}
