// The truss step kernel, kept as a TypeScript string so Vite, Vitest and plain Node (tsx) all load it.
export const trussStepWgsl = /* wgsl */ `
// One symplectic-Euler step of a truss (mass–spring network), one invocation per node.
// Each node gathers the forces of its own members, so no two invocations write the same element
// and no atomics are needed. State is ping-ponged: read stateIn, write stateOut.
// CPU reference: src/twin/trussStepCpu.ts (same operations, same order).
// Marked @diff: Twinbench generates its adjoint (src/gpu/autodiff), for fits of member stiffness,
// loads and initial state.

struct Params {
  dt: f32,
  massDamping: f32,
  nodeCount: u32,
  _pad: u32,
}

struct Member {
  rest: vec4f, // xyz: rest vector from end a to end b (m); w: rest length (m)
  k: f32,      // axial stiffness E·A/L (N/m), lowered when the member is damaged
  c: f32,      // axial dashpot (N·s/m)
  _pad0: f32,
  _pad1: f32,
}

struct NodeInfo {
  first: u32,   // first entry in incidence
  count: u32,   // number of members at this node
  invMass: f32, // 0 for supports
  _pad: u32,
}

struct Incidence {
  member: u32,
  other: u32, // node at the member's other end
  isA: u32,   // 1 when this node is the member's end a
  _pad: u32,
}

struct NodeState {
  u: vec4f, // displacement from rest (m)
  v: vec4f, // velocity (m/s)
  a: vec4f, // acceleration of this step (m/s²)
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> members: array<Member>; // @diff
@group(0) @binding(2) var<storage, read> nodeInfo: array<NodeInfo>;
@group(0) @binding(3) var<storage, read> incidence: array<Incidence>;
@group(0) @binding(4) var<storage, read> load: array<vec4f>; // @diff
@group(0) @binding(5) var<storage, read> stateIn: array<NodeState>; // @diff
@group(0) @binding(6) var<storage, read_write> stateOut: array<NodeState>;

@compute @workgroup_size(64)
fn step(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= params.nodeCount) {
    return;
  }
  let node = nodeInfo[i];
  let s = stateIn[i];
  if (node.invMass == 0.0) {
    stateOut[i] = NodeState(s.u, vec4f(0.0), vec4f(0.0));
    return;
  }
  var force = load[i].xyz;
  for (var e = node.first; e < node.first + node.count; e++) {
    let inc = incidence[e];
    let m = members[inc.member];
    let r = select(-m.rest.xyz, m.rest.xyz, inc.isA == 1u);
    let o = stateIn[inc.other];
    let du = o.u.xyz - s.u.xyz;
    let d = r + du;
    let len = length(d);
    // Extension without cancellation: (|r + du|² − |r|²) / (|r + du| + |r|).
    let extension = (2.0 * dot(r, du) + dot(du, du)) / (len + m.rest.w);
    let n = d / len;
    let rate = dot(n, o.v.xyz - s.v.xyz);
    force += (m.k * extension + m.c * rate) * n;
  }
  let a = node.invMass * force - params.massDamping * s.v.xyz;
  let v = s.v.xyz + params.dt * a;
  let u = s.u.xyz + params.dt * v;
  stateOut[i] = NodeState(vec4f(u, 0.0), vec4f(v, 0.0), vec4f(a, 0.0));
}
`;
