/**
 * The Foxglove WebSocket protocol v1 (subprotocol `foxglove.websocket.v1`) as the relay speaks it,
 * so Foxglove and Lichtblick can connect to it directly: JSON control messages discriminated on
 * `op`, binary data frames with a one-byte opcode and little-endian integers. Twinbench's
 * extensions are capabilities a client opts into (see TWINBENCH_CAPABILITIES); plain Foxglove
 * clients never receive them. Written from the protocol's specification; parsing never throws.
 */
import {
  DELIVERY_POLICIES,
  RELAY_CLOSE_CODES,
  isDeliveryPolicy,
  type DeliveryPolicy,
} from './relay.ts';

export const FOXGLOVE_SUBPROTOCOL = 'foxglove.websocket.v1';

/**
 * Close codes of Foxglove connections: the relay's (RELAY_CLOSE_CODES), e.g. 4008 when the
 * client reads nothing and its control messages pile up.
 */
export const TWINBENCH_CLOSE_CODES = RELAY_CLOSE_CODES;

export const CAPABILITIES = {
  clientPublish: 'clientPublish',
  time: 'time',
} as const;

/** Twinbench extensions, advertised in serverInfo.capabilities. */
export const TWINBENCH_CAPABILITIES = {
  /** Many samples of numeric channels in one binary frame (opcode 0x81). */
  sampleBatch: 'twinbench.sampleBatch',
  /** Clock-offset exchanges between client and relay. */
  timeSync: 'twinbench.timeSync',
  /** Operator commands with per-command results. */
  commands: 'twinbench.commands',
  /**
   * Lossless delivery for recording: after `twinbench.enable`, `twinbench.policy` may set
   * subscriptions to `lossless`; their samples come in lossless-batch frames (opcode 0x82) with
   * a sequence number the client acknowledges with `twinbench.ack`.
   */
  lossless: 'twinbench.lossless',
} as const;

// ---- JSON messages -----------------------------------------------------------------------

export interface Channel {
  readonly id: number;
  readonly topic: string;
  readonly encoding: string;
  readonly schemaName: string;
  readonly schema: string;
  readonly schemaEncoding?: string;
}

export type StatusLevel = 0 | 1 | 2;

export const STATUS_LEVEL = { info: 0, warning: 1, error: 2 } as const;

/** Echoed back in a time-sync reply; the client picks it to match replies to requests. */
export type TimeSyncId = number | string;

export type ServerJsonMessage =
  | {
      readonly op: 'serverInfo';
      readonly name: string;
      readonly capabilities: readonly string[];
      readonly supportedEncodings?: readonly string[];
      readonly metadata?: Readonly<Record<string, string>>;
      readonly sessionId?: string;
    }
  | {
      readonly op: 'status';
      readonly level: StatusLevel;
      readonly message: string;
      readonly id?: string;
    }
  | { readonly op: 'advertise'; readonly channels: readonly Channel[] }
  | { readonly op: 'unadvertise'; readonly channelIds: readonly number[] }
  | {
      /** Twinbench `timeSync`: an NTP-style exchange; all times are ms since the Unix epoch. */
      readonly op: 'twinbench.timeSyncReply';
      readonly id: TimeSyncId;
      readonly clientTime: number;
      readonly serverReceiveTime: number;
      readonly serverSendTime: number;
    }
  | {
      /**
       * Twinbench `commands`: the outcome of one command a client published, instead of a status.
       * `id` is the command payload's string `"id"`, null when it had none.
       */
      readonly op: 'twinbench.commandResult';
      readonly channelId: number;
      readonly id: string | null;
      readonly ok: boolean;
      readonly message: string;
    };

export interface ClientChannel {
  readonly id: number;
  readonly topic: string;
  readonly encoding: string;
  readonly schemaName: string;
}

