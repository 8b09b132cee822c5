/**
 * RFC 6962 hashing on Node's synchronous SHA-256, about ten times faster than WebCrypto's
 * per-call promise: what the server uses to load and audit large logs. It must agree with
 * src/shared/merkle/rfc6962.ts's `webCryptoHasher`, which nodeTreeHasher.test.ts checks on the
 * published vectors.
 */
import { createHash } from 'node:crypto';
import type { TreeHasher } from '../../src/shared/merkle/rfc6962.ts';

const LEAF = Uint8Array.of(0x00);
const NODE = Uint8Array.of(0x01);

function sha256(...parts: Uint8Array[]): Uint8Array {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  // A plain Uint8Array, not a Buffer, whose slice() would share memory.
  return new Uint8Array(hash.digest());
}

export const nodeTreeHasher: TreeHasher = {
  hashLeaf: (data) => Promise.resolve(sha256(LEAF, data)),
  hashChildren: (left, right) => Promise.resolve(sha256(NODE, left, right)),
  emptyRoot: () => Promise.resolve(sha256()),
};
