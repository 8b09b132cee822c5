import { createHash } from 'node:crypto';
import { RegistryDbError } from './errors.ts';

export function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

const DIGEST = /^[0-9a-f]{64}$/;

/**
 * A SHA-256 digest given as 64 lowercase hex digits (an optional `sha256:` prefix is accepted)
 * as its 32 bytes; `bad_input` naming `field` otherwise.
 */
export function parseDigest(text: string, field: string): Uint8Array {
  const hex = text.startsWith('sha256:') ? text.slice('sha256:'.length) : text;
  if (!DIGEST.test(hex)) {
    throw new RegistryDbError(
      'bad_input',
      `${field} ${JSON.stringify(text)} is not a SHA-256 digest: give 64 lowercase hex digits.`,
    );
  }
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** Checks that `bytes` has `length` bytes; `bad_input` naming `field` otherwise. */
export function requireLength(bytes: Uint8Array, length: number, field: string): Uint8Array {
  if (bytes.byteLength !== length) {
    throw new RegistryDbError(
      'bad_input',
      `${field} has ${bytes.byteLength} bytes; it must have ${length}.`,
    );
  }
  return bytes;
}
