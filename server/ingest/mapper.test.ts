import { encode as encodeMsgpack } from '@msgpack/msgpack';
import { encode as encodeCbor } from 'cborg';
import { describe, expect, it } from 'vitest';
import { compileMapping, type Mapper } from './mapper.ts';
import { MappingConfigError } from './mappingConfigError.ts';
import type { DeadLetterEntry, MappedSample, MappingConfig, MapResult } from './protocol.ts';

const NOW = 1_714_564_800_000;
const T = NOW - 5000;
/** JSON bytes; a string is taken as the JSON text itself (for numbers JSON.stringify cannot write). */
const json = (value: unknown) =>
  new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

function collector() {
  const samples: MappedSample[] = [];
  const emit = (channel: string, deviceTime: number, value: number) => {
    samples.push({ channel, deviceTime, value });
  };
  return { samples, emit };
}

function deadLetter(result: MapResult): DeadLetterEntry {
  if (result.ok) throw new Error(`expected a dead letter, got ${result.samples} samples`);
  return result.deadLetter;
}

const config: MappingConfig = {
  version: 1,
  sources: [
    {
      name: 'mqtt',
      rules: [
        {
          topic: 'plant/+/sensors/#',
          format: 'json',
          payloadType: 'plant.v1',
          deviceId: '{1}',
          timestamp: { path: 'ts', unit: 'ms' },
          fields: [
            { path: 'temp', channel: '{1}/{#}/temp' },
            { path: '/acc', channels: ['{1}/ax', '{1}/ay', '{1}/az'] },
          ],
        },
        {
          topic: 'cbor/+',
          format: 'cbor',
          payloadType: 'tree.v1',
          deviceIdPath: 'meta.id',
          fields: [{ path: 'v', channel: '{1}.v' }],
        },
        {
          topic: 'msgpack/+',
          format: 'msgpack',
          payloadType: 'tree.v1',
          timestamp: { path: 'at', unit: 'iso' },
          fields: [{ path: 'v', channel: '{1}.v' }],
        },
        {
          topic: 'rig/+/strain',
          format: 'f32le',
          payloadType: 'rig.strain.v1',
          deviceId: 'rig-{1}',
          timestamp: 'f64ms',
          channel: '{1}/strain',
          count: 4,
        },
        {
          topic: 'rig/+/pose',
          format: 'f64le',
          payloadType: 'rig.pose.v1',
          timestamp: 'u64ns',
          channels: ['{1}/x', '{1}/y'],
        },
        {
          topic: 'rig/+/raw',
          format: 'f32le',
          payloadType: 'rig.raw.v1',
          channels: ['{1}/a', '{1}/b'],
        },
        { topic: 'legacy/#', format: 'legacy', payloadType: 'legacy.v1', channel: '{#}' },
      ],
    },
    {
      name: 'kafka',
      rules: [{ topic: '#', format: 'legacy', payloadType: 'legacy.v1', channelFrom: 'key' }],
    },
  ],
  schemas: {
    'plant.v1': { type: 'object', properties: { temp: { type: ['number', 'array'] } } },
  },
  limits: { maxPayloadBytes: 512, maxArrayItems: 8 },
};

function mapper(
  extra: Partial<MappingConfig> = {},
  onDeadLetter?: (e: DeadLetterEntry) => void,
): Mapper {
  return compileMapping(
    { ...config, ...extra },
    onDeadLetter === undefined ? {} : { onDeadLetter },
  );
}

