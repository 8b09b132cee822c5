import { expect, it } from 'vitest';
import { MemoryLeafStore } from './leafStore.ts';
import { describeLeafStoreContract } from './testing/leafStoreContract.ts';

describeLeafStoreContract('MemoryLeafStore', () => Promise.resolve(new MemoryLeafStore()));

it('MemoryLeafStore refuses ranges outside what it holds', async () => {
  const store = new MemoryLeafStore();
  await store.append(new Uint8Array(32), new Uint8Array([1]));
  expect(() => store.entries(0, 2)).toThrow('rows [0, 2) are outside the 1 stored');
  expect(() => store.leafHashes(-1, 1)).toThrow(RangeError);
});
