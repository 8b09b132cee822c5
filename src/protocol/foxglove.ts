/**
 * The Foxglove WebSocket protocol v1 (subprotocol `foxglove.websocket.v1`) as the relay speaks it,
 * so Foxglove and Lichtblick can connect to it directly: JSON control messages discriminated on
 * `op`, binary data frames with a one-byte opcode and little-endian integers. Twinbench's
 * extensions are capabilities a client opts into (see TWINBENCH_CAPABILITIES); plain Foxglove
 * clients never receive them. Written from the protocol's specification; parsing never throws.
 */
export const FOXGLOVE_SUBPROTOCOL = 'foxglove.websocket.v1';

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
  | { readonly op: 'unadvertise'; readonly channelIds: readonly number[] };

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
  | { readonly op: 'unadvertise'; readonly channelIds: readonly number[] };

// ---- binary messages ---------------------------------------------------------------------

export const SERVER_BINARY_OPCODE = { messageData: 0x01, time: 0x02, sampleBatch: 0x81 } as const;
export const CLIENT_BINARY_OPCODE = { messageData: 0x01 } as const;

export type ServerBinaryMessage =
  | {
      readonly op: 'messageData';
      readonly subscriptionId: number;
      readonly timestamp: bigint;
      readonly payload: Uint8Array;
    }
  | { readonly op: 'time'; readonly timestamp: bigint }
  | { readonly op: 'sampleBatch'; readonly samples: readonly BatchSample[] };

/** One sample of a numeric channel in a Twinbench sample batch. */
export interface BatchSample {
  readonly subscriptionId: number;
  /** Device time and relay receive time, ns since the Unix epoch. */
  readonly deviceTime: bigint;
  readonly receiveTime: bigint;
  readonly value: number;
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

export function encodeTime(timestamp: bigint): Uint8Array {
  const out = new Uint8Array(9);
  const view = new DataView(out.buffer);
  view.setUint8(0, SERVER_BINARY_OPCODE.time);
  view.setBigUint64(1, timestamp, true);
  return out;
}

/** Twinbench extension: `0x81 | u32 count | count × (u32 subscription, u64 device ns, u64 receive ns, f64 value)`. */
export function encodeSampleBatch(samples: readonly BatchSample[]): Uint8Array {
  const out = new Uint8Array(1 + 4 + samples.length * SAMPLE_BYTES);
  const view = new DataView(out.buffer);
  view.setUint8(0, SERVER_BINARY_OPCODE.sampleBatch);
  view.setUint32(1, samples.length, true);
  samples.forEach((s, i) => {
    const at = 5 + i * SAMPLE_BYTES;
    view.setUint32(at, s.subscriptionId, true);
    view.setBigUint64(at + 4, s.deviceTime, true);
    view.setBigUint64(at + 12, s.receiveTime, true);
    view.setFloat64(at + 20, s.value, true);
  });
  return out;
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
      const samples: BatchSample[] = [];
      for (let i = 0; i < count; i++) {
        const at = 5 + i * SAMPLE_BYTES;
        samples.push({
          subscriptionId: view.getUint32(at, true),
          deviceTime: view.getBigUint64(at + 4, true),
          receiveTime: view.getBigUint64(at + 12, true),
          value: view.getFloat64(at + 20, true),
        });
      }
      return { ok: true, message: { op: 'sampleBatch', samples } };
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
    default:
      return {
        ok: false,
        error: `unsupported op ${JSON.stringify(value.op)}: this relay handles subscribe, unsubscribe, advertise and unadvertise`,
      };
  }
}
