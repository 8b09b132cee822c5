// Four differentiable inputs of different types (f32, vec2, vec4 and a struct) feeding one output.
// @gradcheck workgroups=1,1,1 length=8
struct Coef { a: f32, b: vec2f, }
@group(0) @binding(0) var<storage, read> s: array<f32>; // @diff
@group(0) @binding(1) var<storage, read> v: array<vec2f>; // @diff
@group(0) @binding(2) var<storage, read> w: array<vec4f>; // @diff
@group(0) @binding(3) var<storage, read> c: array<Coef>; // @diff
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  let k = c[i];
  let z = dot(v[i], k.b) * s[i] + k.a * w[i].x;
  out[i] = z * dot(w[i].yzw, vec3f(v[i], s[i]));
}
