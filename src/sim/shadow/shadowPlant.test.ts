import { describe, expect, it } from 'vitest';
import { withGpu } from '../../gpu/testing/requireGpu.ts';
import { FOOTBRIDGE_INPUT_CHANNELS } from '../../twin/footbridgeInputs.ts';
import { FootbridgeSimulation } from '../../twin/footbridgeSim.ts';
import { createRandom } from '../../twin/random.ts';
import { createCpuBackend } from '../cpuBackend.ts';
import { createGpuBackend } from '../gpuBackend.ts';
import type { SimBackend } from '../simBackend.ts';
import { AlertRules, DEFAULT_ALERT_RULES, type Alert } from './alertRules.ts';
import type { ShadowResiduals } from './shadowFrame.ts';
import { ShadowRunner, footbridgeShadowModel, type ShadowModel } from './shadowRunner.ts';

/**
 * The shadow against the real plant: the fleet's FootbridgeSimulation (noise on) publishes its
 * measured inputs and sensors, the shadow steps on the inputs, and the alert rules watch the
 * residuals — 20 s of settling, 60 s of an undamaged plant, then the member under strain.bc.L7
 * down to health 0.3 for 10 s.
 */
const RATE = 100;
const WARM_S = 10;
const SETTLE_S = 20;
const UNDAMAGED_S = 60;
const DAMAGED_S = 10;
const ROWS = (SETTLE_S + UNDAMAGED_S + DAMAGED_S) * RATE;
const T0 = 1_700_000_000_000;
const SENSOR_BASE = 100;
/** One frame (one readback) every 5 rows: 20 frames a second, as the worker sends them. */
const FRAME_EVERY = 5;

interface Recording {
  readonly times: Float64Array;
  readonly inputs: Float64Array[];
  readonly sensors: Float64Array[];
  readonly damageAt: number;
  readonly member: number;
  readonly sensorIds: readonly string[];
}

let recording: Recording | undefined;

/** The plant's publication, recorded once for every test in this file. */
function record(): Recording {
  if (recording) return recording;
  const plant = new FootbridgeSimulation({ seed: 1 });
  for (let i = 0; i < WARM_S * RATE; i++) plant.advanceSample();
  const gauge = plant.sensors.find((s) => s.id === 'strain.bc.L7');
  if (gauge?.kind !== 'strain') throw new Error('no strain.bc.L7 on the footbridge');
  const damageRow = (SETTLE_S + UNDAMAGED_S) * RATE;
  const times = new Float64Array(ROWS);
  const inputs: Float64Array[] = [];
  const sensors: Float64Array[] = [];
  for (let row = 0; row < ROWS; row++) {
    if (row === damageRow) plant.setDamage({ member: gauge.member, health: 0.3 });
    plant.advanceSample();
    times[row] = T0 + (row + 1) * 10;
    inputs.push(Float64Array.from(plant.readInputs()));
    sensors.push(Float64Array.from(plant.readSensors()));
  }
  recording = {
    times,
    inputs,
    sensors,
    damageAt: times[damageRow]!,
    member: gauge.member,
    sensorIds: plant.sensors.map((s) => s.id),
  };
  return recording;
}

interface Run {
  readonly frames: ShadowResiduals[];
  readonly fired: Alert[];
}

/** Feeds the recording in relay-sized batches of 2 rows, each shuffled, 20 frames a second. */
async function drive(
  model: ShadowModel,
  backend: SimBackend,
  rec: Recording,
  options: { rows: number; at?: { row: number; run: (shadow: ShadowRunner) => void } },
): Promise<Run> {
  const shadow = new ShadowRunner(model, backend);
  shadow.setChannels([
    ...FOOTBRIDGE_INPUT_CHANNELS.map((name, id) => ({ id, name })),
    ...rec.sensorIds.map((name, i) => ({ id: SENSOR_BASE + i, name })),
  ]);
  const rules = new AlertRules();
  const random = createRandom(9);
  const frames: ShadowResiduals[] = [];
  const fired: Alert[] = [];
  for (let row = 0; row < options.rows; row += 2) {
    if (row === options.at?.row) options.at.run(shadow);
    const samples: number[][] = [];
    for (const r of [row, row + 1]) {
      const t = rec.times[r]!;
      rec.inputs[r]!.forEach((v, id) => samples.push([id, t, v, t + 4]));
      rec.sensors[r]!.forEach((v, i) => samples.push([SENSOR_BASE + i, t, v, t + 4]));
    }
    for (let i = samples.length - 1; i > 0; i--) {
      const j = Math.floor(random.uniform() * (i + 1));
      [samples[i], samples[j]] = [samples[j]!, samples[i]!];
    }
    shadow.feed(Float64Array.from(samples.flat()));
    shadow.step();
    if ((row + 2) % FRAME_EVERY < 2) {
      const frame = await shadow.readResiduals();
      if (!frame) continue;
      frames.push(frame);
      fired.push(...rules.update(frame).fired);
    }
  }
  // An incomplete last row is held back for holdMs; everything else must have been stepped.
  expect(shadow.stats()).toMatchObject({ rowsSkipped: 0, lateSamples: 0, restarts: 1 });
  expect(shadow.stats().rowsStepped).toBeGreaterThanOrEqual(options.rows - 10);
  return { frames, fired };
}

