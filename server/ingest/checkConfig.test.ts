import { describe, expect, it } from 'vitest';
import { checkMappingConfig, checkMappingData } from './checkConfig.ts';
import { MappingConfigError } from './mappingConfigError.ts';
import type { MappingConfig } from './protocol.ts';

const valid: MappingConfig = {
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
          topic: 'rig/+/strain',
          format: 'f32le',
          payloadType: 'rig.strain.v1',
          timestamp: 'u64ns',
          channel: '{1}/strain',
          count: 64,
        },
      ],
    },
    {
      name: 'kafka',
      rules: [{ topic: '#', format: 'legacy', payloadType: 'legacy.v1', channelFrom: 'key' }],
    },
  ],
  schemas: { 'plant.v1': { type: 'object', required: ['temp'] } },
  limits: { maxPayloadBytes: 4096 },
};

/** The config with one rule replaced (sources[0].rules[0] unless told). */
function withRule(rule: Record<string, unknown>, index = 0): unknown {
  const rules = [...(valid.sources[0]?.rules ?? [])] as unknown[];
  rules[index] = rule;
  return { ...valid, sources: [{ name: 'mqtt', rules }, valid.sources[1]] };
}

function issues(data: unknown) {
  const result = checkMappingData(data);
  return result.ok ? [] : result.issues.map((i) => ({ ...i, path: i.path.join('.') }));
}

function errorOf(data: unknown): MappingConfigError {
  try {
    checkMappingConfig(data);
  } catch (error) {
    if (error instanceof MappingConfigError) return error;
    throw error;
  }
  throw new Error('expected a MappingConfigError');
}

describe('checkMappingConfig: schema', () => {
  it('accepts a valid config and fills in default limits', () => {
    const checked = checkMappingConfig(valid);
    expect(checked.limits).toEqual({
      maxPayloadBytes: 4096,
      maxArrayItems: 1024,
      topicCacheSize: 10_000,
      deadLetterCapacity: 1000,
    });
    expect(checked.sources.map((s) => s.rules.length)).toEqual([2, 1]);
  });

  it('names the field path of each problem in the message', () => {
    const error = errorOf(
      withRule(
        {
          ...valid.sources[0]?.rules[1],
          channels: ['a', 'a'],
          channel: undefined,
          count: undefined,
        },
        1,
      ),
    );
    expect(error.reason).toBe('semantic');
    expect(error.issues[0]).toMatchObject({
      code: 'duplicate_channel',
      path: 'sources[0].rules[1].channels[1]',
    });
    expect(error.message).toContain(
      'sources[0].rules[1].channels[1]: channel "a" is already fed by sources[0].rules[1].channels[0]',
    );
  });

  it('suggests the key or format that was probably meant', () => {
    const found = issues(withRule({ topic: 'a/#', format: 'jsno', payloadType: 'x', fields: [] }));
    expect(found).toEqual([
      expect.objectContaining({
        code: 'not_allowed',
        path: 'sources.0.rules.0.format',
        message: expect.stringContaining('did you mean `json`?') as unknown,
      }),
    ]);
    const typo = issues(withRule({ topic: 'a/#', format: 'json', payloadType: 'x', feilds: [] }));
    expect(typo).toContainEqual(
      expect.objectContaining({
        code: 'unknown_key',
        message: expect.stringContaining('did you mean `fields`?') as unknown,
      }),
    );
    expect(typo).toContainEqual(
      expect.objectContaining({ code: 'missing_key', message: 'missing `fields` — add it' }),
    );
  });

  it('refuses keys of another format, wrong types and out-of-range limits', () => {
    expect(
      issues(withRule({ topic: 'a', format: 'legacy', payloadType: 'x', count: 3 })),
    ).toContainEqual(
      expect.objectContaining({ code: 'unknown_key', path: 'sources.0.rules.0.count' }),
    );
    expect(issues({ ...valid, version: 2 })).toContainEqual(
      expect.objectContaining({ code: 'not_allowed', path: 'version' }),
    );
    expect(issues({ ...valid, limits: { maxPayloadBytes: 0 } })).toContainEqual(
      expect.objectContaining({ code: 'out_of_range', path: 'limits.maxPayloadBytes' }),
    );
    expect(issues({ version: 1, sources: 'mqtt' })).toContainEqual(
      expect.objectContaining({ code: 'wrong_type', path: 'sources' }),
    );
    expect(issues(null)).toContainEqual(expect.objectContaining({ code: 'wrong_type', path: '' }));
  });
});

