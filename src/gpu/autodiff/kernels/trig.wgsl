// sin, cos and tan on scalars and vectors (tan kept within (-π/2, π/2)).
// @gradcheck workgroups=1,1,1 length=8
@group(0) @binding(0) var<storage, read> x: array<vec3f>; // @diff
@group(0) @binding(1) var<storage, read_write> out: array<vec3f>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  let v = x[i];
  out[i] = sin(v * 2.0) * cos(v.zxy) + tan(v * 0.8) + vec3f(sin(v.x) * tan(v.y), cos(v.z), 0.0);
}
