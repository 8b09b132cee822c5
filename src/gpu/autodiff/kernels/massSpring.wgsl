// One semi-implicit Euler step of a mass-spring chain: each node gathers spring forces from its two
// neighbours (fixed ends), adds gravity and damping, then integrates velocity and position.
// @gradcheck workgroups=1,1,1 length=8
// @gradcheck int params=8
// @gradcheck range params=0.05..0.2
// @gradcheck range mass=0.5..1.5
struct Node { pos: vec2f, vel: vec2f, }
struct Params { dt: f32, stiffness: f32, damping: f32, count: u32, }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> nodes: array<Node>; // @diff
@group(0) @binding(2) var<storage, read> mass: array<f32>; // @diff
@group(0) @binding(3) var<storage, read_write> next: array<Node>;

fn springForce(here: vec2f, there: vec2f, rest: f32) -> vec2f {
  let d = there - here;
  let len = length(d);
  return params.stiffness * (len - rest) * d / len;
}

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= params.count) { return; }
  let n = nodes[i];
  var f = vec2f(0.0, -9.8) * mass[i] - params.damping * n.vel;
  if (i > 0u) {
    f += springForce(n.pos, nodes[i - 1u].pos, 0.5);
  }
  if (i + 1u < params.count) {
    f += springForce(n.pos, nodes[i + 1u].pos, 0.5);
  }
  let v = n.vel + params.dt * f / mass[i];
  next[i] = Node(n.pos + params.dt * v, v);
}
