import { describe, expect, it } from 'vitest';
import { numericValueOf, sampleMessageJson } from './sampleMessage.ts';

const roundTrip = (value: number) => numericValueOf(JSON.parse(sampleMessageJson(value)));

describe('sample messages', () => {
  it('writes one value field, which plot panels read as `.value`', () => {
    expect(sampleMessageJson(1.23)).toBe('{"value":1.23}');
    expect(sampleMessageJson(2 ** 40 + 7)).toBe('{"value":1099511627783}');
  });

  it('keeps NaN, ±Infinity and -0 exactly, beside a plottable value', () => {
    expect(sampleMessageJson(NaN)).toBe('{"value":null,"special":"NaN"}');
    expect(sampleMessageJson(-0)).toBe('{"value":0,"special":"-0"}');
    for (const value of [NaN, Infinity, -Infinity, -0, 0, 5e-324, Number.MAX_VALUE, 0.1 + 0.2]) {
      expect(Object.is(roundTrip(value), value)).toBe(true);
    }
  });

  it('accepts a plain number, a value field, or an object with one numeric field', () => {
    expect(numericValueOf(3)).toBe(3);
    expect(numericValueOf({ value: 4, unit: 'mm' })).toBe(4);
    expect(numericValueOf({ value: null })).toBeNaN();
    expect(numericValueOf({ data: 5 })).toBe(5);
  });

  it('rejects everything else', () => {
    for (const other of ['3', null, [1], { a: 1, b: 2 }, { data: '5' }, { value: '1' }, true]) {
      expect(numericValueOf(other)).toBeUndefined();
    }
  });
});
