/**
 * A walk over a MessagePack message's headers before it is decoded. @msgpack/msgpack allocates
 * each array at the length its header claims: a 60 kB payload of nested `array16 0xffff`
 * headers makes it allocate gigabytes and crashes the process. Every item takes at least one
 * byte, so a message whose headers claim more items than there are bytes left is rejected here,
 * which bounds what the decoder allocates by the payload size. (cborg reads items as it goes and fails at the end of the data.)
 */

/** Undefined when the message is well-formed, else what is wrong. */
export function msgpackShapeProblem(bytes: Uint8Array): string | undefined {
  const end = bytes.length;
  let pos = 0;
  let pending = 1;
  while (pending > 0) {
    if (pending > end - pos) {
      return `truncated: ${pending} more item${pending === 1 ? '' : 's'} announced at byte ${pos} but ${end - pos} bytes left`;
    }
    const b = bytes[pos] as number;
    pending--;
    if (b <= 0x7f || b >= 0xe0 || b === 0xc0 || b === 0xc2 || b === 0xc3) {
      pos += 1; // fixint, negative fixint, nil, false, true
    } else if (b <= 0x8f) {
      pending += 2 * (b & 0x0f);
      pos += 1;
    } else if (b <= 0x9f) {
      pending += b & 0x0f;
      pos += 1;
    } else if (b <= 0xbf) {
      pos += 1 + (b & 0x1f);
    } else {
      const size = headerSize(bytes, pos, b);
      if (size < 0) return `byte ${pos} (0x${b.toString(16)}) is not a MessagePack type`;
      pending += headerItems;
      pos += size;
    }
    if (pos > end) return `truncated: an item at byte ${pos} runs past the end (${end} bytes)`;
  }
  if (pos !== end) return `${end - pos} extra bytes after the message`;
  return undefined;
}

function uint(bytes: Uint8Array, at: number, width: 1 | 2 | 4): number {
  let value = 0;
  for (let i = 0; i < width; i++) value = value * 256 + (bytes[at + i] ?? 0);
  return value;
}

/** Items the last header read by headerSize contains (array elements, map keys and values). */
let headerItems = 0;

/**
 * Bytes of the item at `pos` (including string, binary and extension data), or -1 for a byte
 * that is not a type; its contained items go to headerItems, so the walk allocates nothing.
 */
function headerSize(bytes: Uint8Array, pos: number, b: number): number {
  headerItems = 0;
  switch (b) {
    case 0xc4: // bin8, bin16, bin32
    case 0xd9: // str8, str16, str32
      return 2 + uint(bytes, pos + 1, 1);
    case 0xc5:
    case 0xda:
      return 3 + uint(bytes, pos + 1, 2);
    case 0xc6:
    case 0xdb:
      return 5 + uint(bytes, pos + 1, 4);
    case 0xc7: // ext8, ext16, ext32: length, type byte, data
      return 3 + uint(bytes, pos + 1, 1);
    case 0xc8:
      return 4 + uint(bytes, pos + 1, 2);
    case 0xc9:
      return 6 + uint(bytes, pos + 1, 4);
    case 0xca: // float32
      return 5;
    case 0xcb: // float64
      return 9;
    case 0xcc: // uint8 … uint64, int8 … int64
    case 0xd0:
      return 2;
    case 0xcd:
    case 0xd1:
      return 3;
    case 0xce:
    case 0xd2:
      return 5;
    case 0xcf:
    case 0xd3:
      return 9;
    case 0xd4: // fixext 1, 2, 4, 8, 16: type byte and data
      return 3;
    case 0xd5:
      return 4;
    case 0xd6:
      return 6;
    case 0xd7:
      return 10;
    case 0xd8:
      return 18;
    case 0xdc: // array16, array32
      headerItems = uint(bytes, pos + 1, 2);
      return 3;
    case 0xdd:
      headerItems = uint(bytes, pos + 1, 4);
      return 5;
    case 0xde: // map16, map32
      headerItems = 2 * uint(bytes, pos + 1, 2);
      return 3;
    case 0xdf:
      headerItems = 2 * uint(bytes, pos + 1, 4);
      return 5;
    default:
      return -1; // 0xc1 is never used
  }
}
