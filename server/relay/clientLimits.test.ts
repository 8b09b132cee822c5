import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import {
  DEFAULT_CLIENT_LIMITS,
  createClientLimits,
  parseClientLimits,
  type ClientLimitsConfig,
} from './clientLimits.ts';

function fakeClock(start = 1000) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
    set: (ms: number) => {
      t = ms;
    },
  };
}

const config = (overrides: Partial<ClientLimitsConfig> = {}): ClientLimitsConfig => ({
  ...DEFAULT_CLIENT_LIMITS,
  ...overrides,
});

/** How many of `count` messages sent now get through. */
function sendMany(limits: ReturnType<typeof createClientLimits>, count: number): number {
  let ok = 0;
  for (let i = 0; i < count; i++) if (limits.checkMessage(10).ok) ok++;
  return ok;
}

describe('client limits defaults', () => {
  it('are 64 KiB messages, 1024 subscriptions, 100 messages/s with bursts of 200', () => {
    expect(DEFAULT_CLIENT_LIMITS).toEqual({
      maxMessageBytes: 65536,
      maxSubscriptions: 1024,
      messagesPerSecond: 100,
      burst: 200,
    });
  });
});

describe('message rate', () => {
  it('lets a burst through at once, then refuses until the bucket refills', () => {
    const clock = fakeClock();
    const limits = createClientLimits(DEFAULT_CLIENT_LIMITS, clock.now);
    expect(sendMany(limits, 200)).toBe(200);
    const refused = limits.checkMessage(10);
    expect(refused).toEqual({
      ok: false,
      reason: 'rate_limited',
      message:
        'too many messages: this relay accepts 100 per second from each client (bursts of 200); this one was dropped. Wait 10 ms and send less often.',
    });
    clock.advance(10);
    expect(sendMany(limits, 5)).toBe(1);
  });

  it('sustains the configured rate and no more', () => {
    const clock = fakeClock();
    const limits = createClientLimits(config({ messagesPerSecond: 100, burst: 1 }), clock.now);
    let ok = 0;
    // 10 s of a client trying to send every millisecond.
    for (let ms = 0; ms < 10_000; ms++) {
      if (limits.checkMessage(10).ok) ok++;
      clock.advance(1);
    }
    expect(ok).toBe(1000);
  });

  it('refills no further than the burst however long the client was quiet', () => {
    const clock = fakeClock();
    const limits = createClientLimits(config({ burst: 5 }), clock.now);
    clock.advance(3_600_000);
    expect(sendMany(limits, 10)).toBe(5);
  });

  it('refills partially: half a second at 100/s gives 50', () => {
    const clock = fakeClock();
    const limits = createClientLimits(DEFAULT_CLIENT_LIMITS, clock.now);
    sendMany(limits, 200);
    clock.advance(500);
    expect(sendMany(limits, 200)).toBe(50);
  });

  it('handles fractional rates (one message every two seconds)', () => {
    const clock = fakeClock();
    const limits = createClientLimits(config({ messagesPerSecond: 0.5, burst: 1 }), clock.now);
    expect(limits.checkMessage(1).ok).toBe(true);
    clock.advance(1999);
    const verdict = limits.checkMessage(1);
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.message).toContain('Wait 1 ms');
    clock.advance(1);
    expect(limits.checkMessage(1).ok).toBe(true);
  });

  it('neither gives nor takes tokens when the clock steps back', () => {
    const clock = fakeClock(10_000);
    const limits = createClientLimits(config({ burst: 2, messagesPerSecond: 1 }), clock.now);
    expect(sendMany(limits, 2)).toBe(2);
    clock.set(0);
    expect(sendMany(limits, 1)).toBe(0);
    clock.set(10_999);
    expect(sendMany(limits, 1)).toBe(0);
    clock.set(11_000);
    expect(sendMany(limits, 1)).toBe(1);
  });

  it('keeps clients apart: one per connection', () => {
    const clock = fakeClock();
    const a = createClientLimits(config({ burst: 3 }), clock.now);
    const b = createClientLimits(config({ burst: 3 }), clock.now);
    expect(sendMany(a, 10)).toBe(3);
    expect(sendMany(b, 10)).toBe(3);
  });
});

