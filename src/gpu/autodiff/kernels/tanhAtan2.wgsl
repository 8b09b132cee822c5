// tanh and atan2 on scalars and vectors; atan2's arguments stay away from (0, 0) and from the
// branch cut on the negative x axis (x > 0).
// @gradcheck workgroups=1,1,1 length=8
// @gradcheck range x=0.5..1.5
@group(0) @binding(0) var<storage, read> y: array<vec2f>; // @diff
@group(0) @binding(1) var<storage, read> x: array<vec2f>; // @diff
@group(0) @binding(2) var<storage, read_write> out: array<vec2f>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  let a = atan2(y[i], x[i]);
  out[i] = tanh(a * 2.0 + y[i]) + vec2f(atan2(y[i].x * x[i].y, x[i].x), tanh(x[i].y));
}
