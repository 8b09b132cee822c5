/**
 * Signed notes as c2sp.org/signed-note defines them (the format of golang.org/x/mod/sumdb/note):
 *
 *     <text, ending in a newline>
 *     <blank line>
 *     — <key name> <base64(4-byte key ID || signature)>
 *
 * The signature covers the text including its final newline. This module only reads and
 * writes the format; signing is the log's (server/runlog) and checking is verifyCheckpoint.ts's.
 */
import { fromBase64, fromUtf8, toBase64, concatBytes, utf8 } from './bytes.ts';
import { CheckpointError } from './checkpointError.ts';
import { sha256 } from './rfc6962.ts';

/** The signature type byte of plain Ed25519 note signatures. */
export const NOTE_SIGNATURE_ED25519 = 0x01;

/** Notes with more signatures than this are refused (the spec asks for at least 16). */
export const MAX_NOTE_SIGNATURES = 100;

export interface NoteSignature {
  /** The signing key's name; for a checkpoint, the log's origin. */
  readonly name: string;
  /** uint32 identifying the key: see `noteKeyId`. */
  readonly keyId: number;
  readonly signature: Uint8Array;
}

export interface SignedNote {
  /** The signed text, ending in a newline. */
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

/** ASCII control characters other than newline, which signed notes must not contain. */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 && code !== 0x0a) return true;
  }
  return false;
}
const SIGNATURE_LINE = /^\u2014 (\S+) (\S+)$/u;

function malformed(message: string): CheckpointError {
  return new CheckpointError('malformed_note', `signed note: ${message}`);
}

/** Key names are non-empty with no Unicode spaces and no "+" (which separates verifier keys). */
export function isNoteKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+]/u.test(name) && !hasControl(name);
}

/**
 * The key ID c2sp.org/signed-note recommends: the first four bytes, big-endian, of
 * SHA-256(key name || 0x0A || signature type || public key).
 */
export async function noteKeyId(
  name: string,
  publicKey: Uint8Array,
  type = NOTE_SIGNATURE_ED25519,
): Promise<number> {
  const hash = await sha256(concatBytes(utf8(name), new Uint8Array([0x0a, type]), publicKey));
  return new DataView(hash.buffer).getUint32(0);
}

/** The note: `text` (which must end in a newline), a blank line and one line per signature. */
export function formatSignedNote(text: string, signatures: readonly NoteSignature[]): string {
  if (!text.endsWith('\n') || hasControl(text)) {
    throw malformed('the text must end in a newline and hold no control characters but newlines.');
  }
  const lines = signatures.map(({ name, keyId, signature }) => {
    if (!isNoteKeyName(name))
      throw malformed(`key name ${JSON.stringify(name)} has a space or "+".`);
    const id = new Uint8Array(4);
    new DataView(id.buffer).setUint32(0, keyId);
    return `\u2014 ${name} ${toBase64(concatBytes(id, signature))}\n`;
  });
  return `${text}\n${lines.join('')}`;
}

/** Splits a note into its text and signatures; throws `CheckpointError('malformed_note')`. */
export function parseSignedNote(note: string | Uint8Array): SignedNote {
  let message: string;
  if (typeof note === 'string') {
    message = note;
  } else {
    try {
      message = fromUtf8(note);
    } catch {
      throw malformed('it is not UTF-8.');
    }
  }
  if (hasControl(message)) throw malformed('it holds control characters other than newline.');
  const split = message.lastIndexOf('\n\n');
  if (split < 0 || !message.endsWith('\n')) {
    throw malformed('expected text, a blank line, then signature lines each ending in a newline.');
  }
  const text = message.slice(0, split + 1);
  const lines = message.slice(split + 2, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) {
    throw malformed(
      `it has ${lines.length} signature lines; at most ${MAX_NOTE_SIGNATURES} are read.`,
    );
  }
  const signatures = lines.map((line, i) => {
    const match = SIGNATURE_LINE.exec(line);
    const bytes = match === null ? undefined : fromBase64(match[2]!);
    if (match === null || bytes === undefined || bytes.length <= 4 || !isNoteKeyName(match[1]!)) {
      throw malformed(
        `signature line ${i + 1} is not "— <key name> <base64 key ID and signature>".`,
      );
    }
    return {
      name: match[1]!,
      keyId: new DataView(bytes.buffer).getUint32(0),
      signature: bytes.slice(4),
    };
  });
  return { text, signatures };
}
