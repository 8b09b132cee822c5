/**
 * The telemetry payload on the broker side (MQTT topics, Kafka records), as the simulated fleet
 * publishes it and the relay reads it: `{"t": <device time, ms since epoch>, "v": <number>}`.
 * MQTT: one topic per channel, `<prefix>/<channel>`. Kafka: record key = channel name (or a
 * `"channel"` field in the value).
 */
export const FOOTBRIDGE_TOPIC_PREFIX = 'twinbench/footbridge/sensors';
export const FOOTBRIDGE_COMMAND_TOPIC = 'twinbench/footbridge/commands';

export interface TelemetryPayload {
  readonly t: number;
  readonly v: number;
  readonly channel?: string;
}

export type TelemetryParse =
  | { readonly ok: true; readonly payload: TelemetryPayload }
  | { readonly ok: false; readonly error: string };

/** Parses one broker payload. Never throws: bad telemetry is counted and dropped by the caller. */
export function parseTelemetry(bytes: Uint8Array | string): TelemetryParse {
  let value: unknown;
  try {
    value = JSON.parse(typeof bytes === 'string' ? bytes : new TextDecoder().decode(bytes));
  } catch {
    return {
      ok: false,
      error: 'payload is not JSON; expected {"t": <ms since epoch>, "v": <number>}',
    };
  }
  if (typeof value !== 'object' || value === null)
    return { ok: false, error: 'payload must be a JSON object with "t" and "v"' };
  const { t, v, channel } = value as Record<string, unknown>;
  if (typeof t !== 'number' || !Number.isFinite(t) || t <= 0)
    return { ok: false, error: '"t" must be a positive finite number of ms since the Unix epoch' };
  if (typeof v !== 'number' || !Number.isFinite(v))
    return { ok: false, error: '"v" must be a finite number' };
  if (channel !== undefined && (typeof channel !== 'string' || channel.length === 0))
    return { ok: false, error: '"channel", when given, must be a non-empty string' };
  return { ok: true, payload: channel === undefined ? { t, v } : { t, v, channel } };
}
