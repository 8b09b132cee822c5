// Accumulation with -= (and += into the same buffer) from many threads at computed indices: each
// thread moves "mass" from cell i to cells (i + 1) % 8 and (i + 3) % 8.
// @gradcheck workgroups=1,1,1 length=8
@group(0) @binding(0) var<storage, read> mass: array<f32>; // @diff
@group(0) @binding(1) var<storage, read> rate: array<f32>; // @diff
@group(0) @binding(2) var<storage, read_write> delta: array<f32>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  let flow = mass[i] * rate[i] * rate[i];
  delta[i] -= flow;
  delta[(i + 1u) % 8u] += 0.75 * flow;
  delta[(i + 3u) % 8u] += 0.25 * flow;
  delta[0] -= mass[i] * 0.01;
}
