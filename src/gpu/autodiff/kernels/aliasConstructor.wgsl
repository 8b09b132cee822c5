// A type alias called as a constructor (Vec(…) with alias Vec = vec3<f32>), which WGSL allows.
// @gradcheck workgroups=1,1,1 length=8
alias Vec = vec3<f32>;
@group(0) @binding(0) var<storage, read> x: array<vec4f>; // @diff
@group(0) @binding(1) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  let v = Vec(x[i].x, x[i].y, x[i].z);
  out[i] = dot(v, v) + x[i].w;
}
