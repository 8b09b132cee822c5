import { describe, expect, it } from 'vitest';
import { readFieldTime } from './fieldTime.ts';

const T = Date.UTC(2024, 4, 1, 12, 0, 0);

describe('readFieldTime', () => {
  it('reads ms and s numbers', () => {
    expect(readFieldTime(T, 'ms')).toBe(T);
    expect(readFieldTime(T / 1000, 's')).toBe(T);
    expect(readFieldTime(String(T), 'ms')).toContain('expected a number of milliseconds');
    expect(readFieldTime(-1, 'ms')).toContain('positive finite');
    expect(readFieldTime(Infinity, 's')).toContain('positive finite');
  });

  it('reads ISO 8601 with a zone, keeping digits below the ms', () => {
    expect(readFieldTime('2024-05-01T12:00:00Z', 'iso')).toBe(T);
    expect(readFieldTime('2024-05-01T14:00:00.250+02:00', 'iso')).toBe(T + 250);
    expect(readFieldTime('2024-05-01T12:00:00.000250Z', 'iso')).toBeCloseTo(T + 0.25, 6);
    expect(readFieldTime('2024-05-01T12:00:00', 'iso')).toContain('with a zone');
    expect(readFieldTime('May 1, 2024', 'iso')).toContain('ISO 8601');
    expect(readFieldTime('2024-13-45T99:00:00Z', 'iso')).toContain('ISO 8601');
    expect(readFieldTime(T, 'iso')).toContain('expected an ISO 8601 time');
  });

  it('reads ns as a string of digits (or a safe integer), rounding once', () => {
    expect(readFieldTime(`${T}000000`, 'ns')).toBe(T);
    expect(readFieldTime(`${T}123456`, 'ns')).toBe(T + 0.123456);
    expect(readFieldTime('1500', 'ns')).toBe(0.0015);
    expect(readFieldTime(1_500_000, 'ns')).toBe(1.5);
    expect(readFieldTime('0', 'ns')).toContain('after the Unix epoch');
    expect(readFieldTime('12a', 'ns')).toContain('string of digits');
    expect(readFieldTime('1'.repeat(21), 'ns')).toContain('string of digits');
  });
});
