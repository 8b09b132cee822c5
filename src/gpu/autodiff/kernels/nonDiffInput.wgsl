// A float input that is not marked (noise): it takes part in the math but gets no gradient
// buffer; x, which is marked, gets one.
// @gradcheck workgroups=1,1,1 length=8
@group(0) @binding(0) var<storage, read> x: array<f32>; // @diff
@group(0) @binding(1) var<storage, read> noise: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  let n = noise[i];
  out[i] = x[i] * n + x[i] * x[i] * noise[(i + 1u) % 8u] + n * n;
}
