import {
  FOOTBRIDGE,
  bottomNode,
  buildFootbridge,
  footbridgeSensors,
  type SensorSpec,
} from '../../twin/footbridge.ts';
import { FOOTBRIDGE_INPUT_CHANNELS, inputLoadVector } from '../../twin/footbridgeInputs.ts';
import { footbridgeTimeStep, type Damage } from '../../twin/footbridgeSim.ts';
import { readSensors, type MemberEnds } from '../../twin/sensorReading.ts';
import { staticState } from '../../twin/staticResponse.ts';
import {
  STATE_STRIDE,
  packTruss,
  setMemberHealth,
  type PackedTruss,
} from '../../twin/trussModel.ts';
import { SAMPLE_STRIDE } from '../../workers/sampleBatch.ts';
import type { SimBackend } from '../simBackend.ts';
import type { ShadowChannel, ShadowCounters, ShadowResiduals } from './shadowFrame.ts';

/** The model a shadow runs: its truss, time step, sensors and how measured inputs load it. */
export interface ShadowModel {
  /** Packed truss; the runner changes its member table for model damage. */
  readonly truss: PackedTruss;
  readonly dt: number;
  /** Time steps per sample period. */
  readonly substeps: number;
  /** Samples per second of device time: one sample period is `substeps` steps. */
  readonly sampleRate: number;
  readonly sensors: readonly SensorSpec[];
  readonly memberEnds: MemberEnds;
  /** Input channel names in row order. */
  readonly inputs: readonly string[];
  /** One row of measured inputs (in `inputs` order) as nodal loads, 4 floats per node. */
  readonly loadVector: (row: ArrayLike<number>, out: Float32Array) => void;
  /** The node whose vertical displacement the status line shows. */
  readonly midspanNode: number;
}

/** The default twin as a shadow model: the footbridge, its sensors, its measured inputs. */
export function footbridgeShadowModel(sampleRate = 100): ShadowModel {
  const def = buildFootbridge();
  const truss = packTruss(def);
  const { dt, substeps } = footbridgeTimeStep(truss, sampleRate);
  return {
    truss,
    dt,
    substeps,
    sampleRate,
    sensors: footbridgeSensors(def),
    memberEnds: def.members.map((m) => [m.a, m.b] as const),
    inputs: FOOTBRIDGE_INPUT_CHANNELS,
    loadVector: inputLoadVector,
    midspanNode: bottomNode('L', FOOTBRIDGE.panels / 2),
  };
}

export interface ShadowOptions {
  /** Rows more than this behind the newest input time are skipped, not stepped (ms). */
  readonly maxLagMs?: number;
  /**
   * An incomplete row waits at most this long (in device time, by the newest input seen) for its
   * missing samples; then it is stepped with them held from earlier rows (ms).
   */
  readonly holdMs?: number;
  /** A gap between rows longer than this restarts the model from the static state (ms). */
  readonly maxGapMs?: number;
  /**
   * Device time after a start during which residuals are reported as `settling` (s). Defaults to
   * two decay times of the model's mass damping α: 2 · (2/α), 20 s for the footbridge.
   */
  readonly settleSeconds?: number;
  /**
   * Residuals are flagged `degraded` while the share of the model's input values it did not
   * receive — held from an earlier row, or whole sample periods without a row — averaged over
   * one decay time of the mass damping (2/α), is above this. Default 0.01.
   */
  readonly degradedFill?: number;
}

interface Row {
  readonly values: Float64Array;
  count: number;
}

interface Readback {
  readonly time: number;
  /** The input fill average when this state was read. */
  readonly inputFill: number;
  readonly simulated: Float64Array;
  readonly nodeDisplacement: Float32Array;
}

type Slot = { readonly kind: 'input' | 'sensor'; readonly index: number };

/** Measured sensor rows kept for matching with readbacks, in device time (ms). */
const MEASURED_HISTORY_MS = 2000;
/** Readbacks kept for when the newest one's measured row is not complete yet. */
const READBACK_HISTORY = 8;

/**
 * A shadow model: the twin stepped beside the plant, driven by the plant's measured inputs, its
 * sensors compared with the plant's. Plain TypeScript on an injected SimBackend (WebGPU or CPU),
 * so the worker and Node tests run the same code.
 *
 * Samples arrive in any order through `feed`; `step` takes the complete input rows in device-time
 * order, one sample period each. The model's state starts (and restarts after a reset or a gap)
 * at the static solution under the first row's load, which leaves only the plant's vibration
 * about it to decay: residuals are flagged `settling` for two decay times of the mass damping.
 *
 * @example
 * const shadow = new ShadowRunner(model, createCpuBackend(model.truss, model.dt));
 * shadow.setChannels(channels);
 * shadow.feed(encodeSampleBatch(samples));
 * shadow.step(10);
 * const frame = await shadow.readResiduals();
 */
