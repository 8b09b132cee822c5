// A for loop with a constant bound: a Horner polynomial whose coefficients are read per iteration.
// @gradcheck workgroups=1,1,1 length=8
@group(0) @binding(0) var<storage, read> x: array<f32>; // @diff
@group(0) @binding(1) var<storage, read> coeffs: array<f32>; // @diff
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  var p = 0.0;
  for (var k = 0u; k < 5u; k++) {
    p = p * x[i] + coeffs[k];
  }
  out[i] = p;
}
