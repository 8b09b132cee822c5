import { describe, expect, it } from 'vitest';
import { fromHex, toBase64 } from './bytes.ts';
import { formatCheckpoint, type Checkpoint } from './checkpoint.ts';
import { CheckpointError, type CheckpointErrorReason } from './checkpointError.ts';
import { formatVerifierKey, parseVerifierKey } from './logPublicKey.ts';
import { parseSignedNote, formatSignedNote } from './signedNote.ts';
import { REFERENCE_ROOTS } from './testing/rfc6962Vectors.ts';
import { generateTestSigner } from './testing/webCryptoSigner.ts';
import { verifyCheckpointNote } from './verifyCheckpoint.ts';

const ORIGIN = 'twinbench.example.org/runlog';
const checkpoint: Checkpoint = {
  origin: ORIGIN,
  treeSize: 8,
  rootHash: toBase64(fromHex(REFERENCE_ROOTS[7])),
  timestamp: 1_750_000_000_123,
};

async function reasonOf(promise: Promise<unknown>): Promise<CheckpointErrorReason | 'ok'> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (error instanceof CheckpointError) return error.reason;
    throw error;
  }
}

describe('verifyCheckpointNote', () => {
  it('returns the checkpoint a trusted key signed, also through its verifier key string', async () => {
    const log = await generateTestSigner(ORIGIN);
    const note = await log.sign(formatCheckpoint(checkpoint));
    expect(await verifyCheckpointNote(note, log.key)).toEqual(checkpoint);
    const viaVkey = await parseVerifierKey(await formatVerifierKey(log.key));
    expect(await verifyCheckpointNote(new TextEncoder().encode(note), [viaVkey])).toEqual(
      checkpoint,
    );
  });

  it('refuses a checkpoint whose size, root, timestamp or origin was changed after signing', async () => {
    const log = await generateTestSigner(ORIGIN);
    const note = await log.sign(formatCheckpoint(checkpoint));
    const otherRoot = toBase64(fromHex(REFERENCE_ROOTS[6]));
    const tampered = [
      note.replace('\n8\n', '\n9\n'),
      note.replace(checkpoint.rootHash, otherRoot),
      note.replace('timestamp 1750000000123', 'timestamp 1750000000124'),
    ];
    for (const changed of tampered) {
      expect(await reasonOf(verifyCheckpointNote(changed, log.key))).toBe('bad_signature');
    }
    // Renaming the log also renames the signature line, which then names an unknown key.
    expect(
      await reasonOf(verifyCheckpointNote(note.replaceAll(ORIGIN, 'evil.example/log'), log.key)),
    ).toBe('no_trusted_signature');
  });

  it('refuses any flipped bit in the signature', async () => {
    const log = await generateTestSigner(ORIGIN);
    const text = formatCheckpoint(checkpoint);
    const [signature] = parseSignedNote(await log.sign(text)).signatures;
    for (let bit = 0; bit < 512; bit += 37) {
      const flipped = new Uint8Array(signature!.signature);
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      const note = formatSignedNote(text, [{ ...signature!, signature: flipped }]);
      expect(await reasonOf(verifyCheckpointNote(note, log.key)), `bit ${bit}`).toBe(
        'bad_signature',
      );
    }
  });

  it('refuses a checkpoint signed by another key, or by a trusted key for another log', async () => {
    const log = await generateTestSigner(ORIGIN);
    const impostor = await generateTestSigner(ORIGIN);
    const note = await impostor.sign(formatCheckpoint(checkpoint));
    await expect(verifyCheckpointNote(note, log.key)).rejects.toThrow(
      /none of which is a trusted key .*get its current public key from the log's operator/,
    );
    const otherLog = await generateTestSigner('other.example/log');
    const misfiled = await otherLog.sign(formatCheckpoint(checkpoint));
    expect(await reasonOf(verifyCheckpointNote(misfiled, otherLog.key))).toBe('wrong_origin');
  });

  it('accepts a note a rotated-out and a new key both signed, trusting either', async () => {
    const [old, next] = [await generateTestSigner(ORIGIN), await generateTestSigner(ORIGIN)];
    const text = formatCheckpoint(checkpoint);
    const both = formatSignedNote(text, [
      ...parseSignedNote(await old.sign(text)).signatures,
      ...parseSignedNote(await next.sign(text)).signatures,
    ]);
    expect(await verifyCheckpointNote(both, old.key)).toEqual(checkpoint);
    expect(await verifyCheckpointNote(both, next.key)).toEqual(checkpoint);
    expect(await verifyCheckpointNote(both, [old.key, next.key])).toEqual(checkpoint);
  });

  it('says when the key itself is unusable', async () => {
    const log = await generateTestSigner(ORIGIN);
    const note = await log.sign(formatCheckpoint(checkpoint));
    expect(await reasonOf(verifyCheckpointNote(note, { ...log.key, publicKey: 'AAAA' }))).toBe(
      'bad_key',
    );
    expect(await reasonOf(verifyCheckpointNote(note, { ...log.key, name: 'a b' }))).toBe('bad_key');
    expect(await reasonOf(verifyCheckpointNote('not a note', log.key))).toBe('malformed_note');
  });

  it('refuses a validly signed note that is not a checkpoint', async () => {
    const log = await generateTestSigner(ORIGIN);
    expect(await reasonOf(verifyCheckpointNote(await log.sign(`${ORIGIN}\n8\n`), log.key))).toBe(
      'malformed_checkpoint',
    );
  });
});
