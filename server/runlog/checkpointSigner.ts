/**
 * Signs checkpoints with Ed25519 keys held by Node's crypto, as c2sp.org/signed-note notes that
 * src/shared/merkle/verifyCheckpoint.ts verifies in the browser.
 */
import { createPublicKey, sign, type KeyObject } from 'node:crypto';
import { formatCheckpoint, type Checkpoint } from '../../src/shared/merkle/checkpoint.ts';
import { toBase64, utf8 } from '../../src/shared/merkle/bytes.ts';
import type { LogPublicKey } from '../../src/shared/merkle/logPublicKey.ts';
import {
  formatSignedNote,
  isNoteKeyName,
  noteKeyId,
  type NoteSignature,
} from '../../src/shared/merkle/signedNote.ts';
import { RunLogConfigError } from './runLogErrors.ts';

export interface CheckpointSigner {
  /** What clients trust: the key's name (the log's origin) and its raw public key. */
  readonly publicKey: LogPublicKey;
  sign(text: string): NoteSignature;
}

/**
 * A signer named `name` (the log's origin) with an Ed25519 private key.
 *
 * @example ed25519CheckpointSigner('twinbench.example.org/runlog', createPrivateKey(pem))
 */
export async function ed25519CheckpointSigner(
  name: string,
  privateKey: KeyObject,
): Promise<CheckpointSigner> {
  if (!isNoteKeyName(name)) {
    throw new RunLogConfigError(
      'invalid_origin',
      `run log origin ${JSON.stringify(name)} must be non-empty with no spaces or "+": use a schema-less URL such as twinbench.example.org/runlog.`,
    );
  }
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') {
    throw new RunLogConfigError(
      'invalid_key',
      `the run log signs with an Ed25519 private key, not ${privateKey.type === 'private' ? `an ${privateKey.asymmetricKeyType} key` : `a ${privateKey.type} key`}: make one with \`openssl genpkey -algorithm ed25519 -out runlog-key.pem\`.`,
    );
  }
  const { x } = createPublicKey(privateKey).export({ format: 'jwk' });
  const raw = new Uint8Array(Buffer.from(x!, 'base64url'));
  const keyId = await noteKeyId(name, raw);
  return {
    publicKey: { name, publicKey: toBase64(raw) },
    sign: (text) => ({
      name,
      keyId,
      signature: new Uint8Array(sign(null, utf8(text), privateKey)),
    }),
  };
}

/** The checkpoint as a signed note, with one signature per signer (several while rotating). */
export function signCheckpoint(
  checkpoint: Checkpoint,
  signers: readonly CheckpointSigner[],
): string {
  const text = formatCheckpoint(checkpoint);
  return formatSignedNote(
    text,
    signers.map((signer) => signer.sign(text)),
  );
}
