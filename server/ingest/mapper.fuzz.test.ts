import { encode as encodeMsgpack } from '@msgpack/msgpack';
import { encode as encodeCbor } from 'cborg';
import { describe, expect, it } from 'vitest';
import { compileMapping } from './mapper.ts';
import { DEAD_LETTER_REASONS, type DeadLetterReason, type MappingConfig } from './protocol.ts';

/**
 * Random and malformed payloads against every format. Seeded: a failure names the seed and the
 * message index, and re-running reproduces it exactly.
 */

const SEED = 0x7b1d_2024;
const MESSAGES = 120_000;
const NOW = 1_714_564_800_000;

/** mulberry32: small, fast, and good enough to pick cases. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => int(256));
  return { next, int, pick, bytes };
}
type Rng = ReturnType<typeof prng>;

const config: MappingConfig = {
  version: 1,
  sources: [
    {
      name: 'fuzz',
      rules: [
        {
          topic: 'fz/json/+',
          format: 'json',
          payloadType: 'tree.v1',
          deviceIdPath: 'meta.id',
          timestamp: { path: 'ts', unit: 'ms' },
          fields: [
            { path: 'v', channel: '{1}/v' },
            { path: '/arr', channels: ['{1}/a0', '{1}/a1', '{1}/a2'] },
          ],
        },
        {
          topic: 'fz/json-ns/+',
          format: 'json',
          payloadType: 'tree.v1',
          timestamp: { path: 'ts', unit: 'ns' },
          fields: [{ path: 'v', channel: '{1}/v' }],
        },
        {
          topic: 'fz/cbor/+',
          format: 'cbor',
          payloadType: 'tree.v1',
          timestamp: { path: 'ts', unit: 's' },
          fields: [
            { path: 'v', channel: '{1}/v' },
            { path: 'nested.deep.0', channel: '{1}/deep' },
          ],
        },
        {
          topic: 'fz/msgpack/+',
          format: 'msgpack',
          payloadType: 'tree.v1',
          timestamp: { path: 'ts', unit: 'iso' },
          fields: [{ path: 'v', channel: '{1}/v' }],
        },
        {
          topic: 'fz/f32/+',
          format: 'f32le',
          payloadType: 'f32.v1',
          timestamp: 'f64ms',
          channel: '{1}/s',
          count: 8,
        },
        {
          topic: 'fz/f64/+',
          format: 'f64le',
          payloadType: 'f64.v1',
          timestamp: 'u64ns',
          channels: ['{1}/x', '{1}/y'],
        },
        { topic: 'fz/legacy/#', format: 'legacy', payloadType: 'legacy.v1', channel: '{#}' },
        { topic: 'fz/kafka', format: 'legacy', payloadType: 'legacy.v1', channelFrom: 'key' },
      ],
    },
  ],
  schemas: {
    'tree.v1': {
      type: 'object',
      properties: { meta: { type: 'object', properties: { id: { type: ['string', 'integer'] } } } },
    },
    'legacy.v1': { type: 'object', required: ['t', 'v'] },
  },
  limits: { maxPayloadBytes: 2048, maxArrayItems: 16, topicCacheSize: 64 },
};

const TOPICS = [
  'fz/json/d1',
  'fz/json-ns/d2',
  'fz/cbor/d3',
  'fz/msgpack/d4',
  'fz/f32/d5',
  'fz/f64/d6',
  'fz/legacy/deck/acc',
  'fz/legacy',
  'fz/kafka',
];
const ODD_TOPICS = ['', '/', 'fz', 'fz/json', 'fz/json/a/b', '$SYS/fz/json/x', 'fz//', 'x/y/z'];
const KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'v', 'ts', 'meta', 'arr'];

/** A random tree with the mapped keys present, mutated often. */
function tree(rng: Rng, depth = 0): unknown {
  const leaf = () =>
    rng.pick<unknown>([
      rng.next() * 1e6 - 5e5,
      rng.int(1000),
      NaN,
      Infinity,
      -Infinity,
      -0,
      Number.MAX_VALUE,
      Number.MIN_VALUE,
      2 ** 64,
      'x',
      '',
      '2024-05-01T12:00:00Z',
      'not a time',
      `${NOW}000000`,
      true,
      null,
      [],
      {},
      [1, 2, 3],
      [1, 'x', 3],
      [NaN, 0, 0],
    ]);
  if (depth > 3 || rng.next() < 0.4) return leaf();
  if (rng.next() < 0.3) return Array.from({ length: rng.int(20) }, () => tree(rng, depth + 1));
  const node: Record<string, unknown> = {};
  for (let i = rng.int(5); i > 0; i--) {
    Object.defineProperty(node, rng.pick(KEYS), {
      value: tree(rng, depth + 1),
      enumerable: true,
      configurable: true,
      writable: true,
    });
  }
  return node;
}

