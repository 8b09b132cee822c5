/**
 * A LeafStore whose rows a test can edit behind the log's back, as someone with write access
 * to the registry's database could.
 */
import { MemoryLeafStore, type LeafStore } from '../leafStore.ts';

export class EditableStore implements LeafStore {
  readonly inner = new MemoryLeafStore();
  readonly editedEntries = new Map<number, Uint8Array>();
  readonly editedLeafHashes = new Map<number, Uint8Array>();
  /** Rows at and after this index are hidden, as if deleted. */
  truncateAt = Infinity;

  append(leafHash: Uint8Array, entry: Uint8Array): Promise<number> {
    return this.inner.append(leafHash, entry);
  }

  async size(): Promise<number> {
    return Math.min(this.truncateAt, await this.inner.size());
  }

  async leafHashes(from: number, to: number): Promise<Uint8Array[]> {
    const rows = await this.inner.leafHashes(from, to);
    return rows.map((row, i) => this.editedLeafHashes.get(from + i) ?? row);
  }

  async entries(from: number, to: number): Promise<Uint8Array[]> {
    const rows = await this.inner.entries(from, to);
    return rows.map((row, i) => this.editedEntries.get(from + i) ?? row);
  }
}
