// normalize on vec2 and vec3, its result used in further math.
// @gradcheck workgroups=1,1,1 length=8
@group(0) @binding(0) var<storage, read> v: array<vec4f>; // @diff
@group(0) @binding(1) var<storage, read_write> out: array<vec4f>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  let n = normalize(v[i].xyz + vec3f(0.5, 0.0, -0.5));
  let m = normalize(v[i].zw);
  out[i] = vec4f(n * (m.x + 2.0), dot(n.xy, m) * v[i].w);
}
