import { describe, expect, it } from 'vitest';
import { FOOTBRIDGE_INPUT_CHANNELS, inputLoadVector } from '../../twin/footbridgeInputs.ts';
import { STATE_STRIDE, type PackedTruss } from '../../twin/trussModel.ts';
import { createCpuBackend } from '../cpuBackend.ts';
import type { SimBackend } from '../simBackend.ts';
import { ShadowRunner, footbridgeShadowModel } from './shadowRunner.ts';

const T0 = 1_700_000_000_000;
const SENSOR_BASE = 100;

/** A backend that records what it is asked to do. */
function recordingBackend(nodeCount: number) {
  const calls: ({ advance: Float32Array; steps: number } | { write: Float32Array })[] = [];
  const backend: SimBackend = {
    advance(load, steps) {
      calls.push({ advance: load.slice(), steps });
    },
    readState: () => Promise.resolve(new Float32Array(nodeCount * STATE_STRIDE)),
    writeState(state) {
      calls.push({ write: Float32Array.from(state) });
    },
    updateMembers(_truss: PackedTruss) {},
    dispose() {},
  };
  return { backend, calls };
}

function setup(backendKind: 'recording' | 'cpu' = 'recording') {
  const model = footbridgeShadowModel();
  const recording = recordingBackend(model.truss.nodeCount);
  const backend =
    backendKind === 'cpu' ? createCpuBackend(model.truss, model.dt) : recording.backend;
  const shadow = new ShadowRunner(model, backend);
  shadow.setChannels([
    ...FOOTBRIDGE_INPUT_CHANNELS.map((name, id) => ({ id, name })),
    ...model.sensors.map((s, i) => ({ id: SENSOR_BASE + i, name: s.id })),
    { id: 999, name: 'status.pedestrians' },
  ]);
  return { model, shadow, calls: recording.calls };
}

/** A row of inputs: deck loads of −100·(k+1) N scaled by `scale`, wind 5 m/s. */
function inputRow(scale: number): number[] {
  return FOOTBRIDGE_INPUT_CHANNELS.map((name, k) =>
    name === 'wind.speed' ? 5 : -100 * (k + 1) * scale,
  );
}

function samples(time: number, row: number[], leaveOut: number[] = []): number[] {
  return row.flatMap((value, id) => (leaveOut.includes(id) ? [] : [id, time, value, time + 3]));
}

function sensorSamples(time: number, values: number[], leaveOut: number[] = []): number[] {
  return values.flatMap((v, i) =>
    leaveOut.includes(i) ? [] : [SENSOR_BASE + i, time, v, time + 3],
  );
}

const loadOf = (row: number[]) => {
  const load = new Float32Array(64 * 4);
  inputLoadVector(row, load);
  return load;
};