export type ClientJsonMessage =
  | {
      readonly op: 'subscribe';
      readonly subscriptions: readonly { readonly id: number; readonly channelId: number }[];
    }
  | { readonly op: 'unsubscribe'; readonly subscriptionIds: readonly number[] }
  | { readonly op: 'advertise'; readonly channels: readonly ClientChannel[] }
  | { readonly op: 'unadvertise'; readonly channelIds: readonly number[] }
  /** Opts into Twinbench extensions the server offered in serverInfo.capabilities. */
  | { readonly op: 'twinbench.enable'; readonly capabilities: readonly string[] }
  /** `clientTime`: the client's clock (ms since the Unix epoch) when it sent this. */
  | { readonly op: 'twinbench.timeSync'; readonly id: TimeSyncId; readonly clientTime: number }
  /**
   * How the relay delivers samples when this client falls behind (DeliveryPolicy): for the
   * listed subscriptions, or without `subscriptionIds` for every subscription of the session,
   * present and future, that was not given one. `lossless` needs `twinbench.lossless` enabled.
   * Default `live-drop`.
   */
  | {
      readonly op: 'twinbench.policy';
      readonly policy: DeliveryPolicy;
      readonly subscriptionIds?: readonly number[];
    }
  /** Acknowledges every lossless batch up to and including `seq` (cumulative). */
  | { readonly op: 'twinbench.ack'; readonly seq: number };

// ---- binary messages ---------------------------------------------------------------------

export const SERVER_BINARY_OPCODE = {
  messageData: 0x01,
  time: 0x02,
  sampleBatch: 0x81,
  losslessBatch: 0x82,
} as const;
export const CLIENT_BINARY_OPCODE = { messageData: 0x01 } as const;

export type ServerBinaryMessage =
  | {
      readonly op: 'messageData';
      readonly subscriptionId: number;
      readonly timestamp: bigint;
      readonly payload: Uint8Array;
    }
  | { readonly op: 'time'; readonly timestamp: bigint }
  | { readonly op: 'sampleBatch'; readonly samples: readonly BatchSample[] }
  | {
      readonly op: 'losslessBatch';
      /** Acknowledge with `twinbench.ack`; 1 for a session's first batch, then +1 (u32). */
      readonly seq: number;
      /** Lossless samples lost right before this batch: the relay's bound was reached. */
      readonly dropped: number;
      readonly samples: readonly BatchSample[];
    };

/** One sample of a numeric channel in a Twinbench sample batch, as parsed. */
export interface BatchSample {
  readonly subscriptionId: number;
  /** Device time and relay receive time, ns since the Unix epoch. */
  readonly deviceTime: bigint;
  readonly receiveTime: bigint;
  readonly value: number;
}

/**
 * What encodeSampleBatch writes: `count` samples, one per index of each column. Columnar so that
 * an encoder can fill reusable typed arrays and write the frame with one allocation. Times are
 * ms since the Unix epoch; they go on the wire as u64 ns exactly as msToNs converts them.
 */
export interface SampleColumns {
  readonly count: number;
  readonly subscriptionIds: ArrayLike<number>;
  readonly deviceTimesMs: ArrayLike<number>;
  readonly receiveTimesMs: ArrayLike<number>;
  readonly values: ArrayLike<number>;
}

export type ClientBinaryMessage = {
  readonly op: 'messageData';
  readonly channelId: number;
  readonly payload: Uint8Array;
};

export type FoxgloveParse<T> =
  { readonly ok: true; readonly message: T } | { readonly ok: false; readonly error: string };

const SAMPLE_BYTES = 4 + 8 + 8 + 8;

export function encodeMessageData(
  subscriptionId: number,
  timestamp: bigint,
  payload: Uint8Array,
): Uint8Array {
  const out = new Uint8Array(1 + 4 + 8 + payload.byteLength);
  const view = new DataView(out.buffer);
  view.setUint8(0, SERVER_BINARY_OPCODE.messageData);
  view.setUint32(1, subscriptionId, true);
  view.setBigUint64(5, timestamp, true);
  out.set(payload, 13);
  return out;
}

/** Bytes before the payload of a message-data frame: opcode, u32 subscription, u64 timestamp. */
export const MESSAGE_DATA_HEADER_BYTES = 13;

