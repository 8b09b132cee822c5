import {
  INCIDENCE_STRIDE,
  MEMBER_STRIDE,
  NODE_STRIDE,
  STATE_STRIDE,
  type PackedTruss,
} from './trussModel.ts';

export class StaticSolveError extends Error {
  override readonly name = 'StaticSolveError';
  constructor(message: string) {
    super(message);
  }
}

/**
 * The truss at rest under a constant load: displacements u = K⁻¹·f from the linear (small
 * displacement) stiffness of the members as they stand in `truss.members` (damage included),
 * velocity and acceleration zero, in the packed state layout. The explicit step would reach it
 * only after its slowest mode has decayed (10 s and more for the footbridge); a shadow model
 * starts here so that only the plant's vibration about this state remains to decay.
 *
 * Dense Cholesky on the free degrees of freedom: 180 for the footbridge, a few milliseconds.
 */
export function staticState(truss: PackedTruss, load: ArrayLike<number>): Float64Array {
  const dof = new Int32Array(truss.nodeCount).fill(-1);
  let n = 0;
  for (let i = 0; i < truss.nodeCount; i++) {
    if (truss.nodeInverseMass[i * NODE_STRIDE + 2] !== 0) dof[i] = 3 * n++;
  }
  const size = 3 * n;
  const K = new Float64Array(size * size);
  const f = new Float64Array(size);
  for (let i = 0; i < truss.nodeCount; i++) {
    const d = dof[i]!;
    if (d >= 0) for (let c = 0; c < 3; c++) f[d + c] = load[i * 4 + c]!;
  }
  // Each member adds k·n·nᵀ to its ends' diagonal blocks and −k·n·nᵀ off the diagonal. The node
  // table lists each member twice (once per end); the member table alone lists each once.
  const ends = memberEnds(truss);
  for (let m = 0; m < truss.memberCount; m++) {
    const mm = m * MEMBER_STRIDE;
    const length = truss.members[mm + 3]!;
    const k = truss.members[mm + 4]!;
    const unit = [
      truss.members[mm]! / length,
      truss.members[mm + 1]! / length,
      truss.members[mm + 2]! / length,
    ];
    const da = dof[ends[2 * m]!]!;
    const db = dof[ends[2 * m + 1]!]!;
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 3; c++) {
        const v = k * unit[r]! * unit[c]!;
        if (da >= 0) K[(da + r) * size + da + c] = K[(da + r) * size + da + c]! + v;
        if (db >= 0) K[(db + r) * size + db + c] = K[(db + r) * size + db + c]! + v;
        if (da >= 0 && db >= 0) {
          K[(da + r) * size + db + c] = K[(da + r) * size + db + c]! - v;
          K[(db + r) * size + da + c] = K[(db + r) * size + da + c]! - v;
        }
      }
    }
  }
  choleskySolve(K, f, size);
  const state = new Float64Array(truss.nodeCount * STATE_STRIDE);
  for (let i = 0; i < truss.nodeCount; i++) {
    const d = dof[i]!;
    if (d >= 0) for (let c = 0; c < 3; c++) state[i * STATE_STRIDE + c] = f[d + c]!;
  }
  return state;
}

/** End nodes a, b of every member, from the incidence table (a is the end flagged isA). */
function memberEnds(truss: PackedTruss): Int32Array {
  const ends = new Int32Array(2 * truss.memberCount);
  for (let e = 0; e < 2 * truss.memberCount; e++) {
    const member = truss.incidence[e * INCIDENCE_STRIDE]!;
    const other = truss.incidence[e * INCIDENCE_STRIDE + 1]!;
    // The entry at node i with isA = 1 names b as the other end; with isA = 0 it names a.
    if (truss.incidence[e * INCIDENCE_STRIDE + 2] === 1) ends[2 * member + 1] = other;
    else ends[2 * member] = other;
  }
  return ends;
}

/** Solves K·x = b in place (x into b) for a symmetric positive definite K (overwritten). */
function choleskySolve(K: Float64Array, b: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) {
    let d = K[j * n + j]!;
    for (let k = 0; k < j; k++) d -= K[j * n + k]! ** 2;
    if (!(d > 0)) {
      throw new StaticSolveError(
        `staticState: the stiffness matrix is singular at degree of freedom ${j}: the truss is a mechanism there; brace it or fix the node.`,
      );
    }
    const l = Math.sqrt(d);
    K[j * n + j] = l;
    for (let i = j + 1; i < n; i++) {
      let s = K[i * n + j]!;
      for (let k = 0; k < j; k++) s -= K[i * n + k]! * K[j * n + k]!;
      K[i * n + j] = s / l;
    }
  }
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= K[i * n + k]! * b[k]!;
    b[i] = s / K[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= K[k * n + i]! * b[k]!;
    b[i] = s / K[i * n + i]!;
  }
}
