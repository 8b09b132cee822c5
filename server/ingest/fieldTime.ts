import { describe } from './describeValue.ts';
import type { FieldTimestampUnit } from './protocol.ts';

/**
 * Device times from payload fields, as ms since the Unix epoch. The reader returns the time, or
 * a string saying what is wrong (built only on the failure path).
 */

/** `2024-05-01T12:00:00Z`, `2024-05-01T12:00:00.123456+02:00`: a date, a time and a zone. */
const ISO = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})$/i;

/** A time in `unit`, or a message (what was wrong, with the expected form). */
export function readFieldTime(value: unknown, unit: FieldTimestampUnit): number | string {
  switch (unit) {
    case 'ms':
    case 's': {
      if (typeof value !== 'number') {
        return `is ${describe(value)}; expected a number of ${unit === 'ms' ? 'milliseconds' : 'seconds'} since the Unix epoch`;
      }
      const ms = unit === 's' ? value * 1000 : value;
      return ms > 0 && Number.isFinite(ms)
        ? ms
        : `is ${String(value)}; expected a positive finite number of ${unit} since the Unix epoch`;
    }
    case 'iso':
      return typeof value === 'string'
        ? readIso(value)
        : `is ${describe(value)}; expected an ISO 8601 time with a zone, e.g. "2024-05-01T12:00:00.000Z"`;
    case 'ns':
      return readNs(value);
  }
}

function readIso(text: string): number | string {
  const parts = ISO.exec(text);
  const base = parts?.[1];
  const zone = parts?.[3];
  const ms = base !== undefined && zone !== undefined ? Date.parse(`${base}${zone}`) : NaN;
  if (!(ms > 0)) {
    return `is ${JSON.stringify(text.slice(0, 64))}; expected an ISO 8601 time after 1970 with a zone, e.g. "2024-05-01T12:00:00.000Z"`;
  }
  // Date.parse keeps whole ms only; digits below that are added here.
  const fraction = parts?.[2];
  return fraction === undefined ? ms : ms + Number(`0.${fraction}`) * 1000;
}

function readNs(value: unknown): number | string {
  let digits: string;
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) digits = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0)
    return value / 1e6;
  else
    return `is ${describe(value)}; expected nanoseconds since the Unix epoch as a string of digits, e.g. "1714564800000000000"`;
  // Splitting at the ms point rounds once (as nanoTime.ts does), with no BigInt per message.
  const ms =
    digits.length <= 6
      ? Number(digits) / 1e6
      : Number(`${digits.slice(0, -6)}.${digits.slice(-6)}`);
  return ms > 0 ? ms : `is "${digits}"; expected a time after the Unix epoch`;
}
