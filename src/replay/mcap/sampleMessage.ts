/**
 * The JSON message one Twinbench sample becomes in MCAP, and what import accepts back.
 *
 * Written: `{"value":1.23}` — one field, so Foxglove's and Lichtblick's plot panels take the
 * message path `/<channel name>.value` and nothing else competes for it. Units and sources live
 * in the channel's metadata, not in every message. JSON has no NaN, ±Infinity or -0, and the
 * store keeps all of them, so those are written as `{"value":null,"special":"NaN"}` (or
 * `"Infinity"`, `"-Infinity"`) and `{"value":0,"special":"-0"}`: plots show a gap (or 0), and
 * import restores the exact value. Finite numbers are written with JavaScript's shortest
 * round-trip form, so `JSON.parse` gives back the same float64.
 *
 * Read: a plain number (`1.23`); an object with a numeric or null `value` (ours, `special`
 * honoured; null alone reads as NaN); an object with exactly one field, numeric
 * (`{"data":1.23}`, as a std_msgs/Float64 converted to JSON looks). Anything else is not a sample.
 */

/** Schema encoding `jsonschema`; shared by every channel an export writes. */
export const SAMPLE_SCHEMA_NAME = 'twinbench.Sample';

export const SAMPLE_JSON_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: SAMPLE_SCHEMA_NAME,
  description:
    'One Twinbench sample. Publish time is the device time, log time the relay receive time; the unit is in the channel metadata.',
  type: 'object',
  properties: {
    value: {
      type: ['number', 'null'],
      description: 'The sample value; null when it is not a finite number (see special).',
    },
    special: {
      type: 'string',
      enum: ['NaN', 'Infinity', '-Infinity', '-0'],
      description: 'Present only for values JSON cannot hold.',
    },
  },
  required: ['value'],
  additionalProperties: false,
} as const;

/** The JSON text for one value. */
export function sampleMessageJson(value: number): string {
  if (Number.isFinite(value)) {
    return Object.is(value, -0) ? '{"value":0,"special":"-0"}' : `{"value":${value}}`;
  }
  return `{"value":null,"special":"${String(value)}"}`;
}

const SPECIAL: Readonly<Record<string, number>> = {
  NaN: NaN,
  Infinity: Infinity,
  '-Infinity': -Infinity,
  '-0': -0,
};

/** The sample value in a decoded JSON message, or undefined when it holds none we accept. */
export function numericValueOf(message: unknown): number | undefined {
  if (typeof message === 'number') return message;
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return undefined;
  const record = message as Record<string, unknown>;
  if ('value' in record) {
    const { value, special } = record;
    if (typeof special === 'string' && special in SPECIAL) return SPECIAL[special];
    if (typeof value === 'number') return value;
    return value === null ? NaN : undefined;
  }
  const keys = Object.keys(record);
  if (keys.length !== 1) return undefined;
  const only = record[keys[0]!];
  return typeof only === 'number' ? only : undefined;
}
