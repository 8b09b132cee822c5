// length of a scalar (|x|) and of vectors, and distance between vectors and between scalars.
// @gradcheck workgroups=1,1,1 length=8
@group(0) @binding(0) var<storage, read> a: array<vec4f>; // @diff
@group(0) @binding(1) var<storage, read> b: array<vec4f>; // @diff
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  let p = a[i];
  let q = b[i];
  let ls = length(p.x - 2.0) * length(q.w + 2.0);
  let lv = length(p.xyz) + length(q.xy) * length(p);
  out[i] = ls + lv + distance(p.xyz, q.zyx) * distance(p.w, q.w + 3.0);
}
