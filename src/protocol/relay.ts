/**
 * The browser ↔ relay WebSocket protocol: JSON text frames, discriminated on `type`.
 *
 * Every message either side sends is listed here; both the relay (server/) and the relay client
 * (src/relay/) import this module and nothing else to talk to each other. Bump
 * RELAY_PROTOCOL_VERSION on any incompatible change.
 */
export const RELAY_PROTOCOL_VERSION = 1;
export const RELAY_WS_PATH = '/ws';
/** Largest client message the relay accepts, in bytes. */
export const MAX_CLIENT_MESSAGE_BYTES = 64 * 1024;

/**
 * How long the relay waits for the broker to take a twin command before it answers the client
 * that the command failed. The relay answers every command it reads, in time or with this failure.
 */
export const COMMAND_BROKER_TIMEOUT_MS = 5000;
/**
 * How long a client waits for the relay's `commandResult` before it gives up on the answer. Well
 * past COMMAND_BROKER_TIMEOUT_MS: the relay's own deadline decides whether a command failed, and
 * the client's covers only a relay that went silent — the answer may also sit behind telemetry on
 * a slow link or a busy page, and giving up first would call a sent command failed.
 */
export const COMMAND_ANSWER_TIMEOUT_MS = 15_000;

/**
 * How the relay delivers a subscription's samples when the client falls behind:
 * - `live-drop` (the default): the oldest queued samples make room for new ones;
 * - `live-coalesce`: while the client is behind, only the newest sample of each channel is kept;
 * - `lossless`: nothing is dropped while the relay can help it; batches carry a `seq` the client
 *   acknowledges (`ack`), and the relay keeps a window of unacknowledged batches in flight. Kafka
 *   is paused while such a client is behind; MQTT cannot be paused, so past the relay's bound the
 *   oldest are dropped and the client is told how many (`samples.dropped`, a `samples_lost` error).
 * Live batches carry `dropped` when samples were dropped (or coalesced away) just before them.
 */
export const DELIVERY_POLICIES = ['live-drop', 'live-coalesce', 'lossless'] as const;
export type DeliveryPolicy = (typeof DELIVERY_POLICIES)[number];
export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = 'live-drop';

export const isDeliveryPolicy = (value: unknown): value is DeliveryPolicy =>
  (DELIVERY_POLICIES as readonly unknown[]).includes(value);

/**
 * WebSocket close codes the relay uses, in the private range 4000–4999, for both protocols
 * (JSON relay and Foxglove). The close reason says the same in words.
 */
export const RELAY_CLOSE_CODES = {
  /** The token expired while the connection was open: reconnect with a new one. */
  tokenExpired: 4001,
  /**
   * The client did not read: more control messages (channel tables, status, command results,
   * time-sync replies) piled up behind unread data than the relay keeps. Control messages are
   * never dropped, so the connection is closed instead.
   */
  controlQueueOverflow: 4008,
  /** A lossless client acknowledged nothing for too long while batches were in flight. */
  losslessStalled: 4009,
} as const;
export type RelayCloseCode = (typeof RELAY_CLOSE_CODES)[keyof typeof RELAY_CLOSE_CODES];

// ---- shared shapes -------------------------------------------------------------------------

export interface ChannelInfo {
  /** Small integer used in sample batches; stable for the life of a relay process. */
  readonly id: number;
  /** Channel name, e.g. `disp.z.L50`. */
  readonly name: string;
  readonly unit: string;
  /** Where it comes from, e.g. `mqtt:twinbench/footbridge/sensors/disp.z.L50`. */
  readonly source: string;
}

/** One sample: channel id, device time (ms since the Unix epoch), value, relay receive time (ms). */
export type Sample = readonly [
  channel: number,
  deviceTime: number,
  value: number,
  receiveTime: number,
];

export type TwinCommand =
  | { readonly kind: 'setDamage'; readonly member: number; readonly health: number }
  | { readonly kind: 'clearDamage' };

export interface SourceStats {
  readonly name: string;
  readonly connected: boolean;
  readonly received: number;
  readonly malformed: number;
  readonly lastError?: string;
  /** The relay stopped reading it for now, to let lossless clients catch up (Kafka only). */
  readonly paused?: boolean;
}

