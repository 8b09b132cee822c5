// A for loop with a uniform bound (k < params.count) and a uniform step count: a damped iteration
// that runs params.count times.
// @gradcheck workgroups=1,1,1 length=8
// @gradcheck int params=5
// @gradcheck range params=0.1..0.3
struct Params { count: u32, rate: f32, }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>; // @diff
@group(0) @binding(2) var<storage, read> goal: array<f32>; // @diff
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  var v = x[i];
  for (var k = 0u; k < params.count; k++) {
    v = v + params.rate * (goal[i] - v) * (1.0 + 0.1 * v);
  }
  out[i] = v;
}
