import type { SensorSpec } from './footbridge.ts';
import { STATE_STRIDE, type PackedTruss } from './trussModel.ts';
import { memberStrain } from './trussStepCpu.ts';

const AXIS_OFFSET = { x: 0, y: 1, z: 2 } as const;

/** Member end nodes `[a, b]` by member index, e.g. `def.members.map((m) => [m.a, m.b])`. */
export type MemberEnds = readonly (readonly [number, number])[];

/**
 * One sensor's noiseless reading, in its unit, from a node state in the packed layout (float64 on
 * the CPU, float32 read back from the GPU): displacement in mm, the last step's acceleration in
 * m/s², member strain in µε. The plant and the shadow model both read their sensors here.
 */
export function readSensor(
  truss: PackedTruss,
  memberEnds: MemberEnds,
  sensor: SensorSpec,
  state: Float32Array | Float64Array,
): number {
  switch (sensor.kind) {
    case 'displacement':
      return 1000 * state[sensor.node * STATE_STRIDE + AXIS_OFFSET[sensor.axis]]!;
    case 'acceleration':
      return state[sensor.node * STATE_STRIDE + 8 + AXIS_OFFSET[sensor.axis]]!;
    case 'strain': {
      const [a, b] = memberEnds[sensor.member]!;
      return 1e6 * memberStrain(truss, state, sensor.member, a, b);
    }
  }
}

/** Every sensor's reading into `out`, in sensor order. */
export function readSensors(
  truss: PackedTruss,
  memberEnds: MemberEnds,
  sensors: readonly SensorSpec[],
  state: Float32Array | Float64Array,
  out: Float64Array | number[],
): void {
  for (let i = 0; i < sensors.length; i++)
    out[i] = readSensor(truss, memberEnds, sensors[i]!, state);
}
