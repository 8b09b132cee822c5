// Component and swizzle assignment: v.x = …, v.yz = …, v[2] = …, and += on a swizzle.
// @gradcheck workgroups=1,1,1 length=8
@group(0) @binding(0) var<storage, read> a: array<vec4f>; // @diff
@group(0) @binding(1) var<storage, read_write> out: array<vec4f>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  var v = a[i];
  v.x = v.y * v.z;
  v.yz = v.zw * v.x;
  v[3] = v.x + v.y;
  v.xw += vec2f(v.z, 1.0) * a[i].y;
  out[i] = v * v.wzyx;
}
