// fract on scalars and vectors, away from the integer jumps (ranges keep x·k inside one unit).
// @gradcheck workgroups=1,1,1 length=8
// @gradcheck range x=0.1..0.6
@group(0) @binding(0) var<storage, read> x: array<vec2f>; // @diff
@group(0) @binding(1) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  let v = fract(x[i] * 1.5 + vec2f(2.0, -3.0));
  out[i] = fract(x[i].x + 4.0) * v.y + v.x * v.x;
}