export class ShadowRunner {
  readonly model: ShadowModel;
  private readonly backend: SimBackend;
  private readonly maxLagMs: number;
  private readonly holdMs: number;
  private readonly maxGapMs: number;
  private readonly settleMs: number;
  private readonly periodMs: number;
  private readonly degradedFill: number;
  /** Per sample period, the weight the fill average keeps: exp(−period / decay time). */
  private readonly fillKeep: number;
  private readonly sensorIds: readonly string[];

  private slots = new Map<number, Slot>();
  private missing: string[];
  private knownSensors = 0;

  private readonly rows = new Map<number, Row>();
  /** Times of `rows`, ascending. */
  private pending: number[] = [];
  private newestInput = -Infinity;
  private newestMeasured = -Infinity;
  private latestComplete = -Infinity;
  private readonly measured = new Map<number, Row>();

  private readonly held: Float64Array;
  private load: Float32Array;
  private previousLoad: Float32Array;
  private started = false;
  private lastTime = -Infinity;
  private settleUntil = Infinity;
  /** Average share of input values not received, over about one decay time (see degradedFill). */
  private fill = 0;
  private generation = 0;
  private readbacks: Readback[] = [];
  private reading: Promise<ShadowResiduals | null> | null = null;
  private damage: Damage | null = null;
  private counters = {
    rowsStepped: 0,
    rowsSkipped: 0,
    rowsHeld: 0,
    lateSamples: 0,
    restarts: 0,
    steps: 0,
  };

  constructor(model: ShadowModel, backend: SimBackend, options: ShadowOptions = {}) {
    this.model = model;
    this.backend = backend;
    this.maxLagMs = options.maxLagMs ?? 1000;
    this.holdMs = options.holdMs ?? 100;
    this.maxGapMs = options.maxGapMs ?? 250;
    const alpha = model.truss.massDamping;
    this.settleMs = 1000 * (options.settleSeconds ?? (alpha > 0 ? 4 / alpha : 20));
    this.periodMs = 1000 / model.sampleRate;
    this.degradedFill = options.degradedFill ?? 0.01;
    const decayMs = alpha > 0 ? 2000 / alpha : 10_000;
    this.fillKeep = Math.exp(-this.periodMs / decayMs);
    this.sensorIds = model.sensors.map((s) => s.id);
    this.missing = [...model.inputs];
    this.held = new Float64Array(model.inputs.length).fill(NaN);
    this.load = new Float32Array(model.truss.nodeCount * 4);
    this.previousLoad = new Float32Array(this.load.length);
  }

  /** Input channels the channel table lacks: until it has them all, nothing is stepped. */
  get missingInputs(): readonly string[] {
    return this.missing;
  }

  /** Device time (ms) of the last row stepped; -Infinity before the first. */
  get lastStepTime(): number {
    return this.lastTime;
  }

  /**
   * The share of input values the model did not receive, averaged over one decay time of its
   * damping: held from an earlier row, or whole sample periods stepped on the last row's load.
   * A model driven by inputs it never got drifts from the plant for about that long.
   */
  get inputFill(): number {
    return this.fill;
  }

  /** True until the model has run its settling time since its last start. */
  get settling(): boolean {
    return !this.started || this.lastTime < this.settleUntil;
  }

  stats(): ShadowCounters {
    return { ...this.counters };
  }

  /** The relay's channel table: which sample ids are inputs and which are sensors. */
  setChannels(channels: readonly ShadowChannel[]): void {
    const inputIndex = new Map(this.model.inputs.map((name, i) => [name, i] as const));
    const sensorIndex = new Map(this.sensorIds.map((name, i) => [name, i] as const));
    this.slots = new Map();
    const seen = new Set<string>();
    let sensors = 0;
    for (const channel of channels) {
      const input = inputIndex.get(channel.name);
      const sensor = sensorIndex.get(channel.name);
      if (input !== undefined) this.slots.set(channel.id, { kind: 'input', index: input });
      else if (sensor !== undefined) this.slots.set(channel.id, { kind: 'sensor', index: sensor });
      else continue;
      if (!seen.has(channel.name) && sensor !== undefined) sensors++;
      seen.add(channel.name);
    }
    this.knownSensors = sensors;
    this.missing = this.model.inputs.filter((name) => !seen.has(name));
  }