/** The time each topic's rule reads, as it expects it. */
function validTime(topic: string): unknown {
  if (topic.includes('json-ns')) return `${NOW}123456`;
  if (topic.includes('cbor')) return NOW / 1000;
  if (topic.includes('msgpack')) return '2024-05-01T12:00:00.25Z';
  if (topic.includes('legacy') || topic.includes('kafka')) return undefined;
  return NOW;
}

/** Payloads close to valid for the topic's rule: each field right most of the time. */
function nearlyValid(rng: Rng, topic: string): Record<string, unknown> {
  const often = <T>(good: T, ...bad: unknown[]): unknown =>
    rng.next() < 0.85 ? good : rng.pick(bad);
  const payload: Record<string, unknown> = {
    ts: often(validTime(topic), -1, 'x', NOW, NOW / 1000, `${NOW}`, '2024-05-01T12:00:00'),
    t: often(NOW, 0, -1, '5', NaN),
    v: often(
      rng.next() * 100,
      NaN,
      Infinity,
      'x',
      [1, 2],
      Array.from({ length: 20 }, () => 1),
    ),
    arr: often([1, 2, 3], [1, 2], [1, 2, 3, 4], [1, NaN, 3], 'abc', { 0: 1 }),
    meta: often({ id: 'dev' }, { id: 7 }, { id: '' }, { id: [1] }, {}, null),
    nested: { deep: often([4], [], ['x'], 4) },
    channel: often(undefined, 'wind', '', 7),
  };
  if (rng.next() < 0.1) delete payload[rng.pick(Object.keys(payload))];
  if (rng.next() < 0.1) payload[rng.pick(KEYS)] = tree(rng);
  return payload;
}