describe('compileMapping: json, cbor, msgpack', () => {
  it('maps fields to channels named from the topic, with the payload time', () => {
    const { samples, emit } = collector();
    const result = mapper().map(
      'mqtt',
      'plant/p1/sensors/boiler/in',
      json({ ts: T, temp: 21.5, acc: [0, 0.5, 9.8] }),
      NOW,
      emit,
    );
    expect(result).toEqual({ ok: true, samples: 4 });
    expect(samples).toEqual([
      { channel: 'p1/boiler/in/temp', deviceTime: T, value: 21.5 },
      { channel: 'p1/ax', deviceTime: T, value: 0 },
      { channel: 'p1/ay', deviceTime: T, value: 0.5 },
      { channel: 'p1/az', deviceTime: T, value: 9.8 },
    ]);
  });

  it('names the items of an array mapped with `channel` name[0], name[1], …', () => {
    const { samples, emit } = collector();
    const m = mapper();
    m.map('mqtt', 'plant/p1/sensors/a', json({ ts: T, temp: [1, 2], acc: [0, 0, 0] }), NOW, emit);
    m.map(
      'mqtt',
      'plant/p1/sensors/a',
      json({ ts: T, temp: [3, 4, 5], acc: [0, 0, 0] }),
      NOW,
      emit,
    );
    expect(
      samples.filter((s) => s.channel.includes('temp')).map((s) => `${s.channel}=${s.value}`),
    ).toEqual([
      'p1/a/temp[0]=1',
      'p1/a/temp[1]=2',
      'p1/a/temp[0]=3',
      'p1/a/temp[1]=4',
      'p1/a/temp[2]=5',
    ]);
  });

  it('maps CBOR and MessagePack like JSON, with the receive time when there is no timestamp', () => {
    const { samples, emit } = collector();
    const m = mapper();
    expect(
      m.map('mqtt', 'cbor/c1', encodeCbor({ v: 1.25, meta: { id: 'dev-7' } }), NOW, emit),
    ).toEqual({ ok: true, samples: 1 });
    expect(
      m.map(
        'mqtt',
        'msgpack/m1',
        encodeMsgpack({ v: -3, at: '2024-05-01T12:00:00.5Z' }),
        NOW,
        emit,
      ),
    ).toEqual({ ok: true, samples: 1 });
    expect(samples).toEqual([
      { channel: 'c1.v', deviceTime: NOW, value: 1.25 },
      { channel: 'm1.v', deviceTime: Date.UTC(2024, 4, 1, 12) + 500, value: -3 },
    ]);
  });

  it('emits nothing from a message with any bad value, and says which and why', () => {
    const { samples, emit } = collector();
    const m = mapper();
    const cases: [unknown, string, string][] = [
      [{ ts: T, temp: 1, acc: [0, 0] }, 'wrong_length', 'field "/acc" has 2 items; expected 3'],
      [
        { ts: T, temp: 1, acc: [0, 'x', 0] },
        'wrong_type',
        'field "/acc" item 1 is the text "x"; expected a number',
      ],
      [`{"ts": ${T}, "temp": 1e999, "acc": [0, 0, 0]}`, 'non_finite', 'field "temp" is Infinity'],
      [{ ts: T, acc: [0, 0, 0] }, 'missing_field', 'field "temp" is missing'],
      [{ temp: 1, acc: [0, 0, 0] }, 'missing_field', 'timestamp field "ts" is missing'],
      [
        { ts: 'soon', temp: 1, acc: [0, 0, 0] },
        'bad_timestamp',
        'timestamp field "ts" is the text "soon"',
      ],
      [
        { ts: T, temp: 'hot', acc: [0, 0, 0] },
        'schema_mismatch',
        'payload does not match schema "plant.v1": /temp must be number,array',
      ],
      [
        { ts: T, temp: [1, 2, 3, 4, 5, 6, 7, 8, 9], acc: [0, 0, 0] },
        'wrong_length',
        'field "temp" has 9 items; at most 8 are mapped (limits.maxArrayItems)',
      ],
      [
        { ts: T, temp: 1, acc: { c: 1 } },
        'wrong_type',
        'field "/acc" is an object; expected an array of 3 numbers',
      ],
      [{ ts: T, temp: true, acc: [0, 0, 0] }, 'schema_mismatch', '/temp must be number,array'],
    ];
    for (const [payload, reason, message] of cases) {
      const letter = deadLetter(m.map('mqtt', 'plant/p1/sensors/x', json(payload), NOW, emit));
      expect(letter, JSON.stringify(payload)).toMatchObject({
        reason,
        rule: 'sources[0].rules[0]',
      });
      expect(letter.message).toContain(message);
    }
    expect(
      deadLetter(m.map('mqtt', 'plant/p1/sensors/x', json({ ts: T }).subarray(0, 5), NOW, emit)),
    ).toMatchObject({
      reason: 'undecodable',
      message: expect.stringMatching(
        /^payload is not JSON: .*sources\[0\]\.rules\[0\] expects json/,
      ) as unknown,
    });
    expect(samples).toEqual([]);
  });

  it('reads the device id from a field, refusing messages without one', () => {
    const { emit } = collector();
    const m = mapper();
    expect(deadLetter(m.map('mqtt', 'cbor/c1', encodeCbor({ v: 1 }), NOW, emit))).toMatchObject({
      reason: 'missing_field',
      message: expect.stringContaining('device id field "meta.id" is missing') as unknown,
    });
    expect(
      deadLetter(m.map('mqtt', 'cbor/c1', encodeCbor({ v: 1, meta: { id: [1] } }), NOW, emit))
        .reason,
    ).toBe('wrong_type');
    expect(
      deadLetter(m.map('mqtt', 'cbor/c1', encodeCbor({ v: 1, meta: { id: '' } }), NOW, emit))
        .reason,
    ).toBe('empty_name');
    expect(m.map('mqtt', 'cbor/c1', encodeCbor({ v: 1, meta: { id: 42 } }), NOW, emit).ok).toBe(
      true,
    );
  });
});