// ---- client → relay ------------------------------------------------------------------------

export type ClientMessage =
  | { readonly type: 'hello'; readonly protocol: number; readonly client: string }
  | {
      readonly type: 'subscribe';
      readonly channels: readonly string[] | '*';
      /** For these channels (for every channel with `'*'`); `live-drop` when absent. */
      readonly policy?: DeliveryPolicy;
    }
  | { readonly type: 'unsubscribe'; readonly channels: readonly string[] }
  | { readonly type: 'command'; readonly id: string; readonly command: TwinCommand }
  /**
   * Acknowledges every lossless `samples` batch up to and including `seq` (acks are cumulative:
   * acknowledging the newest batch is enough). Acks are not counted against the rate limit.
   */
  | { readonly type: 'ack'; readonly seq: number };

// ---- relay → client ------------------------------------------------------------------------

export type RelayErrorReason =
  | 'malformed_json'
  | 'invalid_message'
  | 'unsupported_protocol'
  | 'message_too_large'
  | 'not_ready'
  /** The client sends faster than its per-client rate limit. */
  | 'rate_limited'
  | 'too_many_subscriptions'
  /** The client's role or token does not allow this (a command topic, a channel). */
  | 'forbidden'
  /** Samples of lossless subscriptions were lost: the relay's queue for the client was full. */
  | 'samples_lost';

export type ServerMessage =
  | {
      readonly type: 'welcome';
      readonly protocol: number;
      readonly server: string;
      /** Relay clock (ms since the Unix epoch) when the welcome was sent. */
      readonly serverTime: number;
      readonly commandsEnabled: boolean;
    }
  | { readonly type: 'channels'; readonly channels: readonly ChannelInfo[] }
  | {
      readonly type: 'samples';
      readonly samples: readonly Sample[];
      /** Lossless batches only: acknowledge it with `{type: 'ack', seq}`. Starts at 1. */
      readonly seq?: number;
      /**
       * Samples of this client's subscriptions dropped (or coalesced away) right before this
       * batch: of its live subscriptions for a batch without `seq`, of its lossless ones (the
       * relay's bound was reached) for a batch with one. Absent when none were.
       */
      readonly dropped?: number;
    }
  | {
      readonly type: 'commandResult';
      readonly id: string;
      readonly ok: boolean;
      readonly message: string;
    }
  | {
      readonly type: 'stats';
      readonly sources: readonly SourceStats[];
      readonly clients: number;
      /** Samples the relay dropped for this client because it fell behind (since it connected). */
      readonly dropped?: number;
      /** Samples of lossless subscriptions lost since it connected; present once it has had one. */
      readonly lost?: number;
    }
  | { readonly type: 'error'; readonly reason: RelayErrorReason; readonly message: string };

// ---- validation ----------------------------------------------------------------------------

export type ParseResult<T> =
  | { readonly ok: true; readonly message: T }
  | { readonly ok: false; readonly reason: RelayErrorReason; readonly error: string };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

function invalid(error: string): ParseResult<never> {
  return { ok: false, reason: 'invalid_message', error };
}

/**
 * Validates a twin command (the `command` of a `command` message, or the JSON the relay publishes
 * on the broker's command topic). Returns the command, or a sentence saying what is wrong.
 */
export function parseTwinCommand(value: unknown): TwinCommand | string {
  if (!isRecord(value)) return 'command must be an object with a "kind"';
  switch (value.kind) {
    case 'setDamage': {
      const { member, health } = value;
      if (typeof member !== 'number' || !Number.isInteger(member) || member < 0) {
        return 'setDamage.member must be a non-negative integer member index';
      }
      if (typeof health !== 'number' || !(health > 0 && health <= 1)) {
        return 'setDamage.health must be a number in (0, 1]: 1 is intact, 0.5 halves the stiffness';
      }
      return { kind: 'setDamage', member, health };
    }
    case 'clearDamage':
      return { kind: 'clearDamage' };
    default:
      return `unknown command kind ${JSON.stringify(value.kind)}: use "setDamage" or "clearDamage"`;
  }
}

