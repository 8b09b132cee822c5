/**
 * Opens signed notes and checkpoints with the log keys a client trusts: at least one signature must be
 * from a trusted key and every signature from a trusted key must verify (c2sp.org/signed-note);
 * signatures from other keys (witnesses, a key being rotated in) are ignored. Runs on WebCrypto
 * Ed25519, which browsers have since Chrome 137, Firefox 129 and Safari 17, and Node since 18.
 */
import { bufferSource, utf8 } from './bytes.ts';
import { parseCheckpoint, type Checkpoint } from './checkpoint.ts';
import { CheckpointError } from './checkpointError.ts';
import { publicKeyBytes, type LogPublicKey } from './logPublicKey.ts';
import { noteKeyId, parseSignedNote } from './signedNote.ts';

const hex8 = (id: number) => id.toString(16).padStart(8, '0');

async function importEd25519(raw: Uint8Array): Promise<CryptoKey> {
  try {
    return await crypto.subtle.importKey('raw', bufferSource(raw), { name: 'Ed25519' }, false, [
      'verify',
    ]);
  } catch (error) {
    if (error instanceof Error && error.name === 'NotSupportedError') {
      throw new CheckpointError(
        'ed25519_unavailable',
        'this JavaScript runtime has no Ed25519 in WebCrypto, so run log checkpoints cannot be verified here: use Chrome 137+, Firefox 129+, Safari 17+ or Node 18+.',
        { cause: error },
      );
    }
    throw new CheckpointError(
      'bad_key',
      `log public key: WebCrypto refused it (${String(error)}).`,
      {
        cause: error,
      },
    );
  }
}

/** A note's text once a trusted key's signature on it has verified. */
export interface OpenedNote {
  readonly text: string;
  /** The trusted key whose signature verified (the first, if several did). */
  readonly signer: LogPublicKey;
}

/**
 * Verifies the signatures on `note` from the `trusted` keys and returns its text: at least one
 * must be present and all of them must verify. Signatures from other keys are ignored.
 */
export async function openSignedNote(
  note: string | Uint8Array,
  trusted: LogPublicKey | readonly LogPublicKey[],
): Promise<OpenedNote> {
  const keys = Array.isArray(trusted)
    ? (trusted as readonly LogPublicKey[])
    : [trusted as LogPublicKey];
  const { text, signatures } = parseSignedNote(note);
  const known = await Promise.all(
    keys.map(async (key) => {
      const raw = publicKeyBytes(key);
      return { key, raw, id: await noteKeyId(key.name, raw) };
    }),
  );
  const signed = signatures.flatMap((signature) =>
    known
      .filter(({ key, id }) => key.name === signature.name && id === signature.keyId)
      .map((k) => ({ ...k, signature })),
  );
  if (signed.length === 0) {
    const by = signatures.map((s) => `${s.name}+${hex8(s.keyId)}`).join(', ');
    const want = known.map(({ key, id }) => `${key.name}+${hex8(id)}`).join(', ');
    throw new CheckpointError(
      'no_trusted_signature',
      `signed note: signed by ${by}, none of which is a trusted key (${want || 'none given'}): the log's key changed or this is another log; get its current public key from the log's operator.`,
    );
  }
  for (const { key, raw, id, signature } of signed) {
    const publicKey = await importEd25519(raw);
    const ok = await crypto.subtle
      .verify({ name: 'Ed25519' }, publicKey, bufferSource(signature.signature), utf8(text))
      .catch(() => false);
    if (!ok) {
      throw new CheckpointError(
        'bad_signature',
        `signed note: the signature of ${key.name}+${hex8(id)} does not verify: the note was changed after it was signed; do not trust it.`,
      );
    }
  }
  return { text, signer: signed[0]!.key };
}

/**
 * The checkpoint in `note`, once its signature by one of `trusted` has been verified and its
 * origin found to be that key's name.
 *
 * @example const head = await verifyCheckpointNote(await response.text(), [runLogKey]);
 */
export async function verifyCheckpointNote(
  note: string | Uint8Array,
  trusted: LogPublicKey | readonly LogPublicKey[],
): Promise<Checkpoint> {
  const { text, signer } = await openSignedNote(note, trusted);
  const checkpoint = parseCheckpoint(text);
  if (checkpoint.origin !== signer.name) {
    throw new CheckpointError(
      'wrong_origin',
      `checkpoint: it is for log ${JSON.stringify(checkpoint.origin)} but signed by ${JSON.stringify(signer.name)}: a log's key must only sign that log's checkpoints.`,
    );
  }
  return checkpoint;
}