/**
 * Writes a message-data header at `offset` with the timestamp given in ms (as setNanosFromMs),
 * for encoders that lay many frames into one buffer; the payload goes right after it.
 */
export function setMessageDataHeader(
  view: DataView,
  offset: number,
  subscriptionId: number,
  timestampMs: number,
): void {
  view.setUint8(offset, SERVER_BINARY_OPCODE.messageData);
  view.setUint32(offset + 1, subscriptionId, true);
  setNanosFromMs(view, offset + 5, timestampMs);
}

export function encodeTime(timestamp: bigint): Uint8Array {
  const out = new Uint8Array(9);
  const view = new DataView(out.buffer);
  view.setUint8(0, SERVER_BINARY_OPCODE.time);
  view.setBigUint64(1, timestamp, true);
  return out;
}

const TWO_32 = 4294967296;

/**
 * Writes `ms` (ms since the Unix epoch) at `offset` as a little-endian u64 of nanoseconds, the
 * same value msToNs gives, without a BigInt: the whole ms are split at 2^32 so every partial
 * product stays below 2^53. Times a u64 cannot hold are clamped instead of thrown: negative or
 * NaN to 0, past the year 2554 to the largest u64. Returns nothing and allocates nothing.
 */
export function setNanosFromMs(view: DataView, offset: number, ms: number): void {
  let lo = 0;
  let hi = 0;
  if (ms > 0) {
    let whole = Math.floor(ms);
    let fraction = Math.round((ms - whole) * 1e6);
    if (fraction === 1_000_000) {
      whole += 1;
      fraction = 0;
    }
    const wholeHi = Math.floor(whole / TWO_32);
    const low = (whole - wholeHi * TWO_32) * 1e6 + fraction;
    const carry = Math.floor(low / TWO_32);
    lo = low - carry * TWO_32;
    hi = wholeHi * 1e6 + carry;
    if (!(hi <= 0xffffffff)) {
      lo = 0xffffffff;
      hi = 0xffffffff;
    }
  }
  view.setUint32(offset, lo, true);
  view.setUint32(offset + 4, hi, true);
}

/** A time frame for a clock reading in ms (as setNanosFromMs), without a BigInt. */
export function encodeTimeFromMs(ms: number): Uint8Array {
  const out = new Uint8Array(9);
  const view = new DataView(out.buffer);
  view.setUint8(0, SERVER_BINARY_OPCODE.time);
  setNanosFromMs(view, 1, ms);
  return out;
}

/** Bytes of a sample batch frame of `count` samples. */
export const sampleBatchBytes = (count: number): number => 5 + count * SAMPLE_BYTES;

/**
 * Twinbench extension: `0x81 | u32 count | count × (u32 subscription, u64 device ns, u64 receive
 * ns, f64 value)`. One allocation for the frame; times as setNanosFromMs writes them.
 *
 * @example encodeSampleBatch({ count: 1, subscriptionIds: [0], deviceTimesMs: [t], receiveTimesMs: [t], values: [1.5] })
 */
export function encodeSampleBatch(columns: SampleColumns): Uint8Array {
  const { count, subscriptionIds, deviceTimesMs, receiveTimesMs, values } = columns;
  const out = new Uint8Array(sampleBatchBytes(count));
  const view = new DataView(out.buffer);
  view.setUint8(0, SERVER_BINARY_OPCODE.sampleBatch);
  view.setUint32(1, count, true);
  for (let i = 0, at = 5; i < count; i++, at += SAMPLE_BYTES) {
    view.setUint32(at, subscriptionIds[i]!, true);
    setNanosFromMs(view, at + 4, deviceTimesMs[i]!);
    setNanosFromMs(view, at + 12, receiveTimesMs[i]!);
    view.setFloat64(at + 20, values[i]!, true);
  }
  return out;
}

/** Bytes of a lossless batch frame of `count` samples. */
export const losslessBatchBytes = (count: number): number =>
  LOSSLESS_HEADER_BYTES + count * SAMPLE_BYTES;

const LOSSLESS_HEADER_BYTES = 13;

