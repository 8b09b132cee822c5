// select(f, t, cond) with a scalar bool condition, on scalars and on vectors.
// @gradcheck workgroups=1,1,1 length=8
@group(0) @binding(0) var<storage, read> x: array<vec2f>; // @diff
@group(0) @binding(1) var<storage, read> y: array<vec2f>; // @diff
@group(0) @binding(2) var<storage, read_write> out: array<vec2f>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  let c = x[i].x > y[i].y;
  let s = select(x[i].y * 2.0, y[i].x * y[i].x, c);
  let v = select(x[i] * y[i], x[i] + y[i], i % 3u == 0u);
  out[i] = v * s;
}
