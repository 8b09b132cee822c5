/**
 * How a hub channel looks to a Foxglove client: a JSON-encoded channel whose messages are one
 * sample each, described by a JSON Schema so Foxglove's plot and raw-message panels know the
 * fields.
 */
import type { Channel } from '../../../src/protocol/foxglove.ts';
import type { ChannelInfo } from '../../../src/protocol/relay.ts';

export const SAMPLE_SCHEMA_NAME = 'twinbench.Sample';

/** One sample as a message-data payload: `{"value":…,"deviceTime":…,"receiveTime":…,"unit":…}`. */
export interface SamplePayload {
  readonly value: number;
  /** ms since the Unix epoch, by the device's clock. */
  readonly deviceTime: number;
  /** ms since the Unix epoch, by the relay's clock when the sample arrived. */
  readonly receiveTime: number;
  readonly unit: string;
}

export const SAMPLE_JSON_SCHEMA: string = JSON.stringify({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: SAMPLE_SCHEMA_NAME,
  description: 'One sample of a Twinbench telemetry channel',
  type: 'object',
  properties: {
    value: { type: 'number', description: 'The measured value, in `unit`' },
    deviceTime: {
      type: 'number',
      description: 'Device clock when the sample was taken, ms since the Unix epoch',
    },
    receiveTime: {
      type: 'number',
      description: 'Relay clock when the sample arrived, ms since the Unix epoch',
    },
    unit: { type: 'string', description: 'Unit of value, empty when unknown' },
  },
  required: ['value', 'deviceTime', 'receiveTime', 'unit'],
});

/** The Foxglove channel for a hub channel: same id, the channel name as topic. */
export function sampleChannel(info: ChannelInfo): Channel {
  return {
    id: info.id,
    topic: info.name,
    encoding: 'json',
    schemaName: SAMPLE_SCHEMA_NAME,
    schema: SAMPLE_JSON_SCHEMA,
    schemaEncoding: 'jsonschema',
  };
}
