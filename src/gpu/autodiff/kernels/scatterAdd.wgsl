// Accumulation with += from many threads into one element: every thread adds into bin i % 3
// (scalar) and into one shared vec2 total; the adjoint reads each seed without zeroing it.
// @gradcheck workgroups=1,1,1 length=8
@group(0) @binding(0) var<storage, read> x: array<vec2f>; // @diff
@group(0) @binding(1) var<storage, read_write> bins: array<f32>;
@group(0) @binding(2) var<storage, read_write> total: array<vec2f>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  let v = x[i];
  bins[i % 3u] += v.x * v.y;
  total[0] += v * v;
}
