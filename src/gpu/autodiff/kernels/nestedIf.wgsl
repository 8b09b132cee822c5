// Nested ifs, three deep, each level changing a var the next level reads.
// @gradcheck workgroups=1,1,1 length=16
@group(0) @binding(0) var<storage, read> x: array<vec2f>; // @diff
@group(0) @binding(1) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(16)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  let a = x[i].x;
  let b = x[i].y;
  var v = a + b;
  if (a > 0.0) {
    v = v * a;
    if (b > 0.0) {
      v += b * b;
      if (a > b) {
        v = v * v;
      } else {
        v -= a;
      }
    } else {
      v = v * 2.0 - b;
    }
  } else {
    if (b < 0.0) {
      v = v * b;
    }
    v += a;
  }
  out[i] = v;
}
