// Branches on data, select, min/max/clamp and a var overwritten in both arms.
// @gradcheck workgroups=1 length=8
@group(0) @binding(0) var<storage, read> x: array<f32>; // @diff
@group(0) @binding(1) var<storage, read> y: array<f32>; // @diff
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  var v = x[i] * y[i];
  if (x[i] > 0.0) {
    v = exp(v) + clamp(y[i], -0.5, 0.5);
  } else if (y[i] > 0.2) {
    v = v * v - max(x[i], y[i]);
  } else {
    v = select(sin(v), tanh(v), y[i] < -0.3);
  }
  out[i] = v + min(x[i], 0.1);
}
