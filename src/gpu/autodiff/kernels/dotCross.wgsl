// dot on vec2/vec3/vec4 and cross on vec3, with both operands differentiable.
// @gradcheck workgroups=1,1,1 length=8
@group(0) @binding(0) var<storage, read> a: array<vec4f>; // @diff
@group(0) @binding(1) var<storage, read> b: array<vec4f>; // @diff
@group(0) @binding(2) var<storage, read_write> out: array<vec4f>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  let p = a[i];
  let q = b[i];
  let c = cross(p.xyz, q.yzx);
  let s = dot(p, q) + dot(p.xy, q.zw) * dot(c, p.wzy);
  out[i] = vec4f(c * s, dot(cross(c, q.xyz), p.xyz));
}