/**
 * Twinbench `lossless`: `0x82 | u32 seq | u32 dropped | u32 count | count × (u32 subscription,
 * u64 device ns, u64 receive ns, f64 value)`, the samples laid out as in a sample batch. `seq`
 * numbers the session's lossless batches from 1; `dropped` counts lossless samples lost right
 * before this batch (0 unless the relay's bound was reached). A batch may hold no samples: it
 * still takes a `seq` and wants its ack.
 */
export function encodeLosslessBatch(
  seq: number,
  dropped: number,
  columns: SampleColumns,
): Uint8Array {
  const { count, subscriptionIds, deviceTimesMs, receiveTimesMs, values } = columns;
  const out = new Uint8Array(losslessBatchBytes(count));
  const view = new DataView(out.buffer);
  view.setUint8(0, SERVER_BINARY_OPCODE.losslessBatch);
  view.setUint32(1, seq >>> 0, true);
  view.setUint32(5, Math.min(dropped, 0xffffffff), true);
  view.setUint32(9, count, true);
  for (let i = 0, at = LOSSLESS_HEADER_BYTES; i < count; i++, at += SAMPLE_BYTES) {
    view.setUint32(at, subscriptionIds[i]!, true);
    setNanosFromMs(view, at + 4, deviceTimesMs[i]!);
    setNanosFromMs(view, at + 12, receiveTimesMs[i]!);
    view.setFloat64(at + 20, values[i]!, true);
  }
  return out;
}

function readBatchSamples(view: DataView, start: number, count: number): BatchSample[] {
  const samples: BatchSample[] = [];
  for (let i = 0; i < count; i++) {
    const at = start + i * SAMPLE_BYTES;
    samples.push({
      subscriptionId: view.getUint32(at, true),
      deviceTime: view.getBigUint64(at + 4, true),
      receiveTime: view.getBigUint64(at + 12, true),
      value: view.getFloat64(at + 20, true),
    });
  }
  return samples;
}

export function encodeClientMessageData(channelId: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + 4 + payload.byteLength);
  const view = new DataView(out.buffer);
  view.setUint8(0, CLIENT_BINARY_OPCODE.messageData);
  view.setUint32(1, channelId, true);
  out.set(payload, 5);
  return out;
}

const viewOf = (bytes: Uint8Array) =>
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

export function parseServerBinary(bytes: Uint8Array): FoxgloveParse<ServerBinaryMessage> {
  if (bytes.byteLength < 1) return { ok: false, error: 'empty binary frame' };
  const view = viewOf(bytes);
  const op = view.getUint8(0);
  switch (op) {
    case SERVER_BINARY_OPCODE.messageData:
      if (bytes.byteLength < 13)
        return {
          ok: false,
          error: `message data frame is ${bytes.byteLength} bytes; it needs at least 13`,
        };
      return {
        ok: true,
        message: {
          op: 'messageData',
          subscriptionId: view.getUint32(1, true),
          timestamp: view.getBigUint64(5, true),
          payload: bytes.subarray(13),
        },
      };
    case SERVER_BINARY_OPCODE.time:
      if (bytes.byteLength !== 9)
        return { ok: false, error: `time frame is ${bytes.byteLength} bytes; it must be 9` };
      return { ok: true, message: { op: 'time', timestamp: view.getBigUint64(1, true) } };
    case SERVER_BINARY_OPCODE.sampleBatch: {
      if (bytes.byteLength < 5)
        return { ok: false, error: 'sample batch frame is shorter than its header (5 bytes)' };
      const count = view.getUint32(1, true);
      if (bytes.byteLength !== 5 + count * SAMPLE_BYTES) {
        return {
          ok: false,
          error: `sample batch says ${count} samples (${5 + count * SAMPLE_BYTES} bytes) but the frame is ${bytes.byteLength} bytes`,
        };
      }
      return {
        ok: true,
        message: { op: 'sampleBatch', samples: readBatchSamples(view, 5, count) },
      };
    }
    case SERVER_BINARY_OPCODE.losslessBatch: {
      if (bytes.byteLength < LOSSLESS_HEADER_BYTES)
        return {
          ok: false,
          error: `lossless batch frame is shorter than its header (${LOSSLESS_HEADER_BYTES} bytes)`,
        };
      const count = view.getUint32(9, true);
      if (bytes.byteLength !== losslessBatchBytes(count)) {
        return {
          ok: false,
          error: `lossless batch says ${count} samples (${losslessBatchBytes(count)} bytes) but the frame is ${bytes.byteLength} bytes`,
        };
      }
      return {
        ok: true,
        message: {
          op: 'losslessBatch',
          seq: view.getUint32(1, true),
          dropped: view.getUint32(5, true),
          samples: readBatchSamples(view, LOSSLESS_HEADER_BYTES, count),
        },
      };
    }
    default:
      return {
        ok: false,
        error: `unknown server binary opcode 0x${op.toString(16).padStart(2, '0')}`,
      };
  }
}

