import {
  INCIDENCE_STRIDE,
  MEMBER_STRIDE,
  NODE_STRIDE,
  STATE_STRIDE,
  type PackedTruss,
} from './trussModel.ts';

type FloatArray = Float32Array | Float64Array;

/**
 * One symplectic-Euler step of the truss, node by node, gathering spring forces over each node's
 * members. This is the reference for the WGSL kernel (`src/gpu/trussStep.wgsl.ts`): same order of
 * operations, here in the precision of the state array (float64 on the server).
 *
 * Member extension is computed as (2·r·Δu + Δu·Δu) / (|r + Δu| + L₀), which stays accurate in
 * float32 where |r + Δu| − L₀ would cancel away the micrometre extensions of a steel truss.
 *
 * `load` holds 4 floats per node (force in N, xyz, pad). Writes u, v and a into `stateOut`.
 */
export function stepTrussCpu(
  truss: PackedTruss,
  stateIn: FloatArray,
  stateOut: FloatArray,
  load: FloatArray,
  dt: number,
): void {
  const { members, nodes, nodeInverseMass, incidence, massDamping } = truss;
  for (let i = 0; i < truss.nodeCount; i++) {
    const s = i * STATE_STRIDE;
    const invMass = nodeInverseMass[i * NODE_STRIDE + 2]!;
    if (invMass === 0) {
      stateOut.set([stateIn[s]!, stateIn[s + 1]!, stateIn[s + 2]!, 0, 0, 0, 0, 0, 0, 0, 0, 0], s);
      continue;
    }
    const ux = stateIn[s]!;
    const uy = stateIn[s + 1]!;
    const uz = stateIn[s + 2]!;
    const vx = stateIn[s + 4]!;
    const vy = stateIn[s + 5]!;
    const vz = stateIn[s + 6]!;
    let fx = load[i * 4]!;
    let fy = load[i * 4 + 1]!;
    let fz = load[i * 4 + 2]!;
    const first = nodes[i * NODE_STRIDE]!;
    const end = first + nodes[i * NODE_STRIDE + 1]!;
    for (let e = first; e < end; e++) {
      const member = incidence[e * INCIDENCE_STRIDE]!;
      const other = incidence[e * INCIDENCE_STRIDE + 1]! * STATE_STRIDE;
      const sign = incidence[e * INCIDENCE_STRIDE + 2] === 1 ? 1 : -1;
      const mm = member * MEMBER_STRIDE;
      const rx = sign * members[mm]!;
      const ry = sign * members[mm + 1]!;
      const rz = sign * members[mm + 2]!;
      const restLength = members[mm + 3]!;
      const k = members[mm + 4]!;
      const c = members[mm + 5]!;
      const dux = stateIn[other]! - ux;
      const duy = stateIn[other + 1]! - uy;
      const duz = stateIn[other + 2]! - uz;
      const dx = rx + dux;
      const dy = ry + duy;
      const dz = rz + duz;
      const length = Math.sqrt(dx * dx + dy * dy + dz * dz);
      const extension =
        (2 * (rx * dux + ry * duy + rz * duz) + (dux * dux + duy * duy + duz * duz)) /
        (length + restLength);
      const nx = dx / length;
      const ny = dy / length;
      const nz = dz / length;
      const extensionRate =
        nx * (stateIn[other + 4]! - vx) +
        ny * (stateIn[other + 5]! - vy) +
        nz * (stateIn[other + 6]! - vz);
      const tension = k * extension + c * extensionRate;
      fx += tension * nx;
      fy += tension * ny;
      fz += tension * nz;
    }
    const ax = invMass * fx - massDamping * vx;
    const ay = invMass * fy - massDamping * vy;
    const az = invMass * fz - massDamping * vz;
    const nvx = vx + dt * ax;
    const nvy = vy + dt * ay;
    const nvz = vz + dt * az;
    stateOut[s] = ux + dt * nvx;
    stateOut[s + 1] = uy + dt * nvy;
    stateOut[s + 2] = uz + dt * nvz;
    stateOut[s + 3] = 0;
    stateOut[s + 4] = nvx;
    stateOut[s + 5] = nvy;
    stateOut[s + 6] = nvz;
    stateOut[s + 7] = 0;
    stateOut[s + 8] = ax;
    stateOut[s + 9] = ay;
    stateOut[s + 10] = az;
    stateOut[s + 11] = 0;
  }
}

/** Axial strain of a member (extension / rest length) in the given state. */
export function memberStrain(
  truss: PackedTruss,
  state: FloatArray,
  member: number,
  a: number,
  b: number,
): number {
  const mm = member * MEMBER_STRIDE;
  const sa = a * STATE_STRIDE;
  const sb = b * STATE_STRIDE;
  const rx = truss.members[mm]!;
  const ry = truss.members[mm + 1]!;
  const rz = truss.members[mm + 2]!;
  const restLength = truss.members[mm + 3]!;
  const dux = state[sb]! - state[sa]!;
  const duy = state[sb + 1]! - state[sa + 1]!;
  const duz = state[sb + 2]! - state[sa + 2]!;
  const lx = rx + dux;
  const ly = ry + duy;
  const lz = rz + duz;
  // Not Math.hypot: V8's is ~20× slower, and this runs for every member in every substep.
  const length = Math.sqrt(lx * lx + ly * ly + lz * lz);
  const extension =
    (2 * (rx * dux + ry * duy + rz * duz) + (dux * dux + duy * duy + duz * duz)) /
    (length + restLength);
  return extension / restLength;
}
