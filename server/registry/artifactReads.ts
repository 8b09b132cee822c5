/**
 * Artifacts are re-hashed every time they are read, so bytes changed in the database after
 * upload are refused instead of served under a digest they no longer have.
 */
import { artifactDigest } from '../../src/shared/signing/modelContent.ts';
import { getArtifact, type SqlSession } from './db/index.ts';
import { RegistryRequestError } from './registryRequestError.ts';

export async function readVerifiedArtifact(db: SqlSession, digest: string): Promise<Uint8Array> {
  const bytes = await getArtifact(db, digest);
  const actual = await artifactDigest(bytes);
  const expected = digest.startsWith('sha256:') ? digest : `sha256:${digest}`;
  if (actual !== expected) {
    throw new RegistryRequestError(
      500,
      'artifact_tampered',
      `the registry's stored bytes of artifact ${expected} now hash to ${actual}: they were changed in the database after upload. The registry will not serve them; its operator must restore the artifact from a backup (or the author publish it again).`,
    );
  }
  return bytes;
}
