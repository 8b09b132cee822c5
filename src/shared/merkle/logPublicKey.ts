/**
 * The public half of a log's signing key, as clients configure it: the key's name (the log's
 * origin) and the raw 32-byte Ed25519 public key (RFC 8032 encoding) in standard base64.
 * The same key written as a sumdb/note verifier key — `name+keyid+base64(0x01 || key)`, what Go
 * tools such as golang.org/x/mod/sumdb/note take — converts both ways.
 */
import { fromBase64, toBase64, concatBytes } from './bytes.ts';
import { CheckpointError } from './checkpointError.ts';
import { isNoteKeyName, noteKeyId, NOTE_SIGNATURE_ED25519 } from './signedNote.ts';

export const ED25519_PUBLIC_KEY_SIZE = 32;

export interface LogPublicKey {
  /** The key's name, which checkpoints must carry as their origin. */
  readonly name: string;
  /** The raw 32-byte Ed25519 public key, standard base64 (44 characters). */
  readonly publicKey: string;
}

function badKey(message: string): CheckpointError {
  return new CheckpointError('bad_key', `log public key: ${message}`);
}

/** The key's raw bytes; throws `CheckpointError('bad_key')` for a bad name or key. */
export function publicKeyBytes(key: LogPublicKey): Uint8Array {
  if (!isNoteKeyName(key.name)) {
    throw badKey(`the name ${JSON.stringify(key.name)} must be non-empty with no spaces or "+".`);
  }
  const raw = fromBase64(key.publicKey);
  if (raw === undefined || raw.length !== ED25519_PUBLIC_KEY_SIZE) {
    throw badKey(
      `${JSON.stringify(key.publicKey)} is not the base64 of a 32-byte Ed25519 public key.`,
    );
  }
  return raw;
}

/** `name+<8 hex key ID>+<base64 of 0x01 and the key>`. */
export async function formatVerifierKey(key: LogPublicKey): Promise<string> {
  const raw = publicKeyBytes(key);
  const id = (await noteKeyId(key.name, raw)).toString(16).padStart(8, '0');
  return `${key.name}+${id}+${toBase64(concatBytes(new Uint8Array([NOTE_SIGNATURE_ED25519]), raw))}`;
}

/** Reads a verifier key string, checking that its key ID matches its name and key. */
export async function parseVerifierKey(vkey: string): Promise<LogPublicKey> {
  const match = /^([^+]+)\+([0-9a-fA-F]{8})\+([A-Za-z0-9+/=]+)$/.exec(vkey.trim());
  const encoded = match === null ? undefined : fromBase64(match[3]!);
  if (match === null || encoded === undefined) {
    throw badKey(`${JSON.stringify(vkey)} is not "<name>+<8 hex digits>+<base64 key>".`);
  }
  if (encoded[0] !== NOTE_SIGNATURE_ED25519 || encoded.length !== 1 + ED25519_PUBLIC_KEY_SIZE) {
    throw badKey(`${match[1]}'s key is not an Ed25519 key (type byte 0x01 and 32 bytes).`);
  }
  const key = { name: match[1]!, publicKey: toBase64(encoded.subarray(1)) };
  const id = await noteKeyId(key.name, publicKeyBytes(key));
  if (id !== parseInt(match[2]!, 16)) {
    throw badKey(
      `${JSON.stringify(vkey)} has key ID ${match[2]}, but its name and key give ${id.toString(16).padStart(8, '0')}: it was mistyped or altered.`,
    );
  }
  return key;
}
