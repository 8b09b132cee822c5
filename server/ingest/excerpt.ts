/** How much of a dead-lettered payload is kept for people to look at. */
export const EXCERPT_BYTES = 256;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The first 256 bytes of a payload: as text when they are UTF-8 without control characters
 * (tabs and newlines aside), so JSON stays readable; otherwise as hex, so binary stays exact.
 */
export function payloadExcerpt(bytes: Uint8Array): {
  readonly excerpt: string;
  readonly excerptKind: 'text' | 'hex';
} {
  const head = bytes.subarray(0, EXCERPT_BYTES);
  const asText = printable(head, bytes.length > EXCERPT_BYTES);
  if (asText !== undefined) return { excerpt: asText, excerptKind: 'text' };
  const hex = Buffer.from(head.buffer, head.byteOffset, head.length).toString('hex');
  return { excerpt: hex, excerptKind: 'hex' };
}

function printable(head: Uint8Array, cut: boolean): string | undefined {
  let decoded: string;
  try {
    decoded = utf8.decode(head);
  } catch {
    // The cut may split a multi-byte character; drop its start and try again.
    if (!cut) return undefined;
    let end = head.length;
    while (end > 0 && end > head.length - 4 && ((head[end - 1] as number) & 0xc0) === 0x80) end--;
    if (end > 0 && ((head[end - 1] as number) & 0xc0) === 0xc0) end--;
    try {
      decoded = utf8.decode(head.subarray(0, end));
    } catch {
      return undefined;
    }
  }
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is tested
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(decoded) ? undefined : decoded;
}
