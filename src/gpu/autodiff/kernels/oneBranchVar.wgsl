// A var assigned in one branch only (if without else): on the other path it keeps its initial
// value, whose gradient must still flow.
// @gradcheck workgroups=1,1,1 length=16
@group(0) @binding(0) var<storage, read> x: array<f32>; // @diff
@group(0) @binding(1) var<storage, read> y: array<f32>; // @diff
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(16)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  var v = x[i] * 2.0;
  var w = y[i];
  if (x[i] > y[i]) {
    v = v * y[i] + 1.0;
  }
  if (y[i] < 0.0) {
    w += x[i] * v;
  }
  out[i] = v * w;
}
