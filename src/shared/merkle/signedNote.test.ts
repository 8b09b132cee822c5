import { describe, expect, it } from 'vitest';
import { fromBase64, toHex } from './bytes.ts';
import { CheckpointError, type CheckpointErrorReason } from './checkpointError.ts';
import { formatVerifierKey, parseVerifierKey } from './logPublicKey.ts';
import { formatSignedNote, noteKeyId, parseSignedNote } from './signedNote.ts';
import {
  ENOCH_SIG,
  ENOCH_VKEY,
  NOTE_TEXT,
  PETER_SIG,
  PETER_SKEY,
  PETER_VKEY,
} from './testing/goNoteVectors.ts';
import { seedTestSigner } from './testing/webCryptoSigner.ts';
import { openSignedNote } from './verifyCheckpoint.ts';

async function reasonOf(promise: Promise<unknown>): Promise<CheckpointErrorReason | 'ok'> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (error instanceof CheckpointError) return error.reason;
    throw error;
  }
}

describe('verifier keys (golang.org/x/mod sumdb/note)', () => {
  it('reads the reference key and writes it back unchanged', async () => {
    const key = await parseVerifierKey(PETER_VKEY);
    expect(key.name).toBe('PeterNeumann');
    expect(fromBase64(key.publicKey)).toHaveLength(32);
    expect(await formatVerifierKey(key)).toBe(PETER_VKEY);
    expect((await noteKeyId(key.name, fromBase64(key.publicKey)!)).toString(16)).toBe('c74f20a3');
  });

  it('refuses every truncation and every one-character change of it (TestNewVerifier)', async () => {
    const bad: string[] = [];
    const accepted = async (vkey: string) => (await reasonOf(parseVerifierKey(vkey))) === 'ok';
    for (let i = 0; i <= PETER_VKEY.length; i++) {
      for (let j = i + 1; j <= PETER_VKEY.length; j++) {
        if ((i !== 0 || j !== PETER_VKEY.length) && (await accepted(PETER_VKEY.slice(i, j)))) {
          bad.push(PETER_VKEY.slice(i, j));
        }
      }
    }
    for (let i = 0; i < PETER_VKEY.length; i++) {
      const changed =
        PETER_VKEY.slice(0, i) +
        String.fromCharCode(PETER_VKEY.charCodeAt(i) + 1) +
        PETER_VKEY.slice(i + 1);
      if (await accepted(changed)) bad.push(changed);
    }
    expect(bad).toEqual([]);
    // Wrong key length and unknown algorithm, each with a key ID adjusted to match.
    const wrongLength =
      'PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==';
    const unknownType = 'PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
    expect(await reasonOf(parseVerifierKey(wrongLength))).toBe('bad_key');
    await expect(parseVerifierKey(unknownType)).rejects.toThrow('is not an Ed25519 key');
  });
});

