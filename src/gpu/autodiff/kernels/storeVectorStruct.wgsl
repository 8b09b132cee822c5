// Stores with = of whole vectors, of whole structs and of single struct fields and vector
// components, into two output buffers.
// @gradcheck workgroups=1,1,1 length=8
struct Pair { a: vec3f, b: f32, }
@group(0) @binding(0) var<storage, read> x: array<vec4f>; // @diff
@group(0) @binding(1) var<storage, read_write> vecs: array<vec3f>;
@group(0) @binding(2) var<storage, read_write> pairs: array<Pair>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  let v = x[i];
  vecs[i] = v.xyz * v.w;
  if (i % 2u == 0u) {
    pairs[i] = Pair(v.zyx, dot(v, v));
  } else {
    pairs[i].a = v.xyz + v.w;
    pairs[i].b = v.x * v.y;
  }
}
