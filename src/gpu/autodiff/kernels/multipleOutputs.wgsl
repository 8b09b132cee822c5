// Several outputs from one thread: three buffers written with =, each seeded with its own weights,
// sharing intermediate values.
// @gradcheck workgroups=1,1,1 length=8
@group(0) @binding(0) var<storage, read> x: array<vec2f>; // @diff
@group(0) @binding(1) var<storage, read_write> sum: array<f32>;
@group(0) @binding(2) var<storage, read_write> prod: array<f32>;
@group(0) @binding(3) var<storage, read_write> both: array<vec2f>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  let s = x[i].x + x[i].y;
  let p = x[i].x * x[i].y;
  sum[i] = s * s;
  prod[i] = sin(p);
  both[i] = vec2f(s, p) * s;
}
