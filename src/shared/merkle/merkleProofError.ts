/**
 * Why a Merkle proof did not verify. `reason` is for code (which badge to show, which HTTP
 * status); `message` is for people and says what was compared and what to suspect.
 */
export type MerkleProofErrorReason =
  /** An index or size is not a non-negative safe integer. */
  | 'invalid_argument'
  /** Inclusion: the leaf index is not below the tree size (every index is, in an empty tree). */
  | 'index_out_of_range'
  /** Consistency: the second tree is smaller than the first. */
  | 'size_decreased'
  /** The proof has more or fewer hashes than RFC 6962 gives for these sizes. */
  | 'wrong_proof_length'
  /** A leaf hash, root or proof element is not 32 bytes. */
  | 'bad_hash_length'
  /** A proof as served (JSON) is not what `proofJson.ts` describes. */
  | 'malformed_proof'
  /** The proof was made for another tree size or index than the checkpoint or entry in hand. */
  | 'proof_mismatch'
  /** Inclusion: the leaf hash and the proof lead to another root than the one given. */
  | 'root_mismatch'
  /** Consistency: the proof does not lead to the older tree's root. */
  | 'old_root_mismatch'
  /** Consistency: the proof does not lead to the newer tree's root (at equal sizes: two roots). */
  | 'new_root_mismatch';

export class MerkleProofError extends Error {
  override readonly name = 'MerkleProofError';
  constructor(
    readonly reason: MerkleProofErrorReason,
    message: string,
  ) {
    super(message);
  }
}
