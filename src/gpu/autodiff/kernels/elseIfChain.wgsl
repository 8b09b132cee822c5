// Comparisons (<, <=, >, >=, ==, !=) driving an if / else if / else chain, with && and || mixing
// several conditions; every arm computes the output differently.
// @gradcheck workgroups=1,1,1 length=16
@group(0) @binding(0) var<storage, read> x: array<f32>; // @diff
@group(0) @binding(1) var<storage, read> y: array<f32>; // @diff
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(16)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  let a = x[i];
  let b = y[i];
  var r = 0.0;
  if (a < -0.5) {
    r = a * b;
  } else if (a <= 0.0 && b > 0.0) {
    r = sin(a) + b * b;
  } else if (a >= 0.5 || b < -0.5) {
    r = exp(a * 0.5) * b;
  } else if (i % 4u == 3u) {
    r = a * a * a - b;
  } else if (i % 4u != 1u) {
    r = cos(b) * a;
  } else {
    r = a + b;
  }
  out[i] = r;
}
