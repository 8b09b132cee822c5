// Type spellings and conversions: an alias used as a type, vec3<f32> written with a template, vec2f from a vec4
// swizzle, f32(u32) and f32(i32) conversions scaling values, and && / || on comparisons.
// @gradcheck workgroups=1,1,1 length=8
alias Vec = vec3<f32>;
@group(0) @binding(0) var<storage, read> x: array<vec4<f32>>; // @diff
@group(0) @binding(1) var<storage, read_write> out: array<f32>;

fn weightOf(i: u32) -> f32 {
  let k: i32 = i32(i) - 4;
  return f32(k) * 0.25 + f32(i % 3u);
}

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  let v: Vec = vec3<f32>(x[i].x, x[i].y, x[i].z) * weightOf(i);
  let u = vec2<f32>(x[i].wz);
  var s = dot(v, vec3f(1.0, 2.0, 3.0)) + u.x * u.y;
  if ((u.x > 0.0 && u.y > 0.0) || !(v.x < 0.5)) {
    s = s * u.x;
  }
  out[i] = s;
}
