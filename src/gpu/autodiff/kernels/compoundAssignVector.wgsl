// Compound assignment on vector locals: += and -= of vectors, *= and /= by vectors and by scalars
// (v *= s), and += of a scalar into a vector component.
// @gradcheck workgroups=1,1,1 length=8
@group(0) @binding(0) var<storage, read> a: array<vec3f>; // @diff
@group(0) @binding(1) var<storage, read> b: array<vec3f>; // @diff
@group(0) @binding(2) var<storage, read> k: array<f32>; // @diff
@group(0) @binding(3) var<storage, read_write> out: array<vec3f>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  var v = a[i];
  v += b[i];
  v *= k[i];
  v -= a[i] * 0.5;
  v *= b[i];
  v /= k[i] + 2.0;
  v /= b[i] + vec3f(2.0);
  v.y += k[i];
  out[i] = v;
}
