import { describe, expect, it } from 'vitest';
import type { ModelSpec } from '../modelSpec.ts';
import { CsvDataError } from './csvDataError.ts';
import { readInputCsv } from './inputCsv.ts';

/** dt 0.5 s, 5 steps: rows at 0, 0.5, …, 2 s. Heater column 0 linear, column 1 held, column 2 unbound. */
const spec: ModelSpec = {
  name: 'rod',
  dt: 0.5,
  steps: 5,
  kernels: [],
  buffers: [
    { name: 'heater', role: 'input', type: 'f32', length: 3, initial: [0, 0, 7] },
    { name: 'wind', role: 'input', type: 'f32', length: 1, initial: { fill: 3 } },
    { name: 'temperature', role: 'state', type: 'f32', length: 8 },
  ],
  parameters: [],
  inputs: [
    { buffer: 'heater', column: 0, channel: 'power', interpolation: 'linear' },
    { buffer: 'heater', column: 1, channel: 'ambient', interpolation: 'hold' },
  ],
  schedule: [],
  observables: [],
  loss: { kind: 'weighted_squared_error', every: 1, regularisation: [] },
};

describe('readInputCsv', () => {
  it('fills each input buffer row by row: linear, held, and the initial row where unbound', () => {
    const text = 'time,power,ambient\n0,0,10\n0.8,8,12\n2,20,14\n';
    const inputs = readInputCsv(text, spec);
    expect(Object.keys(inputs).sort()).toEqual(['heater', 'wind']);
    expect([...(inputs.heater ?? [])]).toEqual([
      0,
      10,
      7, //
      5,
      10,
      7,
      10,
      12,
      7,
      15,
      12,
      7,
      20,
      14,
      7,
    ]);
    expect([...(inputs.wind ?? [])]).toEqual([3, 3, 3, 3, 3]);
  });

  it('holds the last sample after a held channel ends, and skips gaps', () => {
    const text = 'time,power,ambient\n0,0,10\n0.5,,11\n2,20,\n';
    const inputs = readInputCsv(text, { ...spec, inputs: spec.inputs }, { steps: 5 });
    // power: the gap at 0.5 s is skipped, so 0 → 20 over 2 s; ambient holds 11 from 0.5 s on.
    expect([...(inputs.heater ?? [])].filter((_, i) => i % 3 === 0)).toEqual([0, 5, 10, 15, 20]);
    expect([...(inputs.heater ?? [])].filter((_, i) => i % 3 === 1)).toEqual([10, 11, 11, 11, 11]);
  });

  it('says which time range a linear channel must cover', () => {
    let error: unknown;
    try {
      readInputCsv('time,power,ambient\n0,0,10\n1,1,11\n', spec, { file: 'heaters.csv' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CsvDataError);
    expect((error as CsvDataError).reason).toBe('not_covered');
    expect((error as CsvDataError).message).toBe(
      'heaters.csv: channel `power` (column 0 of `heater`) has values from 0 s to 1 s, but the run needs 0 s to 2 s — give data over that range, or run fewer steps',
    );
  });

  it('says which input channels the header lacks', () => {
    expect(() => readInputCsv('time,power\n0,0\n', spec)).toThrow(
      'inputs.csv: line 1: model "rod"\'s inputs need channel `ambient`, which the header lacks (it has `power`) — add that column',
    );
  });
});
