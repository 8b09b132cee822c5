import { Decoder as MsgpackDecoder } from '@msgpack/msgpack';
import { decode as decodeCborValue } from 'cborg';
import { errorMessage } from '../errors.ts';
import { msgpackShapeProblem } from './msgpackShape.ts';
import type { FieldFormat } from './protocol.ts';

/**
 * Payload bytes → a decoded tree, for the formats mapped by field paths. Never throws: a payload
 * that cannot be decoded comes back as a DecodeFailure (a class, so the decoded value itself
 * needs no wrapper object on the hot path).
 */
export class DecodeFailure {
  constructor(readonly message: string) {}
}

export type PayloadDecoder = (bytes: Uint8Array) => unknown;

const text = new TextDecoder();
// One MessagePack decoder, reused: it resets its state per message. cborg decodes strictly
// (well-formed CBOR only, no unknown tags, maps with string keys as plain objects).
const msgpack = new MsgpackDecoder();

/** What the decoder said, cut short: it goes into a dead letter, not a log line of its own. */
function failure(format: string, error: unknown): DecodeFailure {
  return new DecodeFailure(`payload is not ${format}: ${errorMessage(error).slice(0, 200)}`);
}

export function decodeJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(text.decode(bytes)) as unknown;
  } catch (error) {
    return failure('JSON', error);
  }
}

export function decodeCbor(bytes: Uint8Array): unknown {
  if (bytes.length === 0) return new DecodeFailure('payload is not CBOR: it is empty');
  try {
    return decodeCborValue(bytes) as unknown;
  } catch (error) {
    return failure('CBOR', error);
  }
}

export function decodeMsgpack(bytes: Uint8Array): unknown {
  const problem = msgpackShapeProblem(bytes);
  if (problem !== undefined) return new DecodeFailure(`payload is not MessagePack: ${problem}`);
  try {
    return msgpack.decode(bytes);
  } catch (error) {
    return failure('MessagePack', error);
  }
}

export const PAYLOAD_DECODERS: Readonly<Record<FieldFormat, PayloadDecoder>> = {
  json: decodeJson,
  cbor: decodeCbor,
  msgpack: decodeMsgpack,
};