  /**
   * Takes relay samples, `[channelId, deviceTime, value, receiveTime]` × n (sampleBatch.ts). Other
   * channels are ignored; input samples for a time already stepped are counted as late.
   */
  feed(samples: Float64Array): void {
    if (samples.length % SAMPLE_STRIDE !== 0) {
      throw new RangeError(
        `Twinbench shadow: a sample batch holds ${samples.length} numbers, not a multiple of ${SAMPLE_STRIDE}; ` +
          'build it with encodeSampleBatch().',
      );
    }
    for (let k = 0; k < samples.length; k += SAMPLE_STRIDE) {
      const slot = this.slots.get(samples[k]!);
      if (slot === undefined) continue;
      const time = samples[k + 1]!;
      const value = samples[k + 2]!;
      if (!Number.isFinite(time) || !Number.isFinite(value)) continue;
      if (slot.kind === 'input') this.addInput(slot.index, time, value);
      else this.addMeasured(slot.index, time, value);
    }
  }

  /**
   * Steps the model through up to `maxRows` ready rows, oldest first: complete rows, and
   * incomplete ones `holdMs` behind the newest input or behind a complete row. Returns the number
   * stepped.
   */
  step(maxRows = Infinity): number {
    let stepped = 0;
    const width = this.model.inputs.length;
    // Without every input channel nothing is stepped, but old rows still go.
    const blocked = this.missing.length > 0;
    while (this.pending.length > 0) {
      const time = this.pending[0]!;
      const row = this.rows.get(time)!;
      const skip = this.newestInput - time > this.maxLagMs;
      const ready =
        !blocked &&
        (row.count === width ||
          time < this.latestComplete ||
          this.newestInput - time >= this.holdMs);
      if (!skip && (!ready || stepped >= maxRows)) break;
      this.pending.shift();
      this.rows.delete(time);
      if (skip) this.counters.rowsSkipped++;
      else if (this.takeRow(time, row.values)) stepped++;
    }
    // Readbacks match rows near the last stepped time, which is at most maxLagMs behind: older
    // rows go (also those of sensors that arrive without inputs).
    const keepFrom =
      Math.max(this.lastTime, this.newestMeasured - this.maxLagMs) - MEASURED_HISTORY_MS;
    for (const time of this.measured.keys()) if (time < keepFrom) this.measured.delete(time);
    return stepped;
  }

  /**
   * Reads the model state back (one readback) and compares its sensors with the plant's at the
   * last stepped time, or, when the plant's row for that time is not complete yet, at the latest
   * earlier readback whose row is. Null before the first row, or when a reset came meanwhile.
   */
  readResiduals(): Promise<ShadowResiduals | null> {
    if (this.reading) return this.reading;
    if (!this.started) return Promise.resolve(null);
    const time = this.lastTime;
    const generation = this.generation;
    const reading = this.backend.readState().then((state) => {
      if (generation !== this.generation) return null;
      const simulated = new Float64Array(this.sensorIds.length);
      readSensors(this.model.truss, this.model.memberEnds, this.model.sensors, state, simulated);
      const nodeDisplacement = new Float32Array(this.model.truss.nodeCount * 3);
      for (let i = 0; i < this.model.truss.nodeCount; i++)
        for (let c = 0; c < 3; c++) nodeDisplacement[i * 3 + c] = state[i * STATE_STRIDE + c]!;
      this.readbacks.push({ time, simulated, nodeDisplacement, inputFill: this.fill });
      if (this.readbacks.length > READBACK_HISTORY) this.readbacks.shift();
      return this.compare();
    });
    this.reading = reading;
    const done = () => {
      if (this.reading === reading) this.reading = null;
    };
    reading.then(done, done);
    return reading;
  }

  /** Back to rest, forgetting every pending row and reading: on a seek or a source switch. */
  reset(): void {
    this.generation++;
    this.rows.clear();
    this.pending = [];
    this.measured.clear();
    this.newestInput = -Infinity;
    this.newestMeasured = -Infinity;
    this.latestComplete = -Infinity;
    this.held.fill(NaN);
    this.started = false;
    this.lastTime = -Infinity;
    this.settleUntil = Infinity;
    this.fill = 0;
    this.readbacks = [];
    this.reading = null;
    this.backend.writeState(new Float32Array(this.model.truss.nodeCount * STATE_STRIDE));
  }

  /**
   * The model's damage: null for the design, or a member's health (a fitted damage the user
   * applied). Never the plant's reported damage: residuals are what tell the two apart.
   */
  setModelDamage(damage: Damage | null): void {
    if (damage) {
      if (!(damage.health > 0 && damage.health <= 1))
        throw new RangeError(
          `Twinbench shadow: model damage health ${damage.health} is outside (0, 1]: 1 is intact, 0.5 halves the stiffness.`,
        );
      const members = this.model.truss.memberCount;
      if (!(Number.isInteger(damage.member) && damage.member >= 0 && damage.member < members))
        throw new RangeError(
          `Twinbench shadow: model damage member ${damage.member} does not exist: the model has members 0…${members - 1}.`,
        );
    }
    const truss = this.model.truss;
    if (this.damage) setMemberHealth(truss, this.damage.member, 1);
    if (damage) setMemberHealth(truss, damage.member, damage.health);
    this.damage = damage;
    this.backend.updateMembers(truss);
  }

