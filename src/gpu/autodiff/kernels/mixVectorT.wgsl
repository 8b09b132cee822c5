// mix(a, b, t) with a vector t: one blend factor per component.
// @gradcheck workgroups=1,1,1 length=8
@group(0) @binding(0) var<storage, read> a: array<vec3f>; // @diff
@group(0) @binding(1) var<storage, read> b: array<vec3f>; // @diff
@group(0) @binding(2) var<storage, read> t: array<vec3f>; // @diff
@group(0) @binding(3) var<storage, read_write> out: array<vec3f>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  let m = mix(a[i], b[i], t[i]);
  out[i] = m * m + mix(a[i].xy, b[i].yz, t[i].zx).xyx;
}
