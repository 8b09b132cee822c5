// const values: module-scope (typed, untyped float, untyped int used as a u32 bound and index
// offset, derived from other consts) and function-scope.
// @gradcheck workgroups=1,1,1 length=8
const GAIN: f32 = 1.5;
const HALF = 0.5;
const N = 4;
const QUARTER = HALF * HALF;
@group(0) @binding(0) var<storage, read> x: array<f32>; // @diff
@group(0) @binding(1) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  const LOCAL = 2.0;
  var s = 0.0;
  for (var k = 0u; k < N; k++) {
    s += x[(i + k) % 8u] * (GAIN + f32(k) * QUARTER);
  }
  out[i] = s * s * HALF + x[i] * LOCAL;
}
