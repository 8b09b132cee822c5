import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { concatBytes, fromBase64, fromHex } from '../../src/shared/merkle/bytes.ts';
import { CheckpointError } from '../../src/shared/merkle/checkpointError.ts';
import { formatVerifierKey } from '../../src/shared/merkle/logPublicKey.ts';
import { formatSignedNote } from '../../src/shared/merkle/signedNote.ts';
import {
  NOTE_TEXT,
  PETER_SIG,
  PETER_SKEY,
  PETER_VKEY,
} from '../../src/shared/merkle/testing/goNoteVectors.ts';
import { verifyCheckpointNote } from '../../src/shared/merkle/verifyCheckpoint.ts';
import { ed25519CheckpointSigner, signCheckpoint } from './checkpointSigner.ts';
import { RunLogConfigError } from './runLogErrors.ts';

const ORIGIN = 'twinbench.example.org/runlog';
const checkpoint = {
  origin: ORIGIN,
  treeSize: 3,
  rootHash: 'rrb8/idLcKFPsGel5VeCZNsPqbUa9eC6FZFY8ynmbnc=',
  timestamp: 1_750_000_000_000,
};

describe('ed25519CheckpointSigner', () => {
  it('signs the Go reference note byte for byte from the reference seed', async () => {
    const seed = fromBase64(PETER_SKEY.split('+').slice(4).join('+'))!.subarray(1);
    // RFC 8410 PKCS#8 DER header for an Ed25519 private key, then the seed.
    const der = concatBytes(fromHex('302e020100300506032b657004220420'), seed);
    const key = createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
    const signer = await ed25519CheckpointSigner('PeterNeumann', key);
    expect(await formatVerifierKey(signer.publicKey)).toBe(PETER_VKEY);
    expect(formatSignedNote(NOTE_TEXT, [signer.sign(NOTE_TEXT)])).toBe(
      `${NOTE_TEXT}\n${PETER_SIG}`,
    );
  });

  it('makes checkpoints the browser verifier accepts, and that fail once changed', async () => {
    const signer = await ed25519CheckpointSigner(ORIGIN, generateKeyPairSync('ed25519').privateKey);
    const note = signCheckpoint(checkpoint, [signer]);
    expect(await verifyCheckpointNote(note, signer.publicKey)).toEqual(checkpoint);
    await expect(
      verifyCheckpointNote(note.replace('\n3\n', '\n4\n'), signer.publicKey),
    ).rejects.toThrow(CheckpointError);
  });

  it('signs with every key while rotating', async () => {
    const [old, next] = await Promise.all(
      [0, 1].map(() => ed25519CheckpointSigner(ORIGIN, generateKeyPairSync('ed25519').privateKey)),
    );
    const note = signCheckpoint(checkpoint, [old!, next!]);
    expect(await verifyCheckpointNote(note, old!.publicKey)).toEqual(checkpoint);
    expect(await verifyCheckpointNote(note, next!.publicKey)).toEqual(checkpoint);
  });

  it('refuses keys that are not Ed25519 private keys and origins that cannot name a key', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    await expect(ed25519CheckpointSigner(ORIGIN, ec)).rejects.toThrow(
      'the run log signs with an Ed25519 private key, not an ec key: make one with `openssl genpkey -algorithm ed25519',
    );
    const { publicKey } = generateKeyPairSync('ed25519');
    await expect(ed25519CheckpointSigner(ORIGIN, publicKey)).rejects.toThrow('not a public key');
    const key = generateKeyPairSync('ed25519').privateKey;
    await expect(ed25519CheckpointSigner('my log', key)).rejects.toThrow(RunLogConfigError);
  });
});
