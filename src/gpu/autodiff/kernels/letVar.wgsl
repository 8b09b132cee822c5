// let and var locals, a var overwritten several times with =, typed and untyped declarations.
// @gradcheck workgroups=1,1,1 length=8
@group(0) @binding(0) var<storage, read> x: array<f32>; // @diff
@group(0) @binding(1) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  let a = x[i];
  let b: f32 = a * a;
  var c = b + a;
  var d: f32;
  d = c * 2.0;
  c = d * a - b;
  var e: vec2f = vec2f(c, d);
  e = e * a;
  out[i] = e.x + e.y * c;
}
