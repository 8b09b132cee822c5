import { expect, it } from 'vitest';
import { HashList } from './hashList.ts';

it('holds hashes past its first capacity and returns copies', () => {
  const list = new HashList();
  for (let i = 0; i < 200; i++) list.push(new Uint8Array(32).fill(i));
  expect(list.length).toBe(200);
  expect(list.get(150)).toEqual(new Uint8Array(32).fill(150));
  list.get(3).fill(99);
  expect(list.get(3)).toEqual(new Uint8Array(32).fill(3));
  expect(() => list.get(200)).toThrow('hash 200 is outside the 200 held');
  expect(() => list.push(new Uint8Array(31))).toThrow('a hash is 32 bytes, got 31');
});