describe('signed notes', () => {
  it('signs the reference text into the reference note byte for byte (TestSign)', async () => {
    // The base64 key itself may hold '+', so everything after the fourth '+' is the key.
    const seed = fromBase64(PETER_SKEY.split('+').slice(4).join('+'))!.subarray(1);
    const signer = await seedTestSigner('PeterNeumann', seed);
    expect(await formatVerifierKey(signer.key)).toBe(PETER_VKEY);
    expect(await signer.sign(NOTE_TEXT)).toBe(`${NOTE_TEXT}\n${PETER_SIG}`);
  });

  it('opens the reference note with the reference key, ignoring a signature it does not trust (TestOpen)', async () => {
    const peter = await parseVerifierKey(PETER_VKEY);
    const enoch = await parseVerifierKey(ENOCH_VKEY);
    const note = `${NOTE_TEXT}\n${PETER_SIG}${ENOCH_SIG}`;
    expect(await openSignedNote(note, peter)).toEqual({ text: NOTE_TEXT, signer: peter });
    expect(await openSignedNote(note, [enoch, peter])).toEqual({ text: NOTE_TEXT, signer: peter });
    const repeated = `${NOTE_TEXT}\n${PETER_SIG}${PETER_SIG}${ENOCH_SIG}${ENOCH_SIG}`;
    expect((await openSignedNote(repeated, peter)).text).toBe(NOTE_TEXT);
    expect(parseSignedNote(note).signatures.map((s) => [s.name, s.keyId.toString(16)])).toEqual([
      ['PeterNeumann', 'c74f20a3'],
      ['EnochRoot', 'af0cfe78'],
    ]);
  });

  it('refuses a note no trusted key signed', async () => {
    const peter = await parseVerifierKey(PETER_VKEY);
    const enoch = await parseVerifierKey(ENOCH_VKEY);
    expect(await reasonOf(openSignedNote(`${NOTE_TEXT}\n${ENOCH_SIG}`, peter))).toBe(
      'no_trusted_signature',
    );
    expect(await reasonOf(openSignedNote(`${NOTE_TEXT}\n${PETER_SIG}`, []))).toBe(
      'no_trusted_signature',
    );
    // A signature under a trusted name but another key ID is someone else's key.
    const otherId = PETER_SIG.replace('x08g', 'xxxx');
    await expect(openSignedNote(`${NOTE_TEXT}\n${otherId}`, peter)).rejects.toThrow(
      /signed by PeterNeumann\+[0-9a-f]{8}, none of which is a trusted key \(PeterNeumann\+c74f20a3\)/,
    );
    expect(await reasonOf(openSignedNote(`${NOTE_TEXT}\n${PETER_SIG}`, enoch))).toBe(
      'no_trusted_signature',
    );
  });

  it('refuses a changed text or signature from a trusted key', async () => {
    const peter = await parseVerifierKey(PETER_VKEY);
    const changedText = `${NOTE_TEXT.replace('cryptography', 'cryptographY')}\n${PETER_SIG}`;
    expect(await reasonOf(openSignedNote(changedText, peter))).toBe('bad_signature');
    const changedSig = `${NOTE_TEXT}\n${PETER_SIG.slice(0, 60)}ABCD${PETER_SIG.slice(60)}`;
    expect(await reasonOf(openSignedNote(changedSig, peter))).toBe('bad_signature');
    // One good and one bad signature from the trusted key: the note is refused.
    const both = `${NOTE_TEXT}\n${PETER_SIG}${PETER_SIG.slice(0, 60)}ABCD${PETER_SIG.slice(60)}`;
    await expect(openSignedNote(both, peter)).rejects.toThrow(
      'the note was changed after it was signed',
    );
  });

  it('refuses malformed notes (TestOpen badMsgs)', async () => {
    const peter = await parseVerifierKey(PETER_VKEY);
    const bad = [
      NOTE_TEXT,
      `${NOTE_TEXT}\n`,
      `${NOTE_TEXT}\n${PETER_SIG.slice(0, -1)}`,
      `\x01${NOTE_TEXT}\n${PETER_SIG}`,
      new Uint8Array([0xff, ...new TextEncoder().encode(`${NOTE_TEXT}\n${PETER_SIG}`)]),
      `${NOTE_TEXT}\n\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
      `${NOTE_TEXT}\n${PETER_SIG}Unexpected line.\n`,
      `${NOTE_TEXT}\n${PETER_SIG.repeat(101)}`,
    ];
    for (const note of bad) {
      expect(await reasonOf(openSignedNote(note, peter)), JSON.stringify(note)).toBe(
        'malformed_note',
      );
    }
  });

  it('writes notes it reads back, and refuses key names with spaces or "+"', () => {
    const signature = { name: 'example.org/log', keyId: 0x0102abcd, signature: new Uint8Array(64) };
    const note = formatSignedNote('a\nb\n', [signature]);
    const parsed = parseSignedNote(note);
    expect(parsed.text).toBe('a\nb\n');
    expect(parsed.signatures).toHaveLength(1);
    expect(parsed.signatures[0]!.keyId).toBe(0x0102abcd);
    expect(toHex(parsed.signatures[0]!.signature)).toBe('00'.repeat(64));
    expect(() => formatSignedNote('a\nb\n', [{ ...signature, name: 'a+b' }])).toThrow(
      'has a space or "+"',
    );
    expect(() => formatSignedNote('no newline', [signature])).toThrow(CheckpointError);
  });
});