/** JSON text that may hold what JSON.stringify never writes: NaN, 1e999, -0, long digits. */
function jsonText(rng: Rng, value: unknown): string {
  if (typeof value === 'number') {
    if (rng.next() < 0.1)
      return rng.pick(['NaN', '1e999', '-1e999', '-0', '1e-400', '0x10', '9'.repeat(400)]);
    return Number.isFinite(value) ? String(value) : rng.pick(['1e999', '-1e999', 'null']);
  }
  if (Array.isArray(value)) return `[${value.map((item) => jsonText(rng, item)).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${jsonText(rng, v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function deepJson(rng: Rng): string {
  const depth = rng.pick([100, 100, 5_000, 100_000]);
  return rng.next() < 0.5
    ? '['.repeat(depth) + ']'.repeat(depth)
    : '{"v":'.repeat(depth) + '1' + '}'.repeat(depth);
}

function deepBinary(rng: Rng, cbor: boolean): Uint8Array {
  const depth = rng.pick([100, 100, 20_000]);
  const out = new Uint8Array(depth + 1);
  out.fill(cbor ? 0x81 : 0x91); // array of one item, nested `depth` times
  out[depth] = 0x01;
  return out;
}

function floats(rng: Rng, count: number, header: 'f64' | 'u64' | 'none'): Uint8Array {
  const bytes = new Uint8Array((header === 'none' ? 0 : 8) + count * 8);
  const view = new DataView(bytes.buffer);
  if (header === 'f64') view.setFloat64(0, rng.pick([NOW, NaN, -1, Infinity, 0]), true);
  if (header === 'u64')
    view.setBigUint64(0, rng.pick([BigInt(NOW) * 1_000_000n, 0n, 2n ** 64n - 1n]), true);
  const start = header === 'none' ? 0 : 8;
  for (let i = 0; i < count * 2; i++) {
    // Random bit patterns: some are NaN or Infinity, most are ordinary numbers.
    view.setUint32(start + i * 4, rng.next() < 0.02 ? 0x7fc00000 : rng.int(2 ** 32), true);
  }
  return bytes.subarray(
    0,
    rng.pick([start + count * 4, start + count * 8, bytes.length - 1, rng.int(bytes.length)]),
  );
}

const NAN_ENCODINGS = [
  new Uint8Array([0xf9, 0x7e, 0x00]), // CBOR float16 NaN
  new Uint8Array([0xa1, 0x61, 0x76, 0xfa, 0x7f, 0xc0, 0x00, 0x00]), // CBOR {v: float32 NaN}
  new Uint8Array([0x81, 0xa1, 0x76, 0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0]), // msgpack {v: float64 NaN}
  new Uint8Array([0x81, 0xa1, 0x76, 0xca, 0x7f, 0x80, 0, 0]), // msgpack {v: float32 Infinity}
];

function payload(rng: Rng, topic: string): Uint8Array {
  const text = (s: string) => new TextEncoder().encode(s);
  const kind = rng.int(100);
  if (kind < 12) return rng.bytes(rng.pick([0, 1, 3, 7, 8, 16, 40, 72, 300, 2049, 3000]));
  if (kind < 13) return rng.next() < 0.5 ? text(deepJson(rng)) : deepBinary(rng, rng.next() < 0.5);
  if (kind < 16) return rng.pick(NAN_ENCODINGS);
  if (kind < 30) return floats(rng, rng.pick([2, 8]), rng.pick(['f64', 'u64', 'none'] as const));
  const value = rng.next() < 0.7 ? nearlyValid(rng, topic) : tree(rng);
  const format = topic.includes('cbor') ? 'cbor' : topic.includes('msgpack') ? 'msgpack' : 'json';
  // One in five goes out in another format than its topic's rule expects.
  const encoding = rng.next() < 0.2 ? rng.pick(['json', 'cbor', 'msgpack']) : format;
  let bytes: Uint8Array;
  try {
    bytes =
      encoding === 'cbor'
        ? encodeCbor(value)
        : encoding === 'msgpack'
          ? encodeMsgpack(value)
          : text(jsonText(rng, value));
  } catch {
    bytes = text(jsonText(rng, value)); // an encoder refused the value: send it as JSON
  }
  const damage = rng.int(10);
  if (damage === 0 && bytes.length > 0) return bytes.subarray(0, rng.int(bytes.length)); // truncated
  if (damage === 1 && bytes.length > 0) {
    const flipped = bytes.slice();
    const at = rng.int(flipped.length);
    flipped[at] = (flipped[at] ?? 0) ^ (1 << rng.int(8));
    return flipped;
  }
  return bytes;
}

describe('compileMapping under fuzzing', () => {
  it(`maps or dead-letters ${MESSAGES} random and malformed messages, never throwing, with exact counters`, () => {
    const rng = prng(SEED);
    const hooked = new Map<DeadLetterReason, number>();
    const mapper = compileMapping(config, {
      onDeadLetter: (entry) => hooked.set(entry.reason, (hooked.get(entry.reason) ?? 0) + 1),
    });
    const source = mapper.source('fuzz');
    const reasons = new Set<string>(DEAD_LETTER_REASONS);
    const unexplained: string[] = [];
    let emitted = 0;
    let mappedResults = 0;
    let reportedSamples = 0;
    const emit = (channel: string, deviceTime: number, value: number) => {
      if (
        channel === '' ||
        !(deviceTime > 0) ||
        !Number.isFinite(deviceTime) ||
        !Number.isFinite(value)
      ) {
        throw new Error(`bad sample ${JSON.stringify([channel, deviceTime, value])}`);
      }
      emitted++;
    };

    for (let i = 0; i < MESSAGES; i++) {
      const topic = rng.next() < 0.05 ? rng.pick(ODD_TOPICS) : rng.pick(TOPICS);
      const bytes = payload(rng, topic);
      const key =
        rng.next() < 0.5 ? null : rng.pick<string | Uint8Array>(['acc', '', ' ', rng.bytes(4)]);
      let result;
      try {
        result = source.map(topic, bytes, NOW, emit, key);
      } catch (error) {
        const hex = Buffer.from(bytes.subarray(0, 64)).toString('hex');
        throw new Error(
          `seed ${SEED} message ${i} on ${topic} threw (${String(error)}); payload starts ${hex}`,
          { cause: error },
        );
      }
      if (result.ok) {
        mappedResults++;
        reportedSamples += result.samples;
      } else if (!reasons.has(result.deadLetter.reason) || result.deadLetter.message.length < 10) {
        unexplained.push(`message ${i}: ${JSON.stringify(result.deadLetter)}`);
      }
    }

    expect(unexplained).toEqual([]);
    const stats = source.counters.snapshot();
    const byReason = Object.values(stats.deadLettersByReason).reduce((a, b) => a + b, 0);
    expect(stats.received).toBe(MESSAGES);
    expect(stats.mapped + stats.deadLetters).toBe(MESSAGES);
    expect(stats.mapped).toBe(mappedResults);
    expect(stats.samples).toBe(emitted);
    expect(stats.samples).toBe(reportedSamples);
    expect(byReason).toBe(stats.deadLetters);
    expect(Object.fromEntries(hooked)).toEqual(
      Object.fromEntries(Object.entries(stats.deadLettersByReason).filter(([, n]) => n > 0)),
    );
    expect(stats.hookFailures).toBe(0);
    // The mix is meant to reach every path: most reasons, and plenty of mapped messages.
    expect(stats.mapped).toBeGreaterThan(MESSAGES / 20);
    for (const reason of DEAD_LETTER_REASONS)
      expect(stats.deadLettersByReason[reason], reason).toBeGreaterThan(0);
    expect(Object.prototype).not.toHaveProperty('v');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    console.info(`fuzz: ${JSON.stringify({ seed: SEED, ...stats })}`);
  });
});
