// select(f, t, cond) with a vec3<bool> condition, chosen per component.
// @gradcheck workgroups=1,1,1 length=8
@group(0) @binding(0) var<storage, read> x: array<vec4f>; // @diff
@group(0) @binding(1) var<storage, read> y: array<vec4f>; // @diff
@group(0) @binding(2) var<storage, read_write> out: array<vec4f>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  let cond = x[i].xyz < y[i].zyx;
  let v = select(sin(x[i].xyz), y[i].xyz * x[i].w, cond);
  out[i] = vec4f(v, dot(v, v));
}
