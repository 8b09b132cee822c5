import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StartupError } from '../errors.ts';
import { loadMapping } from './loadMapping.ts';

const dir = mkdtempSync(join(tmpdir(), 'twinbench-mapping-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const base = { mqttTopics: ['twinbench/footbridge/sensors/#'], kafka: null };
const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe('loadMapping', () => {
  it('uses the built-in {"t","v"} mapping over TWINBENCH_MQTT_TOPICS without a file', async () => {
    const { mapper, mqttFilters } = await loadMapping({ ...base, mappingFile: null });
    expect(mqttFilters).toEqual(base.mqttTopics);
    const got: unknown[] = [];
    mapper
      .source('mqtt')
      .map('twinbench/footbridge/sensors/a', encode({ t: 5, v: 2 }), 9, (...s) => got.push(s));
    expect(got).toEqual([['a', 5, 2]]);
  });

  it('reads a mapping file; its MQTT rules are the subscriptions', async () => {
    const path = file(
      'plant.yaml',
      [
        'version: 1',
        'sources:',
        '  - name: mqtt',
        '    rules:',
        '      - topic: plant/+/sensors',
        '        format: json',
        '        payloadType: plant.v1',
        '        fields:',
        '          - { path: temp, channel: "{1}/temp" }',
        'schemas:',
        '  plant.v1: { type: object, required: [temp] }',
      ].join('\n'),
    );
    const { mapper, mqttFilters } = await loadMapping({ ...base, mappingFile: path });
    expect(mqttFilters).toEqual(['plant/+/sensors']);
    const got: unknown[] = [];
    const result = mapper
      .source('mqtt')
      .map('plant/p7/sensors', encode({ temp: 21.5 }), 100, (...s) => got.push(s));
    expect(result.ok).toBe(true);
    expect(got).toEqual([['p7/temp', 100, 21.5]]);
  });

  it('refuses a missing file, a wrong one (with line numbers) and missing sources', async () => {
    await expect(loadMapping({ ...base, mappingFile: join(dir, 'nope.yaml') })).rejects.toThrow(
      /TWINBENCH_MAPPING=.*nope\.yaml cannot be read/,
    );
    const bad = file('bad.yaml', 'version: 1\nsources:\n  - name: mqtt\n    rules: 7\n');
    const error = await loadMapping({ ...base, mappingFile: bad }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StartupError);
    expect((error as Error).message).toMatch(/bad\.yaml: mapping config: .*rules/s);
    expect((error as Error).message).toMatch(/line 4/);
    const kafkaless = file(
      'mqtt-only.yaml',
      'version: 1\nsources:\n  - name: mqtt\n    rules:\n      - { topic: "a/#", format: legacy, payloadType: twinbench.legacy.v1 }\nschemas:\n  twinbench.legacy.v1: { type: object }\n',
    );
    await expect(loadMapping({ ...base, mappingFile: kafkaless })).resolves.toBeDefined();
    await expect(
      loadMapping({ ...base, kafka: { brokers: ['x:1'] }, mappingFile: kafkaless }),
    ).rejects.toThrow(/no source named "kafka"/);
  });
});
