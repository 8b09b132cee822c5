// sign, floor, ceil, round and step have a zero derivative: each one is multiplied by or added to a
// smooth term so the gradient (through that term only) is non-zero. Inputs stay away from the
// jumps (x·4 away from integers and half-integers is checked by the ranges chosen in the suite).
// @gradcheck workgroups=1,1,1 length=8
@group(0) @binding(0) var<storage, read> x: array<f32>; // @diff
@group(0) @binding(1) var<storage, read> y: array<f32>; // @diff
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  let a = x[i];
  let b = y[i];
  var s = sign(a - 0.5) * b + floor(a * 3.0) * a * a;
  s += ceil(b * 2.0) * sin(a) + round(a * 5.0) * b;
  s += step(0.5, b) * exp(a) + step(vec2f(0.5, 0.2), vec2f(a, b)).x * b * b;
  s += floor(a * 3.0) + ceil(b) + round(b * 3.0) + sign(b);
  out[i] = s;
}
