import { describe, expect, it } from 'vitest';
import type { ModelSpec } from '../modelSpec.ts';
import { CsvDataError } from './csvDataError.ts';
import { readObservationCsv } from './observationCsv.ts';

/** dt 0.1 s, 100 steps, observed every 10 steps: times 1, 2, …, 10 s. */
function spec(
  loss: Partial<ModelSpec['loss']> = {},
  observables?: ModelSpec['observables'],
): ModelSpec {
  return {
    name: 'rod',
    dt: 0.1,
    steps: 100,
    kernels: [],
    buffers: [{ name: 'temperature', role: 'state', type: 'f32', length: 8 }],
    parameters: [],
    inputs: [],
    schedule: [],
    observables: observables ?? [
      { name: 'tip', buffer: 'temperature', index: 7, channel: 'rod.tip' },
      { name: 'middle', buffer: 'temperature', index: 4, channel: 'rod.middle' },
      { name: 'root', buffer: 'temperature', index: 0 },
    ],
    loss: { kind: 'weighted_squared_error', every: 10, regularisation: [], ...loss },
  };
}

/** A CSV with rows every `step` seconds from 0 to `end`, one column per function. */
function csv(
  step: number,
  end: number,
  columns: Record<string, (t: number) => number | string>,
): string {
  const names = Object.keys(columns);
  const rows = [['time', ...names].join(',')];
  for (let i = 0; i * step <= end + 1e-9; i++) {
    const t = Number((i * step).toFixed(6));
    rows.push([t, ...names.map((n) => columns[n]?.(t))].join(','));
  }
  return `${rows.join('\n')}\n`;
}

function csvError(run: () => unknown): CsvDataError {
  try {
    run();
  } catch (error) {
    if (error instanceof CsvDataError) return error;
    throw error;
  }
  throw new Error('expected a CsvDataError');
}

