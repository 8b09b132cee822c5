/**
 * A growable list of 32-byte hashes in one buffer: a million hashes take 32 MB rather than the
 * ~100 MB that a million separate Uint8Arrays would.
 */
import { HASH_SIZE } from '../../src/shared/merkle/rfc6962.ts';

export class HashList {
  #bytes = new Uint8Array(HASH_SIZE * 64);
  #length = 0;

  get length(): number {
    return this.#length;
  }

  /** A copy of hash `index`. */
  get(index: number): Uint8Array {
    if (!(Number.isInteger(index) && index >= 0 && index < this.#length)) {
      throw new RangeError(`hash ${index} is outside the ${this.#length} held`);
    }
    return this.#bytes.slice(index * HASH_SIZE, (index + 1) * HASH_SIZE);
  }

  push(hash: Uint8Array): void {
    if (hash.length !== HASH_SIZE) {
      throw new RangeError(`a hash is ${HASH_SIZE} bytes, got ${hash.length}`);
    }
    if ((this.#length + 1) * HASH_SIZE > this.#bytes.length) {
      const grown = new Uint8Array(this.#bytes.length * 2);
      grown.set(this.#bytes);
      this.#bytes = grown;
    }
    this.#bytes.set(hash, this.#length * HASH_SIZE);
    this.#length += 1;
  }
}