const KINDS = ['disp.z', 'disp.y', 'acc.z', 'acc.y', 'strain'] as const;
const kindOf = (id: string) => KINDS.find((k) => id.startsWith(k))!;

/** Largest and smallest 1 s residual RMS per sensor over frames with time in (from, to]. */
function windowRms(run: Run, sensors: readonly string[], from: number, to: number) {
  const max = new Float64Array(sensors.length);
  const min = new Float64Array(sensors.length).fill(Infinity);
  const frames = run.frames;
  let start = 0;
  for (let end = 0; end < frames.length; end++) {
    const t = frames[end]!.time;
    while (frames[start]!.time <= t - 1000) start++;
    if (t - 1000 < from || t > to) continue;
    for (let i = 0; i < sensors.length; i++) {
      let sum = 0;
      for (let k = start; k <= end; k++) sum += frames[k]!.residual[i]! ** 2;
      const rms = Math.sqrt(sum / (end - start + 1));
      max[i] = Math.max(max[i]!, rms);
      min[i] = Math.min(min[i]!, rms);
    }
  }
  const byKind = (values: Float64Array, pick: (a: number, b: number) => number) =>
    Object.fromEntries(
      KINDS.map((kind) => [
        kind,
        sensors.reduce(
          (acc, id, i) => (kindOf(id) === kind ? pick(acc, values[i]!) : acc),
          pick === Math.max ? 0 : Infinity,
        ),
      ]),
    );
  return { max, min, maxByKind: byKind(max, Math.max), minByKind: byKind(min, Math.min) };
}

const fmt = (o: Record<string, number>) =>
  Object.entries(o)
    .map(([k, v]) => `${k} ${v.toPrecision(2)}`)
    .join(', ');

async function checkAgainstPlant(label: string, model: ShadowModel, backend: SimBackend) {
  const rec = record();
  const started = performance.now();
  const run = await drive(model, backend, rec, { rows: ROWS });
  const seconds = (performance.now() - started) / 1000;
  const settledAt = T0 + SETTLE_S * 1000;
  const settled = run.frames.filter((f) => !f.settling);
  expect(run.frames[0]!.settling).toBe(true);
  expect(settled[0]!.time).toBeGreaterThanOrEqual(settledAt);
  expect(settled[0]!.time).toBeLessThan(settledAt + 200);
  // Each frame compares both at one device time: the plant's own readings come back.
  const frame = settled[10]!;
  const row = rec.times.indexOf(frame.time);
  expect(Array.from(frame.measured)).toEqual(Array.from(rec.sensors[row]!));

  const sensors = rec.sensorIds;
  const undamaged = windowRms(run, sensors, settledAt, rec.damageAt);
  const damaged = windowRms(run, sensors, rec.damageAt + 2000, Infinity);
  const gauge = sensors.indexOf('strain.bc.L7');
  console.info(
    `[shadow ${label}] ${ROWS / RATE} s of plant in ${seconds.toFixed(1)} s\n` +
      `  1 s residual RMS, undamaged (max over ${UNDAMAGED_S} s): ${fmt(undamaged.maxByKind)}\n` +
      `  1 s residual RMS, strain.bc.L7 member at 0.3 (from 2 s on): strain.bc.L7 ${damaged.min[gauge]!.toPrecision(2)}…${damaged.max[gauge]!.toPrecision(2)}; max elsewhere: ${fmt(
        windowRms(
          run,
          sensors.map((s) => (s === 'strain.bc.L7' ? 'x' : s)),
          rec.damageAt + 2000,
          Infinity,
        ).maxByKind,
      )}`,
  );

  const before = run.fired.filter((a) => a.firedAt < rec.damageAt);
  expect(before, 'no alert on the undamaged plant').toEqual([]);
  const first = run.fired[0];
  console.info(
    `[shadow ${label}] alerts after the damage: ${run.fired
      .map(
        (a) =>
          `${a.sensor} at +${((a.firedAt - rec.damageAt) / 1000).toFixed(2)} s (${a.value.toPrecision(2)} > ${a.threshold})`,
      )
      .join(', ')}`,
  );
  expect(first?.sensor).toBe('strain.bc.L7');
  expect(first?.member).toBe(rec.member);
  expect(first!.firedAt - rec.damageAt).toBeLessThan(3000);
  expect(run.fired.filter((a) => a.sensor.startsWith('strain.diag'))).toEqual([]);
  cpuRun = run;
}

