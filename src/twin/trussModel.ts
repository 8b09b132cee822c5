/**
 * A truss as a mass–spring network: nodes with lumped masses joined by axial springs.
 *
 * The packed form is shared byte for byte by the CPU step (server fleet, browser fallback) and the
 * WGSL kernel, so both integrate exactly the same equations from the same float32 inputs.
 */

export interface TrussNode {
  /** Rest position in metres (x along the span, y across, z up). */
  readonly position: readonly [number, number, number];
  /** Lumped mass in kg. */
  readonly mass: number;
  /** A fixed node (support) never moves. */
  readonly fixed: boolean;
}

export type MemberRole =
  | 'bottomChord'
  | 'topChord'
  | 'endPost'
  | 'vertical'
  | 'diagonal'
  | 'floorBeam'
  | 'deckBracing'
  | 'topStrut'
  | 'topBracing'
  | 'swayBracing';

export interface TrussMember {
  readonly a: number;
  readonly b: number;
  /** Axial rigidity E·A in newtons. */
  readonly axialRigidity: number;
  readonly role: MemberRole;
  readonly label: string;
}

export interface TrussDefinition {
  readonly nodes: readonly TrussNode[];
  readonly members: readonly TrussMember[];
  /** Mass-proportional damping coefficient α in 1/s. */
  readonly massDamping: number;
  /** Stiffness-proportional damping coefficient β in s (member dashpot c = β·k). */
  readonly stiffnessDamping: number;
}

/** Floats per node in the packed state: u (xyz, pad), v (xyz, pad), a (xyz, pad). */
export const STATE_STRIDE = 12;
/** Floats per member in the packed member table: rest vector b−a (xyz), rest length, k, c, pad, pad. */
export const MEMBER_STRIDE = 8;
/** u32 per node in the node table: first incidence, incidence count, inverse mass as f32 bits, pad. */
export const NODE_STRIDE = 4;
/** u32 per incidence: member index, other node index, sign (1 when this node is the member's a), pad. */
export const INCIDENCE_STRIDE = 4;

export interface PackedTruss {
  readonly nodeCount: number;
  readonly memberCount: number;
  readonly restPositions: Float32Array;
  /** MEMBER_STRIDE floats per member. Stiffness (index 4) and dashpot (5) change with damage. */
  readonly members: Float32Array;
  /** NODE_STRIDE u32 per node; shares its buffer with `nodeInverseMass`. */
  readonly nodes: Uint32Array;
  readonly nodeInverseMass: Float32Array;
  readonly incidence: Uint32Array;
  readonly baseStiffness: Float32Array;
  readonly massDamping: number;
  readonly stiffnessDamping: number;
}

export class TrussDefinitionError extends Error {
  override readonly name = 'TrussDefinitionError';
  constructor(
    readonly reason: 'bad_member' | 'bad_node' | 'no_members',
    message: string,
  ) {
    super(message);
  }
}

/** Packs a truss into the flat tables both the CPU step and the WGSL kernel read. */
export function packTruss(def: TrussDefinition): PackedTruss {
  const n = def.nodes.length;
  const m = def.members.length;
  if (m === 0)
    throw new TrussDefinitionError('no_members', 'Truss has no members: add at least one.');
  const restPositions = new Float32Array(n * 4);
  const nodeBuffer = new ArrayBuffer(n * NODE_STRIDE * 4);
  const nodes = new Uint32Array(nodeBuffer);
  const nodeInverseMass = new Float32Array(nodeBuffer);
  def.nodes.forEach((node, i) => {
    if (!(node.mass > 0)) {
      throw new TrussDefinitionError(
        'bad_node',
        `Node ${i} has mass ${node.mass}: give it a positive mass in kg.`,
      );
    }
    restPositions.set([node.position[0], node.position[1], node.position[2], 0], i * 4);
    nodeInverseMass[i * NODE_STRIDE + 2] = node.fixed ? 0 : 1 / node.mass;
  });

  const members = new Float32Array(m * MEMBER_STRIDE);
  const baseStiffness = new Float32Array(m);
  const perNode: number[][] = Array.from({ length: n }, () => []);
  def.members.forEach((member, j) => {
    const pa = def.nodes[member.a]?.position;
    const pb = def.nodes[member.b]?.position;
    if (!pa || !pb || member.a === member.b) {
      throw new TrussDefinitionError(
        'bad_member',
        `Member ${j} (${member.label}) joins nodes ${member.a} and ${member.b}: both must be distinct existing nodes.`,
      );
    }
    const dx = pb[0] - pa[0];
    const dy = pb[1] - pa[1];
    const dz = pb[2] - pa[2];
    const length = Math.hypot(dx, dy, dz);
    const k = member.axialRigidity / length;
    members.set([dx, dy, dz, length, k, def.stiffnessDamping * k, 0, 0], j * MEMBER_STRIDE);
    baseStiffness[j] = k;
    perNode[member.a]?.push(j);
    perNode[member.b]?.push(j);
  });

  const incidence = new Uint32Array(2 * m * INCIDENCE_STRIDE);
  let cursor = 0;
  perNode.forEach((list, i) => {
    nodes[i * NODE_STRIDE] = cursor;
    nodes[i * NODE_STRIDE + 1] = list.length;
    for (const j of list) {
      const member = def.members[j]!;
      const isA = member.a === i;
      incidence.set([j, isA ? member.b : member.a, isA ? 1 : 0, 0], cursor * INCIDENCE_STRIDE);
      cursor += 1;
    }
  });

  return {
    nodeCount: n,
    memberCount: m,
    restPositions,
    members,
    nodes,
    nodeInverseMass,
    incidence,
    baseStiffness,
    massDamping: def.massDamping,
    stiffnessDamping: def.stiffnessDamping,
  };
}

/**
 * Sets a member's health: 1 is intact, 0.6 a 40 % stiffness drop. Returns the member table so
 * callers can re-upload it.
 */
export function setMemberHealth(truss: PackedTruss, member: number, health: number): Float32Array {
  const k0 = truss.baseStiffness[member];
  if (k0 === undefined) {
    throw new TrussDefinitionError(
      'bad_member',
      `Member ${member} does not exist: the truss has ${truss.memberCount} members.`,
    );
  }
  const k = k0 * health;
  truss.members[member * MEMBER_STRIDE + 4] = k;
  truss.members[member * MEMBER_STRIDE + 5] = truss.stiffnessDamping * k;
  return truss.members;
}

/** A node state array of zeros (at rest) in the packed layout. */
export function createState(
  truss: PackedTruss,
  ctor: Float32ArrayConstructor | Float64ArrayConstructor = Float64Array,
) {
  return new ctor(truss.nodeCount * STATE_STRIDE);
}

/**
 * Largest stable explicit time step, from a Gershgorin bound on the highest natural frequency:
 * ω² ≤ max over nodes of 2·Σk / m, and symplectic Euler needs ω·dt < 2.
 */
export function stableTimeStep(truss: PackedTruss): number {
  let worst = 0;
  for (let i = 0; i < truss.nodeCount; i++) {
    const invMass = truss.nodeInverseMass[i * NODE_STRIDE + 2]!;
    if (invMass === 0) continue;
    const first = truss.nodes[i * NODE_STRIDE]!;
    const count = truss.nodes[i * NODE_STRIDE + 1]!;
    let sumK = 0;
    for (let e = first; e < first + count; e++) {
      sumK += truss.baseStiffness[truss.incidence[e * INCIDENCE_STRIDE]!]!;
    }
    worst = Math.max(worst, 2 * sumK * invMass);
  }
  return 2 / Math.sqrt(worst);
}