describe('ShadowRunner', () => {
  it('starts at the static state under the first row, then steps one sample period per row in device-time order', () => {
    const { model, shadow, calls } = setup();
    const rows = [1, 2, 3].map(inputRow);
    // Out of order, with a channel the shadow does not use.
    shadow.feed(
      Float64Array.from([
        ...samples(T0 + 30, rows[2]!),
        999,
        T0 + 10,
        4,
        T0 + 11,
        ...samples(T0 + 10, rows[0]!),
        ...samples(T0 + 20, rows[1]!),
      ]),
    );
    expect(shadow.step()).toBe(3);
    expect(calls).toHaveLength(3);
    expect(calls[0]).toHaveProperty('write');
    expect(calls[1]).toEqual({ advance: loadOf(rows[1]!), steps: model.substeps });
    expect(calls[2]).toEqual({ advance: loadOf(rows[2]!), steps: model.substeps });
    expect(shadow.lastStepTime).toBe(T0 + 30);
    expect(shadow.stats()).toMatchObject({
      rowsStepped: 3,
      restarts: 1,
      steps: 2 * model.substeps,
    });
  });

  it('holds a missing input at its last value once a later row is complete', () => {
    const { shadow, calls } = setup();
    const rows = [1, 2, 3].map(inputRow);
    const wind = FOOTBRIDGE_INPUT_CHANNELS.indexOf('wind.speed');
    shadow.feed(Float64Array.from(samples(T0 + 10, rows[0]!)));
    // Row 2 lost load.z.L8 and the wind: it waits while it is the newest…
    shadow.feed(Float64Array.from(samples(T0 + 20, rows[1]!, [8, wind])));
    expect(shadow.step()).toBe(1);
    // …and goes, with both held from row 1, as soon as a later row is complete.
    shadow.feed(Float64Array.from(samples(T0 + 30, rows[2]!)));
    expect(shadow.step()).toBe(2);
    const expected = [...rows[1]!];
    expected[8] = rows[0]![8]!;
    expected[wind] = rows[0]![wind]!;
    expect(calls[1]).toMatchObject({ advance: loadOf(expected) });
    expect(shadow.stats().rowsHeld).toBe(1);
  });

  it('steps an incomplete newest row once holdMs of newer input has arrived', () => {
    const { shadow } = setup();
    shadow.feed(Float64Array.from(samples(T0 + 10, inputRow(1))));
    shadow.feed(Float64Array.from(samples(T0 + 20, inputRow(1), [3])));
    expect(shadow.step()).toBe(1);
    shadow.feed(Float64Array.from([0, T0 + 130, -5, T0 + 131]));
    expect(shadow.step()).toBe(1);
    expect(shadow.lastStepTime).toBe(T0 + 20);
  });

  it('counts late and duplicate samples, overwrites duplicates not yet stepped, never steps a time twice', () => {
    const { shadow, calls } = setup();
    const row = inputRow(1);
    shadow.feed(Float64Array.from(samples(T0 + 10, row)));
    shadow.feed(Float64Array.from([...samples(T0 + 20, inputRow(9)), ...samples(T0 + 20, row)]));
    expect(shadow.step()).toBe(2);
    expect(calls[1]).toMatchObject({ advance: loadOf(row) });
    shadow.feed(Float64Array.from([...samples(T0 + 20, row), ...samples(T0 + 10, row)]));
    expect(shadow.step()).toBe(0);
    expect(shadow.stats().lateSamples).toBe(2 * row.length);
    expect(shadow.stats().rowsStepped).toBe(2);
    // Junk in a batch is passed over.
    shadow.feed(Float64Array.from([0, NaN, 1, 0, 0, T0 + 30, Infinity, 0, 12345, T0 + 30, 1, 0]));
    expect(shadow.step()).toBe(0);
    expect(() => shadow.feed(new Float64Array(5))).toThrow(/multiple of 4/);
  });

  it('flags residuals degraded after input it never got, until a decay time of whole rows has passed', async () => {
    const { model, shadow } = setup();
    const period = 1000 / model.sampleRate;
    let t = T0;
    const feedRows = (count: number, leaveOut: number[] = []) => {
      for (let i = 0; i < count; i++) {
        t += period;
        shadow.feed(Float64Array.from(samples(t, inputRow(1), leaveOut)));
      }
      shadow.step();
    };
    feedRows(200);
    expect(shadow.inputFill).toBe(0);
    expect((await shadow.readResiduals())!).toMatchObject({ inputFill: 0, degraded: false });
    // 150 ms of rows never arrive (under maxGapMs, so no restart): 15 periods on the last load.
    t += 15 * period;
    feedRows(1);
    expect(shadow.stats().restarts).toBe(1);
    const decayRows = (2 / model.truss.massDamping) * model.sampleRate;
    expect(shadow.inputFill).toBeCloseTo(15 / decayRows, 2);
    expect((await shadow.readResiduals())!.degraded).toBe(shadow.inputFill > 0.01);
    expect(shadow.inputFill).toBeGreaterThan(0.01);
    // Whole rows bring it back under 1 % within about one decay time.
    feedRows(Math.ceil(decayRows * Math.log(100 * shadow.inputFill)) + 1);
    const recovered = (await shadow.readResiduals())!;
    expect(recovered.inputFill).toBeLessThan(0.01);
    expect(recovered.degraded).toBe(false);
  });

  it('weighs a held row by the share of its values that were held', () => {
    const { model, shadow } = setup();
    const period = 1000 / model.sampleRate;
    shadow.feed(Float64Array.from(samples(T0, inputRow(1))));
    // One input of many missing in each of 10 rows, each stepped (held) once the next is whole.
    for (let i = 1; i <= 10; i++)
      shadow.feed(Float64Array.from(samples(T0 + i * period, inputRow(1), [3])));
    shadow.feed(Float64Array.from(samples(T0 + 11 * period, inputRow(1))));
    shadow.step();
    expect(shadow.stats().rowsHeld).toBe(10);
    const keep = Math.exp((-period * model.truss.massDamping) / 2000);
    const width = FOOTBRIDGE_INPUT_CHANNELS.length;
    let expected = 0;
    for (let i = 1; i <= 10; i++) expected = expected * keep + (1 / width) * (1 - keep);
    expected *= keep;
    expect(shadow.inputFill).toBeCloseTo(expected, 10);
  });

  it('skips rows more than a second behind the newest with a count rather than stalling', () => {
    const { shadow } = setup();
    const batch: number[] = [];
    for (let t = 10; t <= 3000; t += 10) batch.push(...samples(T0 + t, inputRow(1)));
    shadow.feed(Float64Array.from(batch));
    expect(shadow.step(5)).toBe(5);
    // Rows before 2000 ms were more than 1 s behind 3000 ms.
    expect(shadow.stats().rowsSkipped).toBe(199);
    expect(shadow.lastStepTime).toBe(T0 + 2040);
    expect(shadow.step()).toBe(96);
  });

  it('bridges a short gap on the last load and restarts from the static state after a long one', () => {
    const { model, shadow, calls } = setup();
    const [a, b, c] = [1, 2, 3].map(inputRow);
    shadow.feed(Float64Array.from([...samples(T0 + 10, a!), ...samples(T0 + 40, b!)]));
    shadow.step();
    expect(calls.slice(1)).toEqual([
      { advance: loadOf(a!), steps: 2 * model.substeps },
      { advance: loadOf(b!), steps: model.substeps },
    ]);
    shadow.feed(Float64Array.from(samples(T0 + 2000, c!)));
    shadow.step();
    expect(calls.at(-1)).toHaveProperty('write');
    expect(shadow.stats().restarts).toBe(2);
    expect(shadow.settling).toBe(true);
  });

  it('steps nothing while the channel table lacks an input, and says which', () => {
    const { shadow } = setup();
    shadow.setChannels(FOOTBRIDGE_INPUT_CHANNELS.slice(0, -1).map((name, id) => ({ id, name })));
    expect(shadow.missingInputs).toEqual(['wind.speed']);
    shadow.feed(Float64Array.from(samples(T0 + 10, inputRow(1))));
    expect(shadow.step()).toBe(0);
  });

  it('compares sensors at the last stepped time, or the latest readback whose measured row is complete', async () => {
    const { model, shadow } = setup('cpu');
    const n = model.sensors.length;
    const measured = Array.from({ length: n }, (_, i) => i + 0.5);
    shadow.feed(
      Float64Array.from([...samples(T0 + 10, inputRow(1)), ...sensorSamples(T0 + 10, measured)]),
    );
    shadow.step();
    const first = (await shadow.readResiduals())!;
    expect(first.time).toBe(T0 + 10);
    expect(first.settling).toBe(true);
    expect(first.sensors).toEqual(model.sensors.map((s) => s.id));
    expect(Array.from(first.measured)).toEqual(measured);
    for (let i = 0; i < n; i++)
      expect(first.residual[i]).toBeCloseTo(measured[i]! - first.simulated[i]!, 12);
    // The static start under ~30 kN of deck load: the midspan is well down.
    const mid = first.nodeDisplacement[model.midspanNode * 3 + 2]!;
    expect(mid).toBeLessThan(-1e-4);

    // The next row's sensors are late but one: the frame stays at the complete time…
    shadow.feed(
      Float64Array.from([
        ...samples(T0 + 20, inputRow(1)),
        ...sensorSamples(T0 + 20, measured, [4]),
      ]),
    );
    shadow.step();
    expect((await shadow.readResiduals())!.time).toBe(T0 + 10);
    // …until the last one arrives.
    shadow.feed(Float64Array.from(sensorSamples(T0 + 20, measured).slice(16, 20)));
    expect((await shadow.readResiduals())!.time).toBe(T0 + 20);
  });

  it('reset() puts the model back at rest and forgets pending rows and readbacks', async () => {
    const { model, shadow } = setup('cpu');
    shadow.feed(
      Float64Array.from([...samples(T0 + 10, inputRow(1)), ...samples(T0 + 20, inputRow(1))]),
    );
    shadow.step(1);
    const reading = shadow.readResiduals();
    shadow.reset();
    expect(await reading).toBeNull();
    expect(await shadow.readResiduals()).toBeNull();
    expect(shadow.step()).toBe(0);
    expect(shadow.settling).toBe(true);
    // Earlier times are welcome again (a seek back), and start from the static state.
    shadow.feed(Float64Array.from(samples(T0 + 5, inputRow(2))));
    shadow.feed(Float64Array.from(samples(T0 + 15, inputRow(2))));
    expect(shadow.step()).toBe(2);
    const frame = (await shadow.readResiduals())!;
    expect(frame.time).toBe(T0 + 15);
    expect(Number.isNaN(frame.measured[0])).toBe(true);
    expect(frame.nodeDisplacement[model.midspanNode * 3 + 2]).toBeLessThan(-2e-4);
    expect(shadow.stats().restarts).toBe(2);
  });

  it('uses the model damage it is given, not the plant’s', async () => {
    const { model, shadow } = setup('cpu');
    const midspan = async (damage: { member: number; health: number } | null) => {
      shadow.reset();
      shadow.setModelDamage(damage);
      shadow.feed(Float64Array.from(samples(T0 + 10, inputRow(1))));
      shadow.step();
      return (await shadow.readResiduals())!.nodeDisplacement[model.midspanNode * 3 + 2]!;
    };
    const intact = await midspan(null);
    const damaged = await midspan({ member: 7, health: 0.3 });
    expect(damaged).toBeLessThan(intact);
    expect(await midspan(null)).toBe(intact);
    expect(() => shadow.setModelDamage({ member: 7, health: 0 })).toThrow(/outside \(0, 1\]/);
    expect(() => shadow.setModelDamage({ member: 100_000, health: 0.5 })).toThrow(/does not exist/);
  });
});
