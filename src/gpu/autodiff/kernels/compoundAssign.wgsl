// Compound assignment on scalar locals: +=, -=, *=, /=, each reading the var's old value.
// @gradcheck workgroups=1,1,1 length=8
@group(0) @binding(0) var<storage, read> x: array<f32>; // @diff
@group(0) @binding(1) var<storage, read> y: array<f32>; // @diff
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  var s = x[i];
  s += y[i] * 2.0;
  s *= x[i] + 1.5;
  s -= y[i] * y[i];
  s /= y[i] + 2.0;
  s *= s;
  s += s * x[i];
  out[i] = s;
}
