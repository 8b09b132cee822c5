/**
 * RFC 6962 §2.1 hashing with SHA-256: leaf hash = SHA-256(0x00 || data), interior node hash =
 * SHA-256(0x01 || left || right), and the hash of the empty tree = SHA-256(""). The distinct
 * prefixes keep a leaf from being passed off as an interior node (second-preimage resistance).
 *
 * Everything here runs on WebCrypto, so browsers and Node compute the same hashes. Callers that
 * hash a great many nodes (the server rebuilding a large tree) may inject a faster `TreeHasher`;
 * it must give the same results, which the tests check against the published vectors.
 */
import { bufferSource, concatBytes } from './bytes.ts';

/** SHA-256 output length; every leaf hash, node hash, root and proof element has it. */
export const HASH_SIZE = 32;

/** How a tree turns leaves and child pairs into hashes. */
export interface TreeHasher {
  /** SHA-256(0x00 || data). */
  hashLeaf(data: Uint8Array): Promise<Uint8Array>;
  /** SHA-256(0x01 || left || right). */
  hashChildren(left: Uint8Array, right: Uint8Array): Promise<Uint8Array>;
  /** SHA-256 of the empty string: the root of a tree with no leaves. */
  emptyRoot(): Promise<Uint8Array>;
}

const LEAF_PREFIX = new Uint8Array([0]);
const NODE_PREFIX = new Uint8Array([1]);

export async function sha256(data: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bufferSource(data)));
}

/** The RFC 6962 hasher on WebCrypto (`crypto.subtle`), for browsers and Node alike. */
export const webCryptoHasher: TreeHasher = {
  hashLeaf: (data) => sha256(concatBytes(LEAF_PREFIX, data)),
  hashChildren: (left, right) => sha256(concatBytes(NODE_PREFIX, left, right)),
  emptyRoot: () => sha256(new Uint8Array(0)),
};

/** The leaf hash of `data` on WebCrypto: what the tree commits to for one entry. */
export function hashLeaf(data: Uint8Array): Promise<Uint8Array> {
  return webCryptoHasher.hashLeaf(data);
}

export function hashChildren(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  return webCryptoHasher.hashChildren(left, right);
}
