import './nodeRequire.ts';
import * as tf from '@tensorflow/tfjs-core';
import {
  INCIDENCE_STRIDE,
  MEMBER_STRIDE,
  NODE_STRIDE,
  STATE_STRIDE,
} from '../src/twin/trussModel.ts';
import { MM, type BridgeLossProblem } from './bridgeLoss.ts';
import type { BridgeGradient } from './twinbenchBridgeGradient.ts';

export interface TfjsBridgeGradient {
  /** The loss and dL/dk through `tf.valueAndGrad` over the unrolled steps. */
  run(): Promise<BridgeGradient>;
  /** tfjs kernels one step runs: forward alone, and forward + backward. */
  kernelsPerStep(): Promise<{ forward: number; withGradient: number }>;
  dispose(): void;
}

/**
 * The bridge loss written as a tfjs user would: the truss step of src/twin/trussStepCpu.ts
 * (symplectic Euler, cancellation-free extension, axial dashpot, mass damping, supports held)
 * vectorised over members — gather both ends' displacements and velocities, member forces,
 * scatter them back to the nodes with unsortedSegmentSum — unrolled over T steps inside
 * `tf.valueAndGrad`, which differentiates through every step by keeping each step's tensors.
 */
export function createTfjsBridgeGradient(problem: BridgeLossProblem): TfjsBridgeGradient {
  const { truss, sensors } = problem;
  const m = truss.memberCount;
  const n = truss.nodeCount;
  const ends = memberEnds(problem);
  const column = (index: number) =>
    Float32Array.from({ length: m }, (_, j) => truss.members[j * MEMBER_STRIDE + index]!);
  const rows = <T>(count: number, width: number, value: (i: number, x: number) => T) =>
    Array.from({ length: count }, (_, i) => Array.from({ length: width }, (_, x) => value(i, x)));
  const invMass = Float32Array.from(
    { length: n },
    (_, i) => truss.nodeInverseMass[i * NODE_STRIDE + 2]!,
  );

  // Everything that does not change between runs lives on the GPU once.
  const constants = {
    a: tf.tensor1d(ends.a, 'int32'),
    b: tf.tensor1d(ends.b, 'int32'),
    rest: tf.tensor2d(rows(m, 3, (j, x) => truss.members[j * MEMBER_STRIDE + x]!)),
    restLength: tf.tensor2d(column(3), [m, 1]),
    damper: tf.tensor2d(column(5), [m, 1]),
    load: tf.tensor2d(rows(n, 3, (i, x) => problem.load[i * 4 + x]!)),
    invMass: tf.tensor2d(invMass, [n, 1]),
    free: tf.tensor2d(
      invMass.map((w) => (w === 0 ? 0 : 1)),
      [n, 1],
    ),
    u0: tf.tensor2d(rows(n, 3, (i, x) => problem.initialState[i * STATE_STRIDE + x]!)),
    v0: tf.tensor2d(rows(n, 3, (i, x) => problem.initialState[i * STATE_STRIDE + 4 + x]!)),
    sensorSlots: tf.tensor1d(
      sensors.map((s) => s.node * 3 + s.axis),
      'int32',
    ),
    sensorWeights: tf.tensor1d(sensors.map((s) => s.weight * MM * MM)),
    dt: tf.scalar(problem.dt),
    massDamping: tf.scalar(truss.massDamping),
    two: tf.scalar(2),
  };
  const stiffness = tf.tensor2d(column(4), [m, 1]);
  const c = constants;

  const step = (u: tf.Tensor, v: tf.Tensor, k: tf.Tensor): [tf.Tensor, tf.Tensor] => {
    const du = tf.sub(tf.gather(u, c.b), tf.gather(u, c.a));
    const dv = tf.sub(tf.gather(v, c.b), tf.gather(v, c.a));
    const d = tf.add(c.rest, du);
    const length = tf.sqrt(tf.sum(tf.square(d), 1, true));
    // (|r + du|² − |r|²) / (|r + du| + |r|): the extension without cancellation, as the kernel.
    const extension = tf.div(
      tf.add(tf.mul(c.two, tf.sum(tf.mul(c.rest, du), 1, true)), tf.sum(tf.square(du), 1, true)),
      tf.add(length, c.restLength),
    );
    const direction = tf.div(d, length);
    const rate = tf.sum(tf.mul(direction, dv), 1, true);
    const tension = tf.add(tf.mul(k, extension), tf.mul(c.damper, rate));
    const pull = tf.mul(tension, direction); // on end a; end b gets −pull
    const force = tf.add(
      c.load,
      tf.sub(tf.unsortedSegmentSum(pull, c.a, n), tf.unsortedSegmentSum(pull, c.b, n)),
    );
    const acceleration = tf.mul(c.free, tf.sub(tf.mul(c.invMass, force), tf.mul(c.massDamping, v)));
    const vNext = tf.add(v, tf.mul(c.dt, acceleration));
    const uNext = tf.add(u, tf.mul(c.dt, vNext));
    return [uNext, vNext];
  };
  const sensorTerm = (u: tf.Tensor) => {
    const readings = tf.gather(tf.reshape(u, [-1]), c.sensorSlots);
    return tf.sum(tf.mul(c.sensorWeights, tf.square(readings)));
  };
  const loss = (k: tf.Tensor, steps: number): tf.Scalar => {
    let u: tf.Tensor = c.u0;
    let v: tf.Tensor = c.v0;
    let total: tf.Scalar = tf.scalar(0);
    for (let t = 0; t < steps; t++) {
      [u, v] = step(u, v, k);
      total = tf.add(total, sensorTerm(u));
    }
    return total;
  };

  return {
    async run() {
      const { value, grad } = tf.valueAndGrad((k: tf.Tensor) => loss(k, problem.steps))(stiffness);
      try {
        const [lossValue, gradient] = await Promise.all([value.data(), grad.data()]);
        return { loss: lossValue[0]!, stiffness: Float32Array.from(gradient) };
      } finally {
        tf.dispose([value, grad]);
      }
    },
    async kernelsPerStep() {
      // tf.profile reuses one record object, so each count is read before the next profile.
      const steps = 4;
      const count = async (f: () => tf.TensorContainer) => {
        const profile = await tf.profile(f);
        tf.dispose(profile.result);
        return profile.kernels.length / steps;
      };
      const forward = await count(() => loss(stiffness, steps));
      const withGradient = await count(
        () => tf.valueAndGrad((k: tf.Tensor) => loss(k, steps))(stiffness).grad,
      );
      return { forward, withGradient };
    },
    dispose() {
      tf.dispose([...Object.values(constants), stiffness]);
    },
  };
}

/** Each member's end nodes, read back from the incidence table (a member is listed at both). */
function memberEnds({ truss }: BridgeLossProblem): { a: Int32Array; b: Int32Array } {
  const a = new Int32Array(truss.memberCount);
  const b = new Int32Array(truss.memberCount);
  for (let i = 0; i < truss.nodeCount; i++) {
    const first = truss.nodes[i * NODE_STRIDE]!;
    const count = truss.nodes[i * NODE_STRIDE + 1]!;
    for (let e = first; e < first + count; e++) {
      if (truss.incidence[e * INCIDENCE_STRIDE + 2] !== 1) continue;
      const member = truss.incidence[e * INCIDENCE_STRIDE]!;
      a[member] = i;
      b[member] = truss.incidence[e * INCIDENCE_STRIDE + 1]!;
    }
  }
  return { a, b };
}
