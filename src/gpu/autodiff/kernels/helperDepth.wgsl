// Helper functions calling helpers four deep (main → energy → spring → stretch → sq), each
// level doing its own math on what the deeper one returns.
// @gradcheck workgroups=1,1,1 length=8
@group(0) @binding(0) var<storage, read> pos: array<vec2f>; // @diff
@group(0) @binding(1) var<storage, read> k: array<f32>; // @diff
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

fn sq(x: f32) -> f32 {
  return x * x;
}

fn stretch(d: vec2f, rest: f32) -> f32 {
  return sq(length(d) - rest);
}

fn spring(a: vec2f, b: vec2f, stiffness: f32) -> f32 {
  let e = stretch(b - a, 0.5);
  return 0.5 * stiffness * e;
}

fn energy(i: u32) -> f32 {
  let j = (i + 1u) % 8u;
  return spring(pos[i], pos[j], k[i]) + sq(pos[i].y) * 0.1;
}

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  out[i] = energy(i) * 2.0 + spring(pos[i], vec2f(0.0), k[i]);
}
