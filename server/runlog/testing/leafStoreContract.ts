/**
 * The behaviour every LeafStore must have, as a test suite: the registry's database store runs
 * it too (`describeLeafStoreContract('PostgresLeafStore', () => …)` in its own test file).
 */
import { describe, expect, it } from 'vitest';
import type { LeafStore } from '../leafStore.ts';

const hash = (i: number) => new Uint8Array(32).fill(i);
const entry = (i: number) => new TextEncoder().encode(`{"i":${i}}`);

export function describeLeafStoreContract(name: string, makeStore: () => Promise<LeafStore>) {
  describe(`${name} (LeafStore contract)`, () => {
    it('starts empty and gives consecutive indices from 0', async () => {
      const store = await makeStore();
      expect(await store.size()).toBe(0);
      expect(await store.leafHashes(0, 0)).toEqual([]);
      for (let i = 0; i < 5; i++) expect(await store.append(hash(i), entry(i))).toBe(i);
      expect(await store.size()).toBe(5);
    });

    it('returns rows [from, to) in index order, byte for byte', async () => {
      const store = await makeStore();
      for (let i = 0; i < 6; i++) await store.append(hash(i), entry(i));
      expect(await store.leafHashes(2, 5)).toEqual([hash(2), hash(3), hash(4)]);
      expect(await store.entries(0, 6)).toEqual([0, 1, 2, 3, 4, 5].map(entry));
      expect(await store.entries(6, 6)).toEqual([]);
    });

    it('gives distinct consecutive indices to concurrent appends', async () => {
      const store = await makeStore();
      const indices = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.append(hash(i), entry(i))),
      );
      expect([...indices].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
      for (const [i, index] of indices.entries()) {
        expect(await store.entries(index, index + 1)).toEqual([entry(i)]);
      }
    });

    it('keeps what was appended even if the caller reuses its buffers', async () => {
      const store = await makeStore();
      const [h, e] = [hash(7), entry(7)];
      await store.append(h, e);
      h.fill(0);
      e.fill(0);
      expect(await store.leafHashes(0, 1)).toEqual([hash(7)]);
      expect(await store.entries(0, 1)).toEqual([entry(7)]);
    });
  });
}
