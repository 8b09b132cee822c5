import { FOOTBRIDGE_TOPIC_PREFIX } from '../../src/protocol/telemetry.ts';
import { MAPPING_CONFIG_VERSION, type MappingConfig } from './protocol.ts';
import { filterCovers } from './topicFilter.ts';

/** The payload type of the fleet's `{"t": <ms>, "v": <number>}` telemetry. */
export const LEGACY_PAYLOAD_TYPE = 'twinbench.legacy.v1';

/** The legacy payload as a schema: what parseTelemetry (src/protocol/telemetry.ts) accepts. */
export const LEGACY_PAYLOAD_SCHEMA = {
  type: 'object',
  required: ['t', 'v'],
  properties: {
    t: { type: 'number', exclusiveMinimum: 0 },
    v: { type: 'number' },
    channel: { type: 'string', minLength: 1 },
  },
} as const;

/**
 * The mapping the relay has always applied: on MQTT, each filter's topics carry legacy payloads
 * and the channel is the topic minus the filter's prefix (topicChannel.ts); on Kafka, every
 * subscribed topic carries them and the channel is the record key, else the payload's
 * `"channel"` (kafkaRecord.ts). Pass the relay's own filters to keep its environment settings.
 *
 * @example legacyMappingConfig({ mqttFilters: config.mqttTopics })
 */
export function legacyMappingConfig(
  options: { readonly mqttFilters?: readonly string[] } = {},
): MappingConfig {
  const mqttFilters = options.mqttFilters ?? [`${FOOTBRIDGE_TOPIC_PREFIX}/#`];
  return {
    version: MAPPING_CONFIG_VERSION,
    sources: [
      {
        name: 'mqtt',
        // A filter an earlier one covers never named a channel (the first match wins); as a rule
        // it would be unreachable, which the config check refuses.
        rules: mqttFilters
          .filter(
            (topic, i) => !mqttFilters.slice(0, i).some((earlier) => filterCovers(earlier, topic)),
          )
          .map((topic) => ({
            topic,
            format: 'legacy',
            payloadType: LEGACY_PAYLOAD_TYPE,
          })),
      },
      {
        name: 'kafka',
        // Kafka topic names have no `/`: `#` takes every topic the source subscribes to.
        rules: [
          { topic: '#', format: 'legacy', payloadType: LEGACY_PAYLOAD_TYPE, channelFrom: 'key' },
        ],
      },
    ],
    schemas: { [LEGACY_PAYLOAD_TYPE]: LEGACY_PAYLOAD_SCHEMA },
  };
}

/** Today's behaviour for the default relay settings (`twinbench/footbridge/sensors/#`). */
export const DEFAULT_MAPPING_CONFIG: MappingConfig = legacyMappingConfig();
