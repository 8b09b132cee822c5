// pow with differentiable base and exponent, scalar and vec3 (bases positive).
// @gradcheck workgroups=1,1,1 length=8
// @gradcheck range base=0.5..2
@group(0) @binding(0) var<storage, read> base: array<vec4f>; // @diff
@group(0) @binding(1) var<storage, read> expo: array<vec4f>; // @diff
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  let p = pow(base[i].xyz, expo[i].xyz);
  out[i] = dot(p, vec3f(1.0, -0.5, 0.25)) + pow(base[i].w, expo[i].w * 2.0);
}
