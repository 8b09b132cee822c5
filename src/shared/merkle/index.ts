/**
 * The run log's Merkle tree, checkpoints and entries, the same in browsers and Node
 * (WebCrypto only). Reference: docs/run-log.md.
 */
export { fromBase64, fromHex, toBase64, toHex } from './bytes.ts';
export {
  canonicalJson,
  canonicalJsonBytes,
  CanonicalJsonError,
  type JsonValue,
} from './canonicalJson.ts';
export {
  checkpointRoot,
  formatCheckpoint,
  parseCheckpoint,
  type Checkpoint,
} from './checkpoint.ts';
export { CheckpointError, type CheckpointErrorReason } from './checkpointError.ts';
export {
  formatVerifierKey,
  parseVerifierKey,
  publicKeyBytes,
  type LogPublicKey,
} from './logPublicKey.ts';
export { MerkleProofError, type MerkleProofErrorReason } from './merkleProofError.ts';
export {
  consistencyProof,
  inclusionProof,
  leafSubtreeHashes,
  rootHash,
  type SubtreeHashes,
} from './merkleProofs.ts';
export {
  decodeProofHashes,
  type ConsistencyProofJson,
  type InclusionProofJson,
} from './proofJson.ts';
export { hashChildren, hashLeaf, HASH_SIZE, webCryptoHasher, type TreeHasher } from './rfc6962.ts';
export {
  decodeRunLogEntry,
  encodeRunLogEntry,
  LogEntryError,
  MAX_ENTRY_BYTES,
  parseRunLogEntry,
  RUN_KINDS,
  RUN_LOG_ENTRY_VERSION,
  runLogEntryLeafHash,
  sha256Digest,
  type ArtifactDigest,
  type LogEntryErrorReason,
  type RunKind,
  type RunLogEntry,
} from './runLogEntry.ts';
export {
  formatSignedNote,
  noteKeyId,
  parseSignedNote,
  type NoteSignature,
  type SignedNote,
} from './signedNote.ts';
export { openSignedNote, verifyCheckpointNote, type OpenedNote } from './verifyCheckpoint.ts';
export {
  verifyCheckpointsConsistent,
  verifyLoggedEntry,
  type LoggedEntryClaim,
} from './verifyLogged.ts';
export { verifyConsistency, verifyInclusion } from './verifyProofs.ts';
