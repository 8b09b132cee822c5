import {
  BINARY_TIMESTAMPS,
  FIELD_TIMESTAMP_UNITS,
  MAPPING_CONFIG_VERSION,
  PAYLOAD_FORMATS,
} from './protocol.ts';

/**
 * The mapping config's JSON Schema (draft 2020-12): shapes and types. What it cannot say —
 * filters, templates, paths, duplicate names, rule order — checkConfig.ts checks after it.
 */

const name = { type: 'string', minLength: 1 } as const;
const template = {
  type: 'string',
  minLength: 1,
  description: 'A template over the topic: {1}…, {#}, {topic}, {suffix}',
} as const;
const path = {
  type: 'string',
  description: 'A dot path (a.b.0) or a JSON pointer (/a/b/0)',
} as const;

const ifFormat = (formats: readonly string[]) => ({
  required: ['format'],
  properties: { format: { enum: formats } },
});

export const mappingConfigSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Twinbench relay message-to-channel mapping',
  type: 'object',
  required: ['version', 'sources'],
  additionalProperties: false,
  properties: {
    version: { const: MAPPING_CONFIG_VERSION, description: 'Mapping config version' },
    sources: {
      type: 'array',
      minItems: 1,
      items: { $ref: '#/$defs/source' },
    },
    schemas: {
      type: 'object',
      description: 'JSON Schema per payloadType',
      additionalProperties: { type: ['object', 'boolean'] },
    },
    limits: {
      type: 'object',
      additionalProperties: false,
      properties: {
        maxPayloadBytes: { type: 'integer', minimum: 1, maximum: 1 << 30 },
        maxArrayItems: { type: 'integer', minimum: 1, maximum: 1 << 20 },
        topicCacheSize: { type: 'integer', minimum: 1, maximum: 10_000_000 },
        deadLetterCapacity: { type: 'integer', minimum: 1, maximum: 1_000_000 },
      },
    },
  },
  $defs: {
    source: {
      type: 'object',
      required: ['name', 'rules'],
      additionalProperties: false,
      properties: {
        name: { ...name, description: 'The relay connection, e.g. mqtt or kafka' },
        rules: { type: 'array', minItems: 1, items: { $ref: '#/$defs/rule' } },
      },
    },
    rule: {
      type: 'object',
      required: ['topic', 'format', 'payloadType'],
      properties: {
        topic: { type: 'string', description: 'An MQTT topic filter, e.g. plant/+/sensors/#' },
        format: { enum: PAYLOAD_FORMATS },
        payloadType: { ...name, description: 'The payload type, which picks its schema' },
        deviceId: template,
        deviceIdPath: path,
      },
      allOf: [
        {
          if: ifFormat(['json', 'cbor', 'msgpack']),
          then: {
            required: ['fields'],
            properties: {
              fields: { type: 'array', minItems: 1, items: { $ref: '#/$defs/field' } },
              timestamp: {
                type: 'object',
                required: ['path', 'unit'],
                additionalProperties: false,
                properties: { path, unit: { enum: FIELD_TIMESTAMP_UNITS } },
              },
            },
          },
        },
        {
          if: ifFormat(['f32le', 'f64le']),
          then: {
            properties: {
              timestamp: { enum: BINARY_TIMESTAMPS },
              channels: { type: 'array', minItems: 1, items: template },
              channel: template,
              count: { type: 'integer', minimum: 1, maximum: 1 << 20 },
            },
          },
        },
        {
          if: ifFormat(['legacy']),
          then: {
            properties: {
              channel: template,
              channelFrom: { enum: ['topic', 'key'] },
            },
          },
        },
      ],
      unevaluatedProperties: false,
    },
    field: {
      type: 'object',
      required: ['path'],
      additionalProperties: false,
      properties: {
        path,
        channel: template,
        channels: { type: 'array', minItems: 1, items: template },
      },
    },
  },
} as const;
