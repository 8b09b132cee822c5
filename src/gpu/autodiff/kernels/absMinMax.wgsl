// abs, min and max in scalar and vector form; inputs stay away from the kinks (|x| > 0.2, x ≠ y).
// @gradcheck workgroups=1,1,1 length=8
@group(0) @binding(0) var<storage, read> x: array<vec2f>; // @diff
@group(0) @binding(1) var<storage, read> y: array<vec2f>; // @diff
@group(0) @binding(2) var<storage, read_write> out: array<vec2f>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  let a = x[i];
  let b = y[i];
  let s = abs(a.x) * min(a.y, b.x) + max(b.y, a.x);
  let v = abs(a - b) + min(a, b * 0.5) - max(a * 2.0, b);
  out[i] = v * s;
}