describe('compileMapping: f32le, f64le', () => {
  function strain(values: number[], time = T, offset = 0): Uint8Array {
    const backing = new Uint8Array(offset + 8 + values.length * 4);
    const view = new DataView(backing.buffer, offset);
    view.setFloat64(0, time, true);
    values.forEach((v, i) => view.setFloat32(8 + i * 4, v, true));
    return backing.subarray(offset);
  }

  it('maps aligned and unaligned payloads alike, naming values channel[i]', () => {
    for (const offset of [0, 1, 2, 3]) {
      const { samples, emit } = collector();
      expect(
        mapper().map('mqtt', 'rig/r1/strain', strain([1, 2.5, -3, 4], T, offset), NOW, emit),
      ).toEqual({ ok: true, samples: 4 });
      expect(samples).toEqual(
        [1, 2.5, -3, 4].map((value, i) => ({ channel: `r1/strain[${i}]`, deviceTime: T, value })),
      );
    }
  });

  it('reads a leading u64 ns time and f64 values into listed channels', () => {
    const bytes = new Uint8Array(24);
    const view = new DataView(bytes.buffer);
    view.setBigUint64(0, BigInt(T) * 1_000_000n + 250_000n, true);
    view.setFloat64(8, 0.125, true);
    view.setFloat64(16, -8, true);
    const { samples, emit } = collector();
    mapper().map('mqtt', 'rig/r2/pose', bytes, NOW, emit);
    expect(samples).toEqual([
      { channel: 'r2/x', deviceTime: T + 0.25, value: 0.125 },
      { channel: 'r2/y', deviceTime: T + 0.25, value: -8 },
    ]);
  });

  it('uses the receive time without a declared timestamp', () => {
    const { samples, emit } = collector();
    mapper().map('mqtt', 'rig/r3/raw', new Uint8Array(new Float32Array([1, 2]).buffer), NOW, emit);
    expect(samples.map((s) => s.deviceTime)).toEqual([NOW, NOW]);
  });

  it('says expected vs got bytes for a wrong length, and refuses NaN and bad times', () => {
    const { samples, emit } = collector();
    const m = mapper();
    expect(deadLetter(m.map('mqtt', 'rig/r1/strain', strain([1, 2, 3]), NOW, emit))).toMatchObject({
      reason: 'wrong_length',
      message:
        'expected 24 bytes (an 8-byte f64ms timestamp + 4 × 4-byte f32le values), got 20 (sources[0].rules[3])',
      excerptKind: 'hex',
    });
    expect(
      deadLetter(m.map('mqtt', 'rig/r1/strain', strain([1, NaN, 3, 4]), NOW, emit)),
    ).toMatchObject({
      reason: 'non_finite',
      message: expect.stringContaining('value 1 (channel "r1/strain[1]") is NaN') as unknown,
    });
    expect(
      deadLetter(m.map('mqtt', 'rig/r1/strain', strain([1, 2, 3, 4], NaN), NOW, emit)).reason,
    ).toBe('bad_timestamp');
    expect(
      deadLetter(m.map('mqtt', 'rig/r1/strain', strain([1, 2, 3, 4], -5), NOW, emit)).reason,
    ).toBe('bad_timestamp');
    expect(samples).toEqual([]);
  });
});

