import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileMapping } from './mapper.ts';
import { MappingConfigError } from './mappingConfigError.ts';
import { parseMappingYaml } from './parseMappingYaml.ts';

function errorOf(text: string): MappingConfigError {
  try {
    parseMappingYaml(text);
  } catch (error) {
    if (error instanceof MappingConfigError) return error;
    throw error;
  }
  throw new Error('expected a MappingConfigError');
}

const example = `
version: 1
sources:
  - name: mqtt
    rules:
      - topic: plant/+/sensors/#
        format: json
        payloadType: plant.sensors.v1
        deviceId: "{1}"
        timestamp: { path: ts, unit: ms }
        fields:
          - { path: temp, channel: "{1}/{#}/temp" }
          - { path: /acc, channels: ["{1}/ax", "{1}/ay", "{1}/az"] }
      - topic: rig/+/strain
        format: f32le
        payloadType: rig.strain.v1
        timestamp: u64ns
        channel: "{1}/strain"
        count: 64
  - name: kafka
    rules:
      - { topic: "#", format: legacy, payloadType: twinbench.legacy.v1, channelFrom: key }
schemas:
  plant.sensors.v1: { type: object, required: [temp], properties: { temp: { type: number } } }
limits: { maxPayloadBytes: 1048576, maxArrayItems: 1024, topicCacheSize: 10000, deadLetterCapacity: 1000 }
`;

describe('parseMappingYaml', () => {
  it('reads the documented example', () => {
    const config = parseMappingYaml(example);
    expect(config.sources.map((s) => s.name)).toEqual(['mqtt', 'kafka']);
    expect(config.sources[0]?.rules[1]).toMatchObject({ format: 'f32le', count: 64 });
  });

  it('places each problem at its line and column', () => {
    const error = errorOf(example.replace('channel: "{1}/strain"', 'channel: "{2}/strain"'));
    expect(error.reason).toBe('semantic');
    expect(error.issues).toEqual([
      expect.objectContaining({ path: 'sources[0].rules[1].channel', line: 18, column: 18 }),
    ]);
    expect(error.message).toContain(
      'sources[0].rules[1].channel (line 18, col 18): `{2}/strain` uses {2}',
    );
  });

  it('places schema problems at the key, or at the object missing one', () => {
    const error = errorOf(
      example
        .replace('format: f32le', 'format: f32el')
        .replace('    rules:\n      - {', '    rulez:\n      - {'),
    );
    expect(error.reason).toBe('schema');
    expect(error.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: 'sources[0].rules[1].format',
          line: 15,
          message: expect.stringContaining('did you mean `f32le`?') as unknown,
        }),
        expect.objectContaining({ path: 'sources[1]', line: 20, code: 'missing_key' }),
        expect.objectContaining({
          path: 'sources[1].rulez',
          line: 21,
          column: 5,
          code: 'unknown_key',
        }),
      ]),
    );
  });

  it('reports YAML syntax errors with their position', () => {
    const error = errorOf('version: 1\nsources: [\n');
    expect(error.reason).toBe('yaml_syntax');
    expect(error.issues[0]).toMatchObject({
      code: 'yaml_syntax',
      line: expect.any(Number) as unknown,
    });
    expect(errorOf('version: 1\nversion: 1\nsources: []').reason).toBe('yaml_syntax');
  });
});

describe('the config example in protocol.ts', () => {
  it('parses and compiles as documented', () => {
    const source = readFileSync(new URL('./protocol.ts', import.meta.url), 'utf8');
    const block = /```yaml\n([\s\S]*?)```/.exec(source)?.[1] ?? '';
    const yaml = block.replace(/^ \* ?/gm, '');
    expect(yaml).toContain('version: 1');
    const mapper = compileMapping(parseMappingYaml(yaml));
    expect(mapper.sourceNames).toEqual(['mqtt', 'kafka']);
    const samples: string[] = [];
    const payload = new TextEncoder().encode(
      '{"ts": 1714564800000, "temp": 21, "acc": [0, 0, 9.8]}',
    );
    mapper.map('mqtt', 'plant/p1/sensors/boiler', payload, 0, (channel) => samples.push(channel));
    expect(samples).toEqual(['p1/boiler/temp', 'p1/ax', 'p1/ay', 'p1/az']);
  });
});
