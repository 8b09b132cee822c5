// Helpers that return from inside if / else: one returns in both arms, one returns early from
// the then-arm and falls through otherwise, one returns from an else-if chain.
// @gradcheck workgroups=1,1,1 length=16
@group(0) @binding(0) var<storage, read> x: array<f32>; // @diff
@group(0) @binding(1) var<storage, read_write> out: array<f32>;

fn softAbs(v: f32) -> f32 {
  if (v > 0.0) {
    return v * v + v;
  } else {
    return v * v - v;
  }
}

fn clipped(v: f32, limit: f32) -> f32 {
  if (v > limit) {
    return limit + 0.1 * (v - limit);
  }
  let w = v * 1.5;
  return w - 0.25 * w * w;
}

fn band(v: f32) -> f32 {
  if (v < -0.5) {
    return exp(v);
  } else if (v < 0.5) {
    return sin(v) * 2.0;
  }
  return v * v;
}

@compute @workgroup_size(16)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  let a = x[i] * 1.5;
  out[i] = softAbs(a) + clipped(a, 0.3) * band(a + 0.2);
}
