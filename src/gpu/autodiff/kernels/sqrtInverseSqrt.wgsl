// sqrt and inverseSqrt on scalars and vectors, on positive inputs.
// @gradcheck workgroups=1,1,1 length=8
// @gradcheck range x=0.5..2
@group(0) @binding(0) var<storage, read> x: array<vec2f>; // @diff
@group(0) @binding(1) var<storage, read_write> out: array<vec2f>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  let v = x[i];
  out[i] = sqrt(v) * inverseSqrt(v.y + v.x) + vec2f(sqrt(v.x * v.y), inverseSqrt(v).y);
}