describe('message size', () => {
  it('accepts up to the limit and refuses one byte more, saying the sizes', () => {
    const limits = createClientLimits(config({ maxMessageBytes: 100 }), fakeClock().now);
    expect(limits.checkMessage(100)).toEqual({ ok: true });
    expect(limits.checkMessage(0)).toEqual({ ok: true });
    expect(limits.checkMessage(101)).toEqual({
      ok: false,
      reason: 'message_too_large',
      message:
        'message is 101 bytes; the limit is 100: send smaller messages (subscribe to channels in several messages).',
    });
  });

  it('refuses a size that is not a number rather than letting it through', () => {
    const limits = createClientLimits(DEFAULT_CLIENT_LIMITS, fakeClock().now);
    expect(limits.checkMessage(Number.NaN)).toMatchObject({ reason: 'message_too_large' });
  });

  it('counts oversized messages against the rate too', () => {
    const limits = createClientLimits(config({ maxMessageBytes: 10, burst: 2 }), fakeClock().now);
    expect(limits.checkMessage(1000)).toMatchObject({ reason: 'message_too_large' });
    expect(limits.checkMessage(1000)).toMatchObject({ reason: 'message_too_large' });
    expect(limits.checkMessage(5)).toMatchObject({ reason: 'rate_limited' });
  });
});

describe('subscriptions', () => {
  const limits = createClientLimits(config({ maxSubscriptions: 10 }), fakeClock().now);

  it('allows up to the limit', () => {
    expect(limits.checkSubscriptions(0, 10)).toEqual({ ok: true });
    expect(limits.checkSubscriptions(9, 1)).toEqual({ ok: true });
    expect(limits.checkSubscriptions(10, 0)).toEqual({ ok: true });
  });

  it('refuses going over, saying the count, the limit and what to do', () => {
    expect(limits.checkSubscriptions(8, 3)).toEqual({
      ok: false,
      reason: 'too_many_subscriptions',
      message:
        'subscribing to 3 more channels would make 11; the limit is 10 per connection: unsubscribe from channels you no longer need first.',
    });
  });

  it('never refuses removing subscriptions, even above a lowered limit', () => {
    expect(limits.checkSubscriptions(50, -5)).toEqual({ ok: true });
  });
});

describe('parseClientLimits', () => {
  function limitsError(value: unknown): ConfigError {
    try {
      parseClientLimits(value);
    } catch (error) {
      if (error instanceof ConfigError) return error;
      throw error;
    }
    throw new Error(`expected a ConfigError for ${JSON.stringify(value)}`);
  }

  it('fills in defaults for missing fields', () => {
    expect(parseClientLimits(undefined)).toEqual(DEFAULT_CLIENT_LIMITS);
    expect(parseClientLimits({})).toEqual(DEFAULT_CLIENT_LIMITS);
    expect(parseClientLimits({ burst: 5, messagesPerSecond: 2.5 })).toEqual({
      ...DEFAULT_CLIENT_LIMITS,
      burst: 5,
      messagesPerSecond: 2.5,
    });
  });

  it.each([
    [
      { burst: 0 },
      'limits.burst: 0 is not valid: use a whole number of at least 1 (messages a client may send at once; default 200).',
    ],
    [{ maxMessageBytes: 1.5 }, 'limits.maxMessageBytes: 1.5 is not valid: use a whole number'],
    [{ maxSubscriptions: -1 }, 'limits.maxSubscriptions: -1 is not valid'],
    [{ maxSubscriptions: '1024' }, 'limits.maxSubscriptions: "1024" is not valid'],
    [{ messagesPerSecond: 0 }, 'limits.messagesPerSecond: 0 is not valid: use a number above 0'],
    [{ messagesPerSecond: Number.NaN }, 'limits.messagesPerSecond: NaN is not valid'],
    [{ messagesPerSecond: Infinity }, 'limits.messagesPerSecond: Infinity is not valid'],
    [
      { rate: 5 },
      'limits.rate is not a limit: use maxMessageBytes, maxSubscriptions, messagesPerSecond, burst.',
    ],
    [[1, 2], 'limits must be an object'],
    [null, 'limits must be an object'],
  ])('names the bad field in %j', (value, message) => {
    const error = limitsError(value);
    expect(error.reason).toBe('invalid_value');
    expect(error.message).toContain(message);
  });

  it('names the field under the path it is given', () => {
    expect(() => parseClientLimits({ burst: 0 }, 'relay.limits')).toThrow('relay.limits.burst: 0');
  });

  it('is applied when limits are created', () => {
    expect(() => createClientLimits(config({ burst: 0 }))).toThrow(ConfigError);
  });
});
