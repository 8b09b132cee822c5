// Nested for loops (constant outer bound, inner bound from a uniform), the inner one reading at
// indices computed from both counters and updating a var the outer one carries.
// @gradcheck workgroups=1,1,1 length=8
// @gradcheck int params=3
struct Params { inner: u32, }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>; // @diff
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  var acc = 0.0;
  for (var a = 0u; a < 3u; a++) {
    var row = 1.0;
    for (var b = 0u; b < params.inner; b++) {
      row = row * 0.5 + x[(i + a * 2u + b) % 8u] * f32(a + 1u);
    }
    acc = acc * x[i] + row * row;
  }
  out[i] = acc;
}