  dispose(): void {
    this.backend.dispose();
  }

  private addInput(index: number, time: number, value: number): void {
    if (time <= this.lastTime) {
      this.counters.lateSamples++;
      return;
    }
    let row = this.rows.get(time);
    if (row === undefined) {
      row = { values: new Float64Array(this.model.inputs.length).fill(NaN), count: 0 };
      this.rows.set(time, row);
      insertSorted(this.pending, time);
    }
    if (Number.isNaN(row.values[index])) row.count++;
    row.values[index] = value;
    if (row.count === row.values.length && time > this.latestComplete) this.latestComplete = time;
    if (time > this.newestInput) this.newestInput = time;
  }

  private addMeasured(index: number, time: number, value: number): void {
    if (time < this.lastTime - MEASURED_HISTORY_MS) return;
    let row = this.measured.get(time);
    if (row === undefined) {
      row = { values: new Float64Array(this.sensorIds.length).fill(NaN), count: 0 };
      this.measured.set(time, row);
    }
    if (Number.isNaN(row.values[index])) row.count++;
    row.values[index] = value;
    if (time > this.newestMeasured) this.newestMeasured = time;
  }

  /** Steps one row; false when it could not be (an input never seen yet). */
  private takeRow(time: number, values: Float64Array): boolean {
    let heldValues = 0;
    for (let k = 0; k < values.length; k++) {
      const value = values[k]!;
      if (Number.isNaN(value)) heldValues++;
      else this.held[k] = value;
    }
    const held = heldValues > 0;
    if (this.held.some(Number.isNaN)) {
      this.counters.rowsSkipped++;
      return false;
    }
    [this.load, this.previousLoad] = [this.previousLoad, this.load];
    this.model.loadVector(this.held, this.load);
    const { substeps } = this.model;
    if (!this.started || time - this.lastTime > this.maxGapMs) {
      // Start at rest under this row's load rather than at zero: otherwise the whole static
      // deflection rings out as a transient that takes a minute of mass damping to decay.
      this.backend.writeState(staticState(this.model.truss, this.load));
      this.started = true;
      this.settleUntil = time + this.settleMs;
      this.counters.restarts++;
      // Settling covers the start; the fill average starts afresh with it.
      this.fill = 0;
    } else {
      const periods = Math.max(1, Math.round((time - this.lastTime) / this.periodMs));
      // Periods without a row count as wholly filled, then this row's held share.
      const keep = this.fillKeep;
      const missed = periods - 1;
      const keepMissed = keep ** missed;
      this.fill = this.fill * keepMissed + (1 - keepMissed);
      this.fill = this.fill * keep + (heldValues / values.length) * (1 - keep);
      // Whole sample periods without a row keep the last row's load, so model time keeps pace
      // with device time.
      if (periods > 1) this.backend.advance(this.previousLoad, substeps * (periods - 1));
      this.backend.advance(this.load, substeps);
      this.counters.steps += periods * substeps;
    }
    this.lastTime = time;
    this.counters.rowsStepped++;
    if (held) this.counters.rowsHeld++;
    return true;
  }

  private compare(): ShadowResiduals {
    const complete = (r: Readback) => {
      const row = this.measured.get(r.time);
      return row !== undefined && this.knownSensors > 0 && row.count >= this.knownSensors;
    };
    let chosen = this.readbacks[this.readbacks.length - 1]!;
    for (let i = this.readbacks.length - 1; i >= 0; i--) {
      if (complete(this.readbacks[i]!)) {
        chosen = this.readbacks[i]!;
        break;
      }
    }
    const n = this.sensorIds.length;
    const measured = new Float64Array(n).fill(NaN);
    const row = this.measured.get(chosen.time);
    if (row) measured.set(row.values);
    const residual = new Float64Array(n);
    for (let i = 0; i < n; i++) residual[i] = measured[i]! - chosen.simulated[i]!;
    return {
      time: chosen.time,
      sensors: this.sensorIds,
      measured,
      simulated: chosen.simulated.slice(),
      residual,
      nodeDisplacement: chosen.nodeDisplacement.slice(),
      settling: chosen.time < this.settleUntil,
      inputFill: chosen.inputFill,
      degraded: chosen.inputFill > this.degradedFill,
      thresholdScale:
        chosen.inputFill > this.degradedFill ? 1 + chosen.inputFill / this.degradedFill : 1,
    };
  }
}

function insertSorted(times: number[], time: number): void {
  let hi = times.length;
  if (hi === 0 || times[hi - 1]! < time) {
    times.push(time);
    return;
  }
  let lo = 0;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! < time) lo = mid + 1;
    else hi = mid;
  }
  times.splice(lo, 0, time);
}
