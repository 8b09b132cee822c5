// clamp on vec3 values with vector bounds that are differentiable inputs: each component picks
// x, lo or hi independently.
// @gradcheck workgroups=1,1,1 length=8
// @gradcheck range bounds=-0.3..0.3
@group(0) @binding(0) var<storage, read> x: array<vec4f>; // @diff
@group(0) @binding(1) var<storage, read> bounds: array<vec4f>; // @diff
@group(0) @binding(2) var<storage, read_write> out: array<vec4f>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  let lo = vec3f(bounds[i].x, bounds[i].y, bounds[i].x) - 0.6;
  let hi = vec3f(bounds[i].z, bounds[i].w, bounds[i].w) + 0.6;
  let c = clamp(x[i].xyz * 2.5, lo, hi);
  out[i] = vec4f(c * c, dot(c, vec3f(0.3, -0.7, 1.1)) + x[i].w);
}
