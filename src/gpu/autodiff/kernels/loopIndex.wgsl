// A loop variable used directly as an index into input buffers (a dot product over a fixed row),
// and as an i32 offset for a gather.
// @gradcheck workgroups=1,1,1 length=8
@group(0) @binding(0) var<storage, read> a: array<f32>; // @diff
@group(0) @binding(1) var<storage, read> b: array<f32>; // @diff
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  var s = 0.0;
  for (var k = 0u; k < 8u; k++) {
    s += a[k] * b[(k + i) % 8u];
  }
  for (var d = -1; d <= 1; d++) {
    s += a[u32((i32(i) + d + 8) % 8)] * f32(d + 2);
  }
  out[i] = s * s;
}
