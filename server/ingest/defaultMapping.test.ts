import { describe, expect, it } from 'vitest';
import { FOOTBRIDGE_TOPIC_PREFIX, parseTelemetry } from '../../src/protocol/telemetry.ts';
import { parseKafkaRecord } from '../relay/kafkaRecord.ts';
import { channelForTopic } from '../relay/topicChannel.ts';
import { DEFAULT_MAPPING_CONFIG, legacyMappingConfig } from './defaultMapping.ts';
import { compileMapping } from './mapper.ts';
import type { MappedSample } from './protocol.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const NOW = 1_714_564_800_000;

/** Payloads the fleet sends, and ones it must not. */
const payloads = [
  '{"t":1714564795000,"v":0.5}',
  '{"t":5,"v":-1.25e-3}',
  '{"t":5,"v":1,"channel":"wind"}',
  '{"t":5,"v":1,"channel":""}',
  '{"t":5,"v":1,"channel":7}',
  '{"t":0,"v":1}',
  '{"t":-5,"v":1}',
  '{"t":"5","v":1}',
  '{"t":5,"v":"1"}',
  '{"t":5,"v":1e999}',
  '{"t":5}',
  '{"v":5}',
  '[5, 1]',
  '42',
  'null',
  'not json',
  '',
];

const mapper = compileMapping(DEFAULT_MAPPING_CONFIG);

function mapOne(source: string, topic: string, payload: Uint8Array, key?: Uint8Array | null) {
  const samples: MappedSample[] = [];
  const result = mapper.source(source).map(
    topic,
    payload,
    NOW,
    (channel, deviceTime, value) => {
      samples.push({ channel, deviceTime, value });
    },
    key,
  );
  return { ok: result.ok, samples };
}

describe('DEFAULT_MAPPING_CONFIG', () => {
  it('maps MQTT as the relay does today: channelForTopic + parseTelemetry', () => {
    const filter = `${FOOTBRIDGE_TOPIC_PREFIX}/#`;
    const topics = ['disp.z.L50', 'deck/acc', 'acc.z.L25'].map(
      (c) => `${FOOTBRIDGE_TOPIC_PREFIX}/${c}`,
    );
    for (const topic of topics) {
      for (const text of payloads) {
        const parsed = parseTelemetry(bytes(text));
        const expected = parsed.ok
          ? [
              {
                channel: channelForTopic([filter], topic),
                deviceTime: parsed.payload.t,
                value: parsed.payload.v,
              },
            ]
          : [];
        expect(mapOne('mqtt', topic, bytes(text)), `${topic} ${text}`).toEqual({
          ok: parsed.ok,
          samples: expected,
        });
      }
    }
  });

  it('maps Kafka as the relay does today: parseKafkaRecord', () => {
    for (const key of [bytes('acc.z.L50'), bytes('  '), null]) {
      for (const text of payloads) {
        const parsed = parseKafkaRecord(key, bytes(text));
        const expected = parsed.ok
          ? [{ channel: parsed.channel, deviceTime: parsed.payload.t, value: parsed.payload.v }]
          : [];
        expect(
          mapOne('kafka', 'twinbench.telemetry', bytes(text), key),
          `${String(key)} ${text}`,
        ).toEqual({
          ok: parsed.ok,
          samples: expected,
        });
      }
    }
  });

  it('leaves the command topic and other traffic to dead letters', () => {
    expect(mapOne('mqtt', 'twinbench/footbridge/commands', bytes('{"t":5,"v":1}')).ok).toBe(false);
  });

  it('follows the relay’s own MQTT filters, dropping ones an earlier filter covers', () => {
    const config = legacyMappingConfig({
      mqttFilters: ['site/#', 'site/bridge/+', 'plant/+/temp'],
    });
    expect(config.sources[0]?.rules.map((r) => r.topic)).toEqual(['site/#', 'plant/+/temp']);
    const samples: string[] = [];
    compileMapping(config).map('mqtt', 'plant/p1/temp', bytes('{"t":5,"v":1}'), NOW, (c) =>
      samples.push(c),
    );
    expect(samples).toEqual([channelForTopic(['site/#', 'plant/+/temp'], 'plant/p1/temp')]);
  });
});
