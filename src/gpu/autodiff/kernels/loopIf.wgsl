// A loop whose body has an if / else on data: the branch taken can differ between iterations.
// @gradcheck workgroups=1,1,1 length=8
@group(0) @binding(0) var<storage, read> x: array<f32>; // @diff
@group(0) @binding(1) var<storage, read> w: array<f32>; // @diff
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  var v = x[i];
  var hits = 0.0;
  for (var k = 0u; k < 6u; k++) {
    let c = w[(i + k) % 8u];
    if (v * c > 0.0) {
      v = v * 0.8 + c * 0.3;
      hits += v;
    } else {
      v = v - c * 0.2;
    }
  }
  out[i] = v + hits * 0.5;
}
