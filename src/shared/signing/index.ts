/**
 * Signing model versions for the registry, the same in browsers and Node (WebCrypto only):
 * the content digest an author signs, Ed25519 signatures over it, author keys.
 * Reference: docs/registry.md, "Signing".
 */
export { resolveArtifactPath } from './artifactPaths.ts';
export { generateAuthorKey, importAuthorKey, type AuthorKey } from './authorKey.ts';
export {
  artifactDigest,
  canonicalContentBytes,
  contentDigest,
  isArtifactPath,
  MODEL_CONTENT_FORMAT,
  SHA256_DIGEST,
  type ContentArtifact,
  type ModelContent,
} from './modelContent.ts';
export {
  keyFingerprint,
  publicKeyFromBase64,
  SIGNATURE_CONTEXT,
  signatureMessage,
  signContentDigest,
  verifyContentSignature,
  type SignedDigest,
} from './modelSignature.ts';
export { SigningError, type SigningErrorReason } from './signingError.ts';
