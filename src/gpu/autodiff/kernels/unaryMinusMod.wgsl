// Unary minus on scalars and vectors, and % on floats (scalar and vector): a % b = a − b·trunc(a/b)
// is smooth between its jumps, and no input lies within a finite-difference step of one.
// @gradcheck workgroups=1,1,1 length=8
// @gradcheck range a=1.1..1.9
// @gradcheck range b=0.6..0.9
@group(0) @binding(0) var<storage, read> a: array<vec2f>; // @diff
@group(0) @binding(1) var<storage, read> b: array<vec2f>; // @diff
@group(0) @binding(2) var<storage, read_write> out: array<vec2f>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  let r = a[i] % b[i];
  let s = -(a[i].x % 0.75) * -b[i].y;
  out[i] = -r * s + -a[i];
}
