import { describe, expect, it } from 'vitest';
import { DEFAULT_MAPPING_CONFIG } from './defaultMapping.ts';
import { compileMapping, type SourceMapper } from './mapper.ts';
import type { MappingConfig } from './protocol.ts';

/**
 * How fast messages become samples, printed as one JSON object per format (no assertion on
 * time: these machines are shared and noisy). The relay's target is ≥ 500k samples/s on 2 cores.
 */

const NOW = 1_714_564_800_000;
const SAMPLES = 200_000;
const DEVICES = 16;
const STRAIN_CHANNELS = 64;

const config: MappingConfig = {
  version: 1,
  sources: [
    {
      name: 'mqtt',
      rules: [
        {
          topic: 'rig/+/strain',
          format: 'f32le',
          payloadType: 'rig.strain.v1',
          deviceId: '{1}',
          timestamp: 'f64ms',
          channel: '{1}/strain',
          count: STRAIN_CHANNELS,
        },
        {
          topic: 'plant/+/sensors',
          format: 'json',
          payloadType: 'plant.v1',
          deviceId: '{1}',
          timestamp: { path: 'ts', unit: 'ms' },
          fields: [
            { path: 'temp', channel: '{1}/temp' },
            { path: 'pressure', channel: '{1}/pressure' },
            { path: 'flow', channel: '{1}/flow' },
            { path: 'rpm', channel: '{1}/rpm' },
            { path: 'humidity', channel: '{1}/humidity' },
            { path: 'acc', channels: ['{1}/ax', '{1}/ay', '{1}/az'] },
          ],
        },
      ],
    },
  ],
  schemas: {
    'plant.v1': {
      type: 'object',
      required: ['ts', 'temp', 'acc'],
      properties: { ts: { type: 'number' }, acc: { type: 'array', maxItems: 3 } },
    },
  },
};

/** f32le payloads as mqtt.js hands them over: Buffers, at offsets 0 (aligned) or 1 (not). */
function strainPayloads(offset: number): Buffer[] {
  return Array.from({ length: DEVICES }, (_, d) => {
    const backing = Buffer.alloc(offset + 8 + STRAIN_CHANNELS * 4);
    const payload = backing.subarray(offset);
    payload.writeDoubleLE(NOW - d, 0);
    for (let i = 0; i < STRAIN_CHANNELS; i++) payload.writeFloatLE(Math.sin(d + i), 8 + i * 4);
    return payload;
  });
}

function jsonPayloads(): Buffer[] {
  return Array.from({ length: DEVICES }, (_, d) =>
    Buffer.from(
      JSON.stringify({
        ts: NOW - d,
        temp: 21.5 + d,
        pressure: 101.325,
        flow: 0.125 * d,
        rpm: 1480 + d,
        humidity: 0.41,
        acc: [0.01, -0.02, 9.81],
        status: 'ok',
      }),
    ),
  );
}

function legacyPayloads(): Buffer[] {
  return Array.from({ length: DEVICES }, (_, d) =>
    Buffer.from(JSON.stringify({ t: NOW - d, v: d * 0.5 })),
  );
}

const ROUNDS = 5;

/**
 * Maps messages round-robin over the devices until `SAMPLES` samples came out, ROUNDS times
 * after a warm-up, and reports the median round.
 */
function measure(
  source: SourceMapper,
  topics: readonly string[],
  payloads: readonly Buffer[],
  samplesPerMessage: number,
) {
  let emitted = 0;
  let checksum = 0;
  const emit = (_channel: string, _t: number, value: number) => {
    emitted++;
    checksum += value;
  };
  const messages = Math.ceil(SAMPLES / samplesPerMessage);
  const run = () => {
    emitted = 0;
    const start = performance.now();
    for (let i = 0; i < messages; i++) {
      const d = i % DEVICES;
      source.map(topics[d] as string, payloads[d] as Buffer, NOW, emit);
    }
    expect(emitted).toBe(messages * samplesPerMessage);
    return (performance.now() - start) / 1000;
  };
  run(); // warm-up: lets the JIT compile the hot path
  const seconds = Array.from({ length: ROUNDS }, run).sort((a, b) => a - b)[ROUNDS >> 1] as number;
  expect(Number.isFinite(checksum)).toBe(true);
  return {
    samples: SAMPLES,
    messages,
    rounds: ROUNDS,
    medianMs: Number((seconds * 1000).toFixed(2)),
    samplesPerSecond: Math.round((messages * samplesPerMessage) / seconds),
    messagesPerSecond: Math.round(messages / seconds),
  };
}

describe('mapping rate', () => {
  it('maps 200k f32le samples and 200k json samples (prints the rates)', () => {
    const mqtt = compileMapping(config).source('mqtt');
    const rigTopics = Array.from({ length: DEVICES }, (_, d) => `rig/r${d}/strain`);
    const plantTopics = Array.from({ length: DEVICES }, (_, d) => `plant/p${d}/sensors`);
    const results = {
      'f32le aligned': measure(mqtt, rigTopics, strainPayloads(0), STRAIN_CHANNELS),
      'f32le unaligned': measure(mqtt, rigTopics, strainPayloads(1), STRAIN_CHANNELS),
      json: measure(mqtt, plantTopics, jsonPayloads(), 8),
    };
    const legacy = compileMapping(DEFAULT_MAPPING_CONFIG).source('mqtt');
    const fleetTopics = Array.from(
      { length: DEVICES },
      (_, d) => `twinbench/footbridge/sensors/c${d}`,
    );
    const all = {
      ...results,
      'legacy (default config)': measure(legacy, fleetTopics, legacyPayloads(), 1),
    };
    for (const [format, result] of Object.entries(all)) {
      console.info(JSON.stringify({ bench: 'ingest.mapRate', format, ...result }));
    }
    expect(mqtt.counters.deadLetters).toBe(0);
    expect(legacy.counters.deadLetters).toBe(0);
  });
});
