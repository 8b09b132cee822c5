// exp, exp2, log and log2 on scalars and vectors; log arguments are positive.
// @gradcheck workgroups=1,1,1 length=8
// @gradcheck range x=0.5..2
@group(0) @binding(0) var<storage, read> x: array<vec2f>; // @diff
@group(0) @binding(1) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  let v = x[i];
  let e = exp(v * 0.5) + exp2(v.yx);
  let l = log(v) * log2(v.x + v.y);
  out[i] = dot(e, l) + exp(v.x) * log2(v.y);
}