describe('compileMapping: legacy', () => {
  it('maps {"t", "v"} to the channel its template names', () => {
    const { samples, emit } = collector();
    expect(mapper().map('mqtt', 'legacy/deck/acc', json({ t: T, v: 0.5 }), NOW, emit)).toEqual({
      ok: true,
      samples: 1,
    });
    expect(samples).toEqual([{ channel: 'deck/acc', deviceTime: T, value: 0.5 }]);
  });

  it('takes the Kafka record key as the channel, else the "channel" field', () => {
    const { samples, emit } = collector();
    const kafka = mapper().source('kafka');
    kafka.map(
      'twinbench.telemetry',
      json({ t: T, v: 1 }),
      NOW,
      emit,
      new TextEncoder().encode(' acc.z.L50 '),
    );
    kafka.map('twinbench.telemetry', json({ t: T, v: 2, channel: 'wind' }), NOW, emit, null);
    kafka.map('twinbench.telemetry', json({ t: T, v: 3, channel: 'wind' }), NOW, emit, 'gust');
    expect(samples.map((s) => `${s.channel}=${s.value}`)).toEqual([
      'acc.z.L50=1',
      'wind=2',
      'gust=3',
    ]);
    expect(
      deadLetter(kafka.map('twinbench.telemetry', json({ t: T, v: 1 }), NOW, emit)),
    ).toMatchObject({
      reason: 'missing_field',
      message: expect.stringContaining('set the record key to the channel name') as unknown,
    });
  });

  it('refuses what parseTelemetry refuses, with a reason each', () => {
    const { emit } = collector();
    const m = mapper();
    const cases: [unknown, string][] = [
      [[1, 2], 'wrong_type'],
      [{ v: 1 }, 'missing_field'],
      [{ t: 0, v: 1 }, 'bad_timestamp'],
      [{ t: '5', v: 1 }, 'bad_timestamp'],
      [{ t: T, v: '1' }, 'wrong_type'],
      [`{"t": ${T}, "v": -1e999}`, 'non_finite'],
      [{ t: T, v: 1, channel: '' }, 'wrong_type'],
    ];
    for (const [payload, reason] of cases) {
      expect(
        deadLetter(m.map('mqtt', 'legacy/x', json(payload), NOW, emit)).reason,
        JSON.stringify(payload),
      ).toBe(reason);
    }
  });
});

