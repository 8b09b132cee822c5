import { buildFootbridge, footbridgeSensors, type SensorSpec } from './footbridge.ts';
import {
  FOOTBRIDGE_INPUTS,
  INPUT_DECIMALS,
  INPUT_NOISE,
  measureInputs,
} from './footbridgeInputs.ts';
import { FootbridgeLoads, type LoadOptions } from './footbridgeLoads.ts';
import { createRandom } from './random.ts';
import { readSensor, type MemberEnds } from './sensorReading.ts';
import {
  STATE_STRIDE,
  packTruss,
  setMemberHealth,
  stableTimeStep,
  type PackedTruss,
} from './trussModel.ts';
import { stepTrussCpu } from './trussStepCpu.ts';

export interface FootbridgeSimOptions {
  readonly seed: number;
  /** Sensor sample rate in Hz. */
  readonly sampleRate?: number;
  /**
   * Standard deviation of sensor and input-measurement noise relative to the defaults; 0 for
   * noiseless readings.
   */
  readonly noise?: number;
  /** Pedestrian arrival rate and mean wind, when not the defaults. */
  readonly loads?: Omit<LoadOptions, 'seed'>;
}

export interface Damage {
  readonly member: number;
  readonly health: number;
}

const NOISE = { displacement: 0.004, acceleration: 0.003, strain: 0.05 } as const;

/** Time step in seconds such that a whole number of steps fits in one sample period. */
export function footbridgeTimeStep(
  truss: PackedTruss,
  sampleRate: number,
): { dt: number; substeps: number } {
  const limit = 0.5 * stableTimeStep(truss);
  const substeps = Math.ceil(1 / sampleRate / limit);
  return { dt: 1 / sampleRate / substeps, substeps };
}

/**
 * The footbridge integrated on the CPU in float64, with its loads and its sensors: what the
 * server's sensor fleet runs, and the browser's fallback when WebGPU is missing.
 */
export class FootbridgeSimulation {
  readonly truss: PackedTruss;
  readonly sensors: readonly SensorSpec[];
  readonly sampleRate: number;
  readonly dt: number;
  readonly substeps: number;
  readonly loads: FootbridgeLoads;
  readonly memberEnds: MemberEnds;
  private state: Float64Array;
  private scratch: Float64Array;
  private readonly load: Float64Array;
  private readonly noise;
  private readonly inputNoise;
  private readonly noiseScale: number;
  private currentDamage: Damage | null = null;
  private time = 0;

  constructor(options: FootbridgeSimOptions) {
    const def = buildFootbridge();
    this.truss = packTruss(def);
    this.memberEnds = def.members.map((m) => [m.a, m.b] as const);
    this.sensors = footbridgeSensors(def);
    this.sampleRate = options.sampleRate ?? 100;
    const { dt, substeps } = footbridgeTimeStep(this.truss, this.sampleRate);
    this.dt = dt;
    this.substeps = substeps;
    this.loads = new FootbridgeLoads(this.truss.nodeCount, {
      ...options.loads,
      seed: options.seed,
    });
    this.state = new Float64Array(this.truss.nodeCount * STATE_STRIDE);
    this.scratch = new Float64Array(this.state.length);
    this.load = new Float64Array(this.truss.nodeCount * 4);
    this.noise = createRandom(options.seed ^ 0x5eed);
    // Its own stream, so adding the inputs left the sensor noise of a given seed as it was.
    this.inputNoise = createRandom(options.seed ^ 0x10ad);
    this.noiseScale = options.noise ?? 1;
  }

  get simTime(): number {
    return this.time;
  }

  get damage(): Damage | null {
    return this.currentDamage;
  }

  /** Node state (u, v, a per node, STATE_STRIDE floats each). */
  get nodeState(): Float64Array {
    return this.state;
  }

  setDamage(damage: Damage | null): void {
    if (this.currentDamage) setMemberHealth(this.truss, this.currentDamage.member, 1);
    if (damage) setMemberHealth(this.truss, damage.member, damage.health);
    this.currentDamage = damage;
  }

  /** Integrates one sample period (loads held over its substeps). */
  advanceSample(): void {
    this.loads.advance(1 / this.sampleRate, this.load);
    for (let s = 0; s < this.substeps; s++) {
      stepTrussCpu(this.truss, this.state, this.scratch, this.load, this.dt);
      [this.state, this.scratch] = [this.scratch, this.state];
    }
    this.time += 1 / this.sampleRate;
  }

  /** Current sensor readings in sensor order, in each sensor's unit, with sensor noise. */
  readSensors(out: number[] = []): number[] {
    this.sensors.forEach((sensor, i) => {
      out[i] = this.readSensor(sensor) + this.noiseScale * NOISE[sensor.kind] * this.noise.normal();
    });
    return out;
  }

  /**
   * The measured inputs of the last sample (FOOTBRIDGE_INPUTS order): vertical deck forces and
   * wind speed as load cells and an anemometer report them: with their noise, rounded to their
   * resolution. The walkers' lateral sway is not among them (see footbridgeInputs.ts).
   */
  readInputs(out: number[] = []): number[] {
    measureInputs(this.load, this.loads.windSpeed, out);
    FOOTBRIDGE_INPUTS.forEach((input, k) => {
      const value = out[k]! + this.noiseScale * INPUT_NOISE[input.kind] * this.inputNoise.normal();
      const scale = 10 ** INPUT_DECIMALS[input.kind];
      out[k] = Math.round(value * scale) / scale;
    });
    return out;
  }

  private readSensor(sensor: SensorSpec): number {
    return readSensor(this.truss, this.memberEnds, sensor, this.state);
  }
}