describe('checkMappingConfig: meaning', () => {
  const json = (over: Record<string, unknown>) =>
    withRule({
      topic: 'plant/+/sensors/#',
      format: 'json',
      payloadType: 'plant.v1',
      fields: [{ path: 'temp', channel: 't' }],
      ...over,
    });

  it('refuses bad filters and template variables the filter does not capture', () => {
    expect(issues(json({ topic: 'plant/#/x' }))).toEqual([
      expect.objectContaining({ code: 'bad_filter', path: 'sources.0.rules.0.topic' }),
    ]);
    expect(issues(json({ fields: [{ path: 'a', channel: '{2}/a' }] }))).toEqual([
      expect.objectContaining({
        code: 'uncaptured_variable',
        path: 'sources.0.rules.0.fields.0.channel',
      }),
    ]);
    expect(
      issues(json({ topic: 'plant/+', fields: [{ path: 'a', channel: '{#}' }] })),
    ).toContainEqual(expect.objectContaining({ code: 'uncaptured_variable' }));
    expect(issues(json({ deviceId: '{device}' }))).toEqual([
      expect.objectContaining({ code: 'bad_template', path: 'sources.0.rules.0.deviceId' }),
    ]);
  });

  it('refuses bad paths, channel and channels together, and duplicate names', () => {
    expect(issues(json({ fields: [{ path: 'a..b', channel: 'x' }] }))).toEqual([
      expect.objectContaining({ code: 'bad_path', path: 'sources.0.rules.0.fields.0.path' }),
    ]);
    expect(issues(json({ fields: [{ path: 'a', channel: 'x', channels: ['y'] }] }))).toEqual([
      expect.objectContaining({ code: 'conflict', path: 'sources.0.rules.0.fields.0' }),
    ]);
    expect(issues(json({ fields: [{ path: 'a' }] }))).toEqual([
      expect.objectContaining({ code: 'missing_key', path: 'sources.0.rules.0.fields.0' }),
    ]);
    expect(
      issues(
        json({
          fields: [
            { path: 'a', channel: '{1}/v' },
            { path: 'b', channels: ['{1}/v[1]'] },
          ],
        }),
      ),
    ).toEqual([
      expect.objectContaining({
        code: 'duplicate_channel',
        path: 'sources.0.rules.0.fields.1.channels.0',
      }),
    ]);
    expect(issues(json({ deviceId: '{1}', deviceIdPath: 'id' }))).toContainEqual(
      expect.objectContaining({ code: 'conflict', path: 'sources.0.rules.0.deviceIdPath' }),
    );
  });

  it('refuses binary rules without names, with both forms, or that never fit the payload limit', () => {
    const bin = (over: Record<string, unknown>) =>
      withRule({ topic: 'rig/+', format: 'f64le', payloadType: 'rig', ...over }, 1);
    expect(issues(bin({}))).toEqual([
      expect.objectContaining({ code: 'missing_key', path: 'sources.0.rules.1' }),
    ]);
    expect(issues(bin({ channel: 'a' }))).toEqual([
      expect.objectContaining({
        code: 'missing_key',
        message: expect.stringContaining('missing `count`') as unknown,
      }),
    ]);
    expect(issues(bin({ channels: ['a'], channel: 'b', count: 1 }))).toEqual([
      expect.objectContaining({ code: 'conflict' }),
    ]);
    expect(issues(bin({ channel: 'a', count: 600, timestamp: 'f64ms' }))).toEqual([
      expect.objectContaining({
        code: 'never_fits',
        path: 'sources.0.rules.1.count',
        message: expect.stringContaining('4808 bytes') as unknown,
      }),
    ]);
    expect(issues(bin({ channel: 'a', count: 2, deviceIdPath: 'id' }))).toEqual([
      expect.objectContaining({ code: 'conflict', path: 'sources.0.rules.1.deviceIdPath' }),
    ]);
  });

  it('refuses a rule an earlier rule of its source always takes first', () => {
    const data = {
      version: 1,
      sources: [
        {
          name: 'm',
          rules: [
            { topic: 'a/#', format: 'legacy', payloadType: 'x' },
            { topic: 'a/+/c', format: 'legacy', payloadType: 'x' },
          ],
        },
      ],
    };
    expect(issues(data)).toEqual([
      expect.objectContaining({
        code: 'unreachable_rule',
        path: 'sources.0.rules.1.topic',
        message: expect.stringContaining('taken first by rules[0] (`a/#`)') as unknown,
      }),
    ]);
  });

  it('refuses duplicate sources, unknown payload types in schemas, schemas for binary types and broken schemas', () => {
    expect(issues({ ...valid, sources: [valid.sources[1], valid.sources[1]] })).toContainEqual(
      expect.objectContaining({ code: 'duplicate_source', path: 'sources.1.name' }),
    );
    const schemas = (extra: Record<string, unknown>) =>
      issues({ ...valid, schemas: { ...valid.schemas, ...extra } });
    expect(schemas({ 'plant.v2': {} })).toEqual([
      expect.objectContaining({
        code: 'unused_schema',
        message: expect.stringContaining('did you mean "plant.v1"?') as unknown,
      }),
    ]);
    expect(schemas({ 'rig.strain.v1': {} })).toEqual([
      expect.objectContaining({ code: 'conflict', path: 'schemas.rig.strain.v1' }),
    ]);
    expect(schemas({ 'legacy.v1': { type: 'objekt' } })).toEqual([
      expect.objectContaining({ code: 'bad_schema', path: 'schemas.legacy.v1' }),
    ]);
    expect(schemas({ 'legacy.v1': { typo_keyword: 1 } })).toEqual([
      expect.objectContaining({ code: 'bad_schema' }),
    ]);
  });

  it('refuses one payload type used for both decoded and binary payloads', () => {
    const data = withRule(
      { topic: 'rig/+/strain', format: 'f32le', payloadType: 'plant.v1', channels: ['a'] },
      1,
    );
    expect(issues(data)).toContainEqual(
      expect.objectContaining({ code: 'conflict', path: 'sources.0.rules.1.payloadType' }),
    );
  });
});
