// fma(a, b, c) on scalars and vec3, every argument differentiable.
// @gradcheck workgroups=1,1,1 length=8
@group(0) @binding(0) var<storage, read> a: array<vec4f>; // @diff
@group(0) @binding(1) var<storage, read> b: array<vec4f>; // @diff
@group(0) @binding(2) var<storage, read> c: array<vec4f>; // @diff
@group(0) @binding(3) var<storage, read_write> out: array<vec4f>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  let v = fma(a[i].xyz, b[i].xyz, c[i].xyz);
  out[i] = vec4f(v * v.yzx, fma(a[i].w, b[i].w, c[i].w) * v.x);
}
