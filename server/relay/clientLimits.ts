/**
 * What one client may send: message size, number of subscriptions and message rate. The rate is
 * a token bucket: a client may send `burst` messages at once, then `messagesPerSecond` on
 * average. The clock is injected so tests step it.
 */
import { MAX_CLIENT_MESSAGE_BYTES } from '../../src/protocol/relay.ts';
import { ConfigError } from '../errors.ts';

export interface ClientLimitsConfig {
  /** Largest client message in bytes. Frames above WS_MAX_PAYLOAD never get this far. */
  readonly maxMessageBytes: number;
  /** Most channels one connection may be subscribed to. */
  readonly maxSubscriptions: number;
  /** Sustained client messages per second. */
  readonly messagesPerSecond: number;
  /** Messages a client may send at once after being quiet. */
  readonly burst: number;
}

export const DEFAULT_CLIENT_LIMITS: ClientLimitsConfig = {
  maxMessageBytes: MAX_CLIENT_MESSAGE_BYTES,
  maxSubscriptions: 1024,
  messagesPerSecond: 100,
  burst: 200,
};

export type LimitReason = 'message_too_large' | 'too_many_subscriptions' | 'rate_limited';

export type LimitVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: LimitReason; readonly message: string };

export interface ClientLimits {
  /** Counts one message of `bytes` against the rate and checks its size. */
  checkMessage(bytes: number): LimitVerdict;
  /** Whether a client with `current` subscriptions may add `adding` more. */
  checkSubscriptions(current: number, adding: number): LimitVerdict;
}

const OK: LimitVerdict = { ok: true };

const LIMITS: Record<keyof ClientLimitsConfig, { whole: boolean; what: string }> = {
  maxMessageBytes: { whole: true, what: 'the largest client message in bytes' },
  maxSubscriptions: { whole: true, what: 'the most channels one client may subscribe to' },
  messagesPerSecond: { whole: false, what: 'sustained client messages per second' },
  burst: { whole: true, what: 'messages a client may send at once' },
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks limits read from a file or built by hand; missing fields take the defaults. Throws a
 * ConfigError naming the bad field, e.g. `limits.burst: 0 is not valid: use a whole number of at
 * least 1 (messages a client may send at once)`.
 */
export function parseClientLimits(value: unknown, path = 'limits'): ClientLimitsConfig {
  if (value === undefined) return DEFAULT_CLIENT_LIMITS;
  const names = Object.keys(LIMITS) as (keyof ClientLimitsConfig)[];
  if (!isRecord(value)) {
    throw new ConfigError('invalid_value', `${path} must be an object with ${names.join(', ')}.`);
  }
  for (const key of Object.keys(value)) {
    if (!(key in LIMITS)) {
      throw new ConfigError(
        'invalid_value',
        `${path}.${key} is not a limit: use ${names.join(', ')}.`,
      );
    }
  }
  const field = (name: keyof ClientLimitsConfig): number => {
    const raw = value[name];
    if (raw === undefined) return DEFAULT_CLIENT_LIMITS[name];
    const { whole, what } = LIMITS[name];
    const valid =
      typeof raw === 'number' &&
      Number.isFinite(raw) &&
      (whole ? Number.isSafeInteger(raw) && raw >= 1 : raw > 0);
    if (!valid) {
      throw new ConfigError(
        'invalid_value',
        `${path}.${name}: ${typeof raw === 'number' ? String(raw) : (JSON.stringify(raw) ?? typeof raw)} is not valid: use ${whole ? 'a whole number of at least 1' : 'a number above 0'} (${what}; default ${DEFAULT_CLIENT_LIMITS[name]}).`,
      );
    }
    return raw;
  };
  return {
    maxMessageBytes: field('maxMessageBytes'),
    maxSubscriptions: field('maxSubscriptions'),
    messagesPerSecond: field('messagesPerSecond'),
    burst: field('burst'),
  };
}

/**
 * One client's limits; create one per connection. `now` is in milliseconds and only its
 * differences matter (performance.now by default). Throws a ConfigError for bad limits.
 *
 * @example
 * const limits = createClientLimits(DEFAULT_CLIENT_LIMITS);
 * const verdict = limits.checkMessage(Buffer.byteLength(raw));
 * if (!verdict.ok) sendError(verdict.reason, verdict.message);
 */
export function createClientLimits(
  config: ClientLimitsConfig = DEFAULT_CLIENT_LIMITS,
  now: () => number = () => performance.now(),
): ClientLimits {
  const { maxMessageBytes, maxSubscriptions, messagesPerSecond, burst } = parseClientLimits(config);
  // The bucket counts in thousandths of a message, so that a millisecond refills
  // `messagesPerSecond` units: whole numbers for whole rates and clock steps, where counting in
  // messages would add up 0.1 ten times and fall short of 1.
  const cost = 1000;
  const capacity = burst * cost;
  let units = capacity;
  let last = now();

  const refill = () => {
    const t = now();
    // A clock that steps back gives nothing and takes nothing.
    if (t > last) {
      units = Math.min(capacity, units + (t - last) * messagesPerSecond);
      last = t;
    }
  };

  return {
    checkMessage(bytes) {
      // Every message costs a token, oversized ones too: size errors must not be a free flood.
      refill();
      if (units < cost) {
        const waitMs = Math.ceil((cost - units) / messagesPerSecond);
        return {
          ok: false,
          reason: 'rate_limited',
          message: `too many messages: this relay accepts ${messagesPerSecond} per second from each client (bursts of ${burst}); this one was dropped. Wait ${waitMs} ms and send less often.`,
        };
      }
      units -= cost;
      if (!(bytes <= maxMessageBytes)) {
        return {
          ok: false,
          reason: 'message_too_large',
          message: `message is ${bytes} bytes; the limit is ${maxMessageBytes}: send smaller messages (subscribe to channels in several messages).`,
        };
      }
      return OK;
    },
    checkSubscriptions(current, adding) {
      if (adding <= 0 || current + adding <= maxSubscriptions) return OK;
      return {
        ok: false,
        reason: 'too_many_subscriptions',
        message: `subscribing to ${adding} more channels would make ${current + adding}; the limit is ${maxSubscriptions} per connection: unsubscribe from channels you no longer need first.`,
      };
    },
  };
}
