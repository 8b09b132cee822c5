/**
 * Proofs as the log serves them (JSON, hashes in standard base64) and their decoding. The HTTP
 * routes send these shapes as they are; clients decode with the functions here, which refuse
 * anything else with a `MerkleProofError('malformed_proof')`.
 */
import { fromBase64 } from './bytes.ts';
import { MerkleProofError } from './merkleProofError.ts';
import { HASH_SIZE } from './rfc6962.ts';

/** Proof that entry `index` is in the tree of the first `treeSize` entries. */
export interface InclusionProofJson {
  readonly index: number;
  readonly treeSize: number;
  /** RFC 6962 audit path, leaf's sibling first, base64. */
  readonly proof: readonly string[];
}

/** Proof that the tree of `from` entries is a prefix of the tree of `to` entries. */
export interface ConsistencyProofJson {
  readonly from: number;
  readonly to: number;
  readonly proof: readonly string[];
}

/** The proof's hashes as bytes. */
export function decodeProofHashes(proof: readonly string[]): Uint8Array[] {
  if (!Array.isArray(proof)) throw malformed('the proof must be a list of base64 hashes.');
  return proof.map((hash: unknown, i) => {
    const bytes = typeof hash === 'string' ? fromBase64(hash) : undefined;
    if (bytes === undefined || bytes.length !== HASH_SIZE) {
      throw malformed(`proof element ${i} is not the base64 of a ${HASH_SIZE}-byte hash.`);
    }
    return bytes;
  });
}

function malformed(message: string): MerkleProofError {
  return new MerkleProofError('malformed_proof', `run log proof: ${message}`);
}