let cpuRun: Run | undefined;

describe('shadow mode against the fleet’s plant', () => {
  it('tracks the undamaged plant without alerts and flags the damaged member within seconds (CPU backend)', async () => {
    const model = footbridgeShadowModel();
    await checkAgainstPlant('cpu', model, createCpuBackend(model.truss, model.dt));
  }, 120_000);

  // The GPU runs the same code on float32 state; on SwiftShader a row (29 dispatches) costs ~8 ms,
  // so it takes the first 35 s: settling, 10 s undamaged, then the damage put in the MODEL (the
  // plant stays intact): the same residual with the other sign, through updateMembers.
  it(
    'on the WebGPU backend (Dawn), follows the CPU shadow and flags a model damaged at the gauge',
    (ctx) =>
      withGpu(ctx, async (device, adapter) => {
        const rec = record();
        const model = footbridgeShadowModel();
        const backend = createGpuBackend(device, model.truss, model.dt);
        const damageRow = (SETTLE_S + 10) * RATE;
        const rows = damageRow + 5 * RATE;
        const started = performance.now();
        let run: Run;
        try {
          run = await drive(model, backend, rec, {
            rows,
            at: {
              row: damageRow,
              run: (shadow) => shadow.setModelDamage({ member: rec.member, health: 0.3 }),
            },
          });
        } finally {
          backend.dispose();
        }
        const damageAt = rec.times[damageRow]!;
        const sensors = rec.sensorIds;
        const undamaged = windowRms(run, sensors, T0 + SETTLE_S * 1000, damageAt);
        const seconds = (performance.now() - started) / 1000;
        console.info(
          `[shadow webgpu ${adapter}] ${rows / RATE} s of plant in ${seconds.toFixed(1)} s\n` +
            `  1 s residual RMS, undamaged (max over 10 s): ${fmt(undamaged.maxByKind)}\n` +
            `  alerts after the model damage: ${run.fired.map((a) => `${a.sensor} at +${((a.firedAt - damageAt) / 1000).toFixed(2)} s (${a.value.toPrecision(2)})`).join(', ')}`,
        );
        expect(run.frames.find((f) => !f.settling)!.time).toBeGreaterThanOrEqual(
          T0 + SETTLE_S * 1000,
        );
        expect(run.fired.filter((a) => a.firedAt < damageAt)).toEqual([]);
        expect(run.fired[0]).toMatchObject({ sensor: 'strain.bc.L7', member: rec.member });
        expect(run.fired[0]!.firedAt - damageAt).toBeLessThan(3000);
        // Float32 on the GPU against float64 on the CPU, same rows: far inside the thresholds.
        if (cpuRun) {
          const cpu = new Map(cpuRun.frames.map((f) => [f.time, f] as const));
          const worst: Record<string, number> = {};
          for (const frame of run.frames) {
            const other = cpu.get(frame.time);
            if (!other || frame.time >= damageAt) continue;
            sensors.forEach((id, i) => {
              const d = Math.abs(frame.simulated[i]! - other.simulated[i]!);
              worst[kindOf(id)] = Math.max(worst[kindOf(id)] ?? 0, d);
            });
          }
          console.info(`  |GPU − CPU| simulated sensors, max: ${fmt(worst)}`);
          for (const rule of DEFAULT_ALERT_RULES) {
            const kind = kindOf(rule.channels.replace('*', ''));
            expect(worst[kind], kind).toBeLessThan(0.05 * rule.threshold);
          }
        }
      }),
    180_000,
  );
});
