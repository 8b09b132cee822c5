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
}

// ---- client → relay ------------------------------------------------------------------------

export type ClientMessage =
  | { readonly type: 'hello'; readonly protocol: number; readonly client: string }
  | { readonly type: 'subscribe'; readonly channels: readonly string[] | '*' }
  | { readonly type: 'unsubscribe'; readonly channels: readonly string[] }
  | { readonly type: 'command'; readonly id: string; readonly command: TwinCommand };

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
  | 'forbidden';

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
  | { readonly type: 'samples'; readonly samples: readonly Sample[] }
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
    case 'subscribe':
      if (value.channels === '*' || isStringArray(value.channels)) {
        return { ok: true, message: { type: 'subscribe', channels: value.channels } };
      }
      return invalid('subscribe.channels must be "*" or an array of channel names');
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
        `unknown message type ${JSON.stringify(value.type)}: expected hello, subscribe, unsubscribe or command`,
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
