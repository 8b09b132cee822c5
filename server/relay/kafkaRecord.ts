import { parseTelemetry, type TelemetryPayload } from '../../src/protocol/telemetry.ts';

export type KafkaRecordParse =
  | { readonly ok: true; readonly channel: string; readonly payload: TelemetryPayload }
  | { readonly ok: false; readonly error: string };

const decoder = new TextDecoder();

/**
 * Reads one Kafka record as telemetry: the value is `{"t": ms, "v": number}`, the channel is the
 * record key, or the value's `"channel"` field when there is no key. Never throws.
 */
export function parseKafkaRecord(
  key: Uint8Array | null,
  value: Uint8Array | null,
): KafkaRecordParse {
  if (value === null) return { ok: false, error: 'record has no value (a tombstone?)' };
  const parsed = parseTelemetry(value);
  if (!parsed.ok) return parsed;
  const keyText = key === null ? '' : decoder.decode(key).trim();
  const channel = keyText !== '' ? keyText : parsed.payload.channel;
  if (channel === undefined) {
    return {
      ok: false,
      error: 'record has neither a key nor a "channel" field: set the key to the channel name',
    };
  }
  return { ok: true, channel, payload: parsed.payload };
}
