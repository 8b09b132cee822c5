// smoothstep(e0, e1, x) with x strictly between the edges: the gradient reaches x and both edges,
// which are differentiable inputs; scalar and vec2 forms.
// @gradcheck workgroups=1,1,1 length=8
// @gradcheck range x=-0.5..0.5
// @gradcheck range edges=-0.4..0.4
@group(0) @binding(0) var<storage, read> x: array<vec2f>; // @diff
@group(0) @binding(1) var<storage, read> edges: array<vec2f>; // @diff
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  // edges in [-0.4, 0.4] → e0 ∈ [-1.4, -0.6], e1 ∈ [0.6, 1.4]; x ∈ [-0.5, 0.5].
  let e0 = edges[i].x - 1.0;
  let e1 = edges[i].y + 1.0;
  let s = smoothstep(e0, e1, x[i].x);
  let v = smoothstep(vec2f(e0), vec2f(e1, e1 * 1.5), x[i] * 0.8);
  out[i] = s * 2.0 + v.x * v.y;
}