describe('readObservationCsv', () => {
  it('resamples each channel onto the observation times by linear interpolation', () => {
    const text = csv(0.3, 10.2, { 'rod.tip': (t) => 2 * t + 1, 'rod.middle': (t) => t * t });
    const data = readObservationCsv(text, spec());
    expect(data.steps).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(Object.keys(data.channels).sort()).toEqual(['rod.middle', 'rod.tip']);
    const tip = [...(data.channels['rod.tip'] ?? [])];
    tip.forEach((v, i) => expect(v).toBeCloseTo(2 * (i + 1) + 1, 9));
    // t = 1 s lies between samples at 0.9 s (0.81) and 1.2 s (1.44): a third of the way.
    expect(data.channels['rod.middle']?.[0]).toBeCloseTo(0.81 + (1.44 - 0.81) / 3, 9);
  });

  it('observes only the loss window: states after start < n ≤ end steps', () => {
    const text = csv(0.5, 6.5, { 'rod.tip': (t) => t, 'rod.middle': (t) => -t });
    const data = readObservationCsv(text, spec({ window: { start: 40, end: 60 } }));
    expect(data.steps).toEqual([50, 60]);
    expect([...(data.channels['rod.tip'] ?? [])]).toEqual([5, 6]);
  });

  it('takes a sample that lies on an observation time as it is, despite rounding in step · dt', () => {
    // 3 · 0.1 is 0.30000000000000004 in floating point; the file ends at 0.3.
    const three: ModelSpec = { ...spec({ every: 3 }), steps: 3 };
    const data = readObservationCsv('time,rod.tip,rod.middle\n0,0,0\n0.3,7,8\n', three);
    expect(data.steps).toEqual([3]);
    expect(data.channels['rod.tip']?.[0]).toBe(7);
  });

  it('reads only the channels the loss compares: weight 0 and other columns are ignored', () => {
    const text = csv(1, 10, { 'rod.tip': (t) => t, 'rod.middle': () => 'n/a', status: () => 'ok' });
    const data = readObservationCsv(text, spec({ weights: { middle: 0 } }));
    expect(Object.keys(data.channels)).toEqual(['rod.tip']);
  });

  it('leaves a gap as NaN at the observations next to it', () => {
    const text = 'time,rod.tip,rod.middle\n0,0,0\n1,1,1\n1.5,,1.5\n2,2,2\n3,3,\n10,10,10\n';
    const data = readObservationCsv(text, spec({ window: { start: 0, end: 30 } }));
    expect([...(data.channels['rod.tip'] ?? [])]).toEqual([1, 2, 3]);
    expect([...(data.channels['rod.middle'] ?? [])]).toEqual([1, 2, Number.NaN]);
  });

  it('accepts a BOM, CRLF line ends, comments, blank lines and quoted names', () => {
    const text =
      '\uFEFF# logged by the rig\r\n"time","rod.tip","rod.middle"\r\n\r\n0,0,0\r\n10,10,"20"\r\n';
    const data = readObservationCsv(text, spec());
    expect(data.channels['rod.middle']?.[9]).toBe(20);
  });

  it('names the line and column of every bad number', () => {
    const text = '# header next\ntime,rod.tip,rod.middle\n0,0,0\n1,x,1\n\n2,2,1e\nabc,3,3\n';
    const error = csvError(() => readObservationCsv(text, spec(), 'rig.csv'));
    expect(error.reason).toBe('bad_number');
    expect(error.issues).toEqual([
      {
        line: 4,
        message: 'rod.tip "x" is not a number — give a number, or leave the cell empty for a gap',
      },
      {
        line: 6,
        message:
          'rod.middle "1e" is not a number — give a number, or leave the cell empty for a gap',
      },
      { line: 7, message: 'time "abc" is not a number — give seconds, e.g. 0.25' },
    ]);
    expect(error.message.split('\n')[0]).toBe(
      'rig.csv: line 4: rod.tip "x" is not a number — give a number, or leave the cell empty for a gap',
    );
  });

  it('names the lines where time does not increase', () => {
    const text = 'time,rod.tip,rod.middle\n0,0,0\n2,1,1\n1,2,2\n1,3,3\n10,4,4\n';
    const error = csvError(() => readObservationCsv(text, spec()));
    expect(error.reason).toBe('not_increasing');
    expect(error.issues).toEqual([
      {
        line: 4,
        message: 'time 1 is not after 2 (line 3) — sort the rows by time and drop repeated times',
      },
      {
        line: 5,
        message: 'time 1 is not after 1 (line 4) — sort the rows by time and drop repeated times',
      },
    ]);
  });

  it('says which channels the observables need that the header lacks', () => {
    const error = csvError(() => readObservationCsv('time,tip,other\n0,0,0\n', spec()));
    expect(error.reason).toBe('missing_channel');
    expect(error.issues).toEqual([
      {
        line: 1,
        message:
          'model "rod"\'s observables need channels `rod.tip`, `rod.middle`, which the header lacks (it has `tip`, `other`) — add those columns',
      },
    ]);
  });

  it('says which time range the fit needs and which the data covers', () => {
    const text = csv(0.5, 7, { 'rod.tip': (t) => t, 'rod.middle': (t) => t });
    const error = csvError(() => readObservationCsv(text, spec()));
    expect(error.reason).toBe('not_covered');
    expect(error.issues[0]).toEqual({
      message:
        'channel `rod.tip` has values from 0 s to 7 s, but the fit needs 1 s to 10 s (steps 10…100 every 10 at dt 0.1 s) — give data over that range, or narrow loss.window',
    });
    expect(error.issues).toHaveLength(2);
  });

  it('counts a channel that starts late as not covering the window', () => {
    const text = 'time,rod.tip,rod.middle\n0,,0\n2,2,2\n10,10,10\n';
    const error = csvError(() => readObservationCsv(text, spec()));
    expect(error.issues).toEqual([
      {
        message:
          'channel `rod.tip` has values from 2 s to 10 s, but the fit needs 1 s to 10 s (steps 10…100 every 10 at dt 0.1 s) — give data over that range, or narrow loss.window',
      },
    ]);
  });

  it('refuses a file whose first column is not time', () => {
    const error = csvError(() => readObservationCsv('t,rod.tip,rod.middle\n0,0,0\n', spec()));
    expect(error.reason).toBe('bad_csv');
    expect(error.issues).toEqual([
      {
        line: 1,
        message:
          'the first column must be `time` (seconds), found `t` — name the time column `time`',
      },
    ]);
  });

  it('refuses rows with the wrong number of cells, and repeated column names', () => {
    const error = csvError(() => readObservationCsv('time,a,a\n0,1\n', spec()));
    expect(error.reason).toBe('bad_csv');
    expect(error.issues).toEqual([
      { line: 1, message: 'column `a` appears twice in the header — keep one' },
      {
        line: 2,
        message:
          'has 2 cells but the header (line 1) has 3 columns — give every row one cell per column (empty for a gap)',
      },
    ]);
  });

  it('refuses a model with nothing to compare', () => {
    const error = csvError(() =>
      readObservationCsv(
        'time\n0\n',
        spec({}, [{ name: 'root', buffer: 'temperature', index: 0 }]),
      ),
    );
    expect(error.reason).toBe('missing_channel');
    expect(error.issues[0]?.message).toBe(
      'model "rod" compares no channel: no observable has a channel and a weight above 0 — give observables a channel to fit against',
    );
  });
});
