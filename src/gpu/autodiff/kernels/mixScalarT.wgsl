// mix(a, b, t) with a scalar t: on scalars, and on vec3 (t's gradient sums over components).
// @gradcheck workgroups=1,1,1 length=8
@group(0) @binding(0) var<storage, read> a: array<vec4f>; // @diff
@group(0) @binding(1) var<storage, read> b: array<vec4f>; // @diff
@group(0) @binding(2) var<storage, read> t: array<f32>; // @diff
@group(0) @binding(3) var<storage, read_write> out: array<vec4f>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  let m = mix(a[i].xyz, b[i].xyz, t[i]);
  let s = mix(a[i].w, b[i].w, t[i] * t[i]);
  out[i] = vec4f(m * s, s);
}