export function parseClientBinary(bytes: Uint8Array): FoxgloveParse<ClientBinaryMessage> {
  if (bytes.byteLength < 5)
    return {
      ok: false,
      error: `client binary frame is ${bytes.byteLength} bytes; it needs at least 5 (opcode and channel id)`,
    };
  const view = viewOf(bytes);
  const op = view.getUint8(0);
  if (op !== CLIENT_BINARY_OPCODE.messageData)
    return {
      ok: false,
      error: `unknown client binary opcode 0x${op.toString(16).padStart(2, '0')}: only 0x01 (message data) is supported`,
    };
  return {
    ok: true,
    message: { op: 'messageData', channelId: view.getUint32(1, true), payload: bytes.subarray(5) },
  };
}

// ---- JSON parsing ------------------------------------------------------------------------

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isUint32 = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
const isUintArray = (v: unknown): v is number[] => Array.isArray(v) && v.every(isUint32);
const isTimeSyncId = (v: unknown): v is TimeSyncId =>
  (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && v.length <= 64);

/** A client's value quoted for an error message, cut short: errors must not echo a flood. */
function quote(value: unknown): string {
  const text = JSON.stringify(value) ?? typeof value;
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const CLIENT_OPS =
  'subscribe, unsubscribe, advertise, unadvertise and twinbench.enable/timeSync/policy/ack';

/** Most capabilities one twinbench.enable may name. */
export const MAX_ENABLE_CAPABILITIES = 32;

/** Parses a client's text frame. Never throws. */
export function parseClientJson(text: string): FoxgloveParse<ClientJsonMessage> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `not JSON (${(error as Error).message})` };
  }
  if (!isRecord(value) || typeof value.op !== 'string')
    return { ok: false, error: 'a text frame must be a JSON object with a string "op"' };
  switch (value.op) {
    case 'subscribe': {
      const subs = value.subscriptions;
      if (
        !Array.isArray(subs) ||
        !subs.every((s) => isRecord(s) && isUint32(s.id) && isUint32(s.channelId))
      ) {
        return {
          ok: false,
          error:
            'subscribe.subscriptions must be an array of {id, channelId} with unsigned 32-bit integers',
        };
      }
      const subscriptions = subs.map((s) => ({
        id: (s as { id: number }).id,
        channelId: (s as { channelId: number }).channelId,
      }));
      const ids = new Set(subscriptions.map((s) => s.id));
      if (ids.size !== subscriptions.length)
        return { ok: false, error: 'subscribe reuses a subscription id within one message' };
      return { ok: true, message: { op: 'subscribe', subscriptions } };
    }
    case 'unsubscribe':
      if (!isUintArray(value.subscriptionIds))
        return {
          ok: false,
          error: 'unsubscribe.subscriptionIds must be an array of unsigned 32-bit integers',
        };
      return { ok: true, message: { op: 'unsubscribe', subscriptionIds: value.subscriptionIds } };
    case 'advertise': {
      const channels = value.channels;
      if (
        !Array.isArray(channels) ||
        !channels.every(
          (c) =>
            isRecord(c) &&
            isUint32(c.id) &&
            typeof c.topic === 'string' &&
            typeof c.encoding === 'string' &&
            typeof c.schemaName === 'string',
        )
      ) {
        return {
          ok: false,
          error: 'advertise.channels must be an array of {id, topic, encoding, schemaName}',
        };
      }
      return {
        ok: true,
        message: {
          op: 'advertise',
          channels: channels.map((c) => {
            const r = c as Record<string, unknown>;
            return {
              id: r.id as number,
              topic: r.topic as string,
              encoding: r.encoding as string,
              schemaName: r.schemaName as string,
            };
          }),
        },
      };
    }
    case 'unadvertise':
      if (!isUintArray(value.channelIds))
        return {
          ok: false,
          error: 'unadvertise.channelIds must be an array of unsigned 32-bit integers',
        };
      return { ok: true, message: { op: 'unadvertise', channelIds: value.channelIds } };
    case 'twinbench.enable': {
      const capabilities = value.capabilities;
      if (
        !Array.isArray(capabilities) ||
        capabilities.length > MAX_ENABLE_CAPABILITIES ||
        !capabilities.every((c) => typeof c === 'string' && c.length <= 100)
      ) {
        return {
          ok: false,
          error: `twinbench.enable.capabilities must be an array of at most ${MAX_ENABLE_CAPABILITIES} capability names, e.g. ["twinbench.sampleBatch"]`,
        };
      }
      return {
        ok: true,
        message: { op: 'twinbench.enable', capabilities: capabilities as string[] },
      };
    }
    case 'twinbench.timeSync':
      if (!isTimeSyncId(value.id))
        return {
          ok: false,
          error:
            'twinbench.timeSync.id must be a finite number or a string of at most 64 characters',
        };
      if (typeof value.clientTime !== 'number' || !Number.isFinite(value.clientTime))
        return {
          ok: false,
          error: 'twinbench.timeSync.clientTime must be a finite number (ms since the Unix epoch)',
        };
      return {
        ok: true,
        message: { op: 'twinbench.timeSync', id: value.id, clientTime: value.clientTime },
      };
    case 'twinbench.policy': {
      if (!isDeliveryPolicy(value.policy))
        return {
          ok: false,
          error: `twinbench.policy.policy must be one of ${DELIVERY_POLICIES.map((p) => `"${p}"`).join(', ')}`,
        };
      if (value.subscriptionIds === undefined)
        return { ok: true, message: { op: 'twinbench.policy', policy: value.policy } };
      if (!isUintArray(value.subscriptionIds))
        return {
          ok: false,
          error:
            'twinbench.policy.subscriptionIds must be an array of unsigned 32-bit integers, or left out for the whole session',
        };
      return {
        ok: true,
        message: {
          op: 'twinbench.policy',
          policy: value.policy,
          subscriptionIds: value.subscriptionIds,
        },
      };
    }
    case 'twinbench.ack':
      if (!isUint32(value.seq))
        return {
          ok: false,
          error:
            'twinbench.ack.seq must be an unsigned 32-bit integer: the seq of the newest lossless batch handled',
        };
      return { ok: true, message: { op: 'twinbench.ack', seq: value.seq } };
    default:
      return {
        ok: false,
        error: `unsupported op ${quote(value.op)}: this relay handles ${CLIENT_OPS}`,
      };
  }
}

const SERVER_OPS: ReadonlySet<string> = new Set<ServerJsonMessage['op']>([
  'serverInfo',
  'status',
  'advertise',
  'unadvertise',
  'twinbench.timeSyncReply',
  'twinbench.commandResult',
]);

/**
 * Parses a server's text frame, for clients and tests. Checks the `op` only: the relay is trusted
 * to send well-formed bodies for the ops it names. Never throws.
 */
export function parseServerJson(text: string): FoxgloveParse<ServerJsonMessage> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `server sent non-JSON (${(error as Error).message})` };
  }
  if (!isRecord(value) || typeof value.op !== 'string' || !SERVER_OPS.has(value.op))
    return { ok: false, error: `server sent an unknown text message ${quote(value)}` };
  return { ok: true, message: value as unknown as ServerJsonMessage };
}