/** Parses and validates one text frame from a client. Never throws. */
export function parseClientMessage(raw: string): ParseResult<ClientMessage> {
  if (raw.length > MAX_CLIENT_MESSAGE_BYTES) {
    return {
      ok: false,
      reason: 'message_too_large',
      error: `message is ${raw.length} bytes; the limit is ${MAX_CLIENT_MESSAGE_BYTES}`,
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    return {
      ok: false,
      reason: 'malformed_json',
      error: `message is not JSON (${(error as Error).message})`,
    };
  }
  if (!isRecord(value) || typeof value.type !== 'string') {
    return invalid('message must be a JSON object with a string "type"');
  }
  switch (value.type) {
    case 'hello':
      if (typeof value.protocol !== 'number') return invalid('hello.protocol must be a number');
      if (value.protocol !== RELAY_PROTOCOL_VERSION) {
        return {
          ok: false,
          reason: 'unsupported_protocol',
          error: `client speaks protocol ${value.protocol}, this relay speaks ${RELAY_PROTOCOL_VERSION}: reload the page or update the client`,
        };
      }
      return {
        ok: true,
        message: {
          type: 'hello',
          protocol: value.protocol,
          client: typeof value.client === 'string' ? value.client.slice(0, 200) : 'unknown',
        },
      };
    case 'subscribe': {
      if (value.channels !== '*' && !isStringArray(value.channels)) {
        return invalid('subscribe.channels must be "*" or an array of channel names');
      }
      const { policy } = value;
      if (policy === undefined) {
        return { ok: true, message: { type: 'subscribe', channels: value.channels } };
      }
      if (!isDeliveryPolicy(policy)) {
        return invalid(
          `subscribe.policy ${JSON.stringify(policy)} is not a delivery policy: use ${DELIVERY_POLICIES.map((p) => `"${p}"`).join(', ')} or leave it out (live-drop)`,
        );
      }
      return { ok: true, message: { type: 'subscribe', channels: value.channels, policy } };
    }
    case 'ack':
      if (typeof value.seq !== 'number' || !Number.isSafeInteger(value.seq) || value.seq < 0) {
        return invalid(
          'ack.seq must be a non-negative integer: the seq of the newest lossless batch handled',
        );
      }
      return { ok: true, message: { type: 'ack', seq: value.seq } };
    case 'unsubscribe':
      if (isStringArray(value.channels))
        return { ok: true, message: { type: 'unsubscribe', channels: value.channels } };
      return invalid('unsubscribe.channels must be an array of channel names');
    case 'command': {
      if (typeof value.id !== 'string' || value.id.length === 0 || value.id.length > 100) {
        return invalid('command.id must be a non-empty string of at most 100 characters');
      }
      const command = parseTwinCommand(value.command);
      if (typeof command === 'string') return invalid(command);
      return { ok: true, message: { type: 'command', id: value.id, command } };
    }
    default:
      return invalid(
        `unknown message type ${JSON.stringify(value.type)}: expected hello, subscribe, unsubscribe or command (or ack, for lossless subscriptions)`,
      );
  }
}

/** Parses one text frame from the relay. Never throws; the client reports what it cannot read. */
export function parseServerMessage(raw: string): ParseResult<ServerMessage> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    return {
      ok: false,
      reason: 'malformed_json',
      error: `relay sent non-JSON (${(error as Error).message})`,
    };
  }
  if (!isRecord(value) || typeof value.type !== 'string')
    return invalid('relay message has no "type"');
  switch (value.type) {
    case 'welcome':
    case 'channels':
    case 'samples':
    case 'commandResult':
    case 'stats':
    case 'error':
      // The relay is trusted to send well-formed bodies for the types it names (same module).
      return { ok: true, message: value as unknown as ServerMessage };
    default:
      return invalid(`relay sent unknown message type ${JSON.stringify(value.type)}`);
  }
}

export function encodeMessage(message: ClientMessage | ServerMessage): string {
  return JSON.stringify(message);
}
