// An early-return guard against a uniform count (if (i >= n) { return; }): threads past it write
// nothing, and the code after the guard is differentiated only for the others.
// @gradcheck workgroups=1,1,1 length=8
// @gradcheck int params=6
struct Params { count: u32, }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>; // @diff
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= params.count) { return; }
  let a = x[i];
  let b = x[(i + 1u) % params.count];
  out[i] = a * b + sin(a);
}
