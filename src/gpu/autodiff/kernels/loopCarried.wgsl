// A loop carrying several values at once: a vec2 position, a vec2 velocity and a scalar energy,
// each iteration reading all of them (a tiny integrator).
// @gradcheck workgroups=1,1,1 length=8
// @gradcheck range k=0.5..2
@group(0) @binding(0) var<storage, read> state: array<vec4f>; // @diff
@group(0) @binding(1) var<storage, read> k: array<f32>; // @diff
@group(0) @binding(2) var<storage, read_write> out: array<vec4f>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  var p = state[i].xy;
  var v = state[i].zw;
  var e = 0.0;
  for (var s = 0u; s < 4u; s++) {
    let a = -k[i] * p - 0.1 * v;
    v += a * 0.1;
    p += v * 0.1;
    e = e * 0.9 + dot(v, v) + k[i] * dot(p, p);
  }
  out[i] = vec4f(p, v.x * e, e);
}