describe('compileMapping: dead letters and counters', () => {
  it('dead-letters unmatched topics, oversized payloads and empty names', () => {
    const { emit } = collector();
    const m = mapper();
    expect(deadLetter(m.map('mqtt', 'nowhere/x', json({}), NOW, emit))).toMatchObject({
      reason: 'unmatched_topic',
      rule: '',
      message:
        'no rule of source "mqtt" matches topic "nowhere/x" — add a rule whose topic filter matches it, or stop publishing there',
    });
    expect(deadLetter(m.map('mqtt', 'legacy/x', new Uint8Array(513), NOW, emit))).toMatchObject({
      reason: 'oversized',
      size: 513,
      message: expect.stringContaining(
        'payload is 513 bytes; the limit is 512 (limits.maxPayloadBytes)',
      ) as unknown,
    });
    expect(deadLetter(m.map('mqtt', 'legacy', json({ t: T, v: 1 }), NOW, emit))).toMatchObject({
      reason: 'empty_name',
      rule: 'sources[0].rules[6]',
    });
  });

  it('keeps dead letters in the ring, calls the hook, and counts every message exactly once', () => {
    const hooked: DeadLetterEntry[] = [];
    const m = mapper({}, (entry) => hooked.push(entry));
    const { emit } = collector();
    m.map('mqtt', 'legacy/a', json({ t: T, v: 1 }), NOW, emit);
    m.map('mqtt', 'plant/p1/sensors/x', json({ ts: T, temp: 1, acc: [1, 2, 3] }), NOW, emit);
    m.map('mqtt', 'nowhere', json({ t: T, v: 1 }), NOW + 1, emit);
    m.map('mqtt', 'legacy/a', new TextEncoder().encode('nope'), NOW + 2, emit);
    expect(hooked.map((e) => [e.seq, e.reason, e.at, e.excerpt])).toEqual([
      [1, 'unmatched_topic', NOW + 1, '{"t":1714564795000,"v":1}'],
      [2, 'undecodable', NOW + 2, 'nope'],
    ]);
    expect(m.deadLetters.page().entries).toEqual([hooked[1], hooked[0]]);
    const [mqtt, kafka] = m.stats();
    expect(mqtt).toMatchObject({
      source: 'mqtt',
      received: 4,
      mapped: 2,
      samples: 5,
      deadLetters: 2,
      hookFailures: 0,
    });
    expect(mqtt?.deadLettersByReason).toMatchObject({
      unmatched_topic: 1,
      undecodable: 1,
      oversized: 0,
    });
    expect(kafka).toMatchObject({ source: 'kafka', received: 0 });
  });

  it('counts a throwing hook and goes on mapping', () => {
    const m = mapper({}, () => {
      throw new Error('broker down');
    });
    const { emit } = collector();
    expect(m.map('mqtt', 'nowhere', json({}), NOW, emit).ok).toBe(false);
    expect(m.map('mqtt', 'legacy/a', json({ t: T, v: 1 }), NOW, emit).ok).toBe(true);
    expect(m.stats()[0]).toMatchObject({ received: 2, deadLetters: 1, hookFailures: 1 });
  });

  it('sizes the ring from limits.deadLetterCapacity', () => {
    const m = mapper({ limits: { deadLetterCapacity: 2 } });
    for (let i = 0; i < 5; i++) m.map('mqtt', `nowhere/${i}`, json({}), NOW, () => {});
    expect(m.deadLetters.page().entries.map((e) => e.topic)).toEqual(['nowhere/4', 'nowhere/3']);
  });

  it('maps correctly past the topic cache size', () => {
    const m = mapper({ limits: { topicCacheSize: 2 } });
    const { samples, emit } = collector();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 5; i++) m.map('mqtt', `legacy/c${i}`, json({ t: T, v: i }), NOW, emit);
    }
    expect(samples.map((s) => s.channel)).toEqual(
      Array.from({ length: 3 }, () => ['c0', 'c1', 'c2', 'c3', 'c4']).flat(),
    );
  });
});

describe('compileMapping: wiring', () => {
  it('throws a MappingConfigError for a source the config does not define', () => {
    expect(() => mapper().source('amqp')).toThrow(MappingConfigError);
    expect(() => mapper().source('amqp')).toThrow(
      /no source named "amqp" .* use one of: mqtt, kafka/,
    );
  });

  it('throws when emit maps into the same source again', () => {
    const m = mapper();
    const source = m.source('mqtt');
    const emit = () => {
      source.map('legacy/b', json({ t: T, v: 1 }), NOW, () => {});
    };
    expect(() => source.map('legacy/a', json({ t: T, v: 1 }), NOW, emit)).toThrow(
      /called from inside its own emit callback/,
    );
    expect(source.map('legacy/a', json({ t: T, v: 1 }), NOW, () => {}).ok).toBe(true);
  });

  it('refuses an invalid config with every issue', () => {
    expect(() => compileMapping({ version: 1, sources: [] })).toThrow(MappingConfigError);
  });
});
