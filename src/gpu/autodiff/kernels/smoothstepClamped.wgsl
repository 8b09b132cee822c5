// smoothstep with x outside the edges (below e0 on even threads, above e1 on odd ones), where it
// is flat: its gradient is zero for x and both edges, so a smooth term carries the gradient.
// @gradcheck workgroups=1,1,1 length=8
// @gradcheck range x=0.2..0.8
// @gradcheck range edges=0..0.1
@group(0) @binding(0) var<storage, read> x: array<f32>; // @diff
@group(0) @binding(1) var<storage, read> edges: array<vec2f>; // @diff
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  // x ∈ [0.2, 0.8], edges ∈ [0, 0.1]: [e0, e1] ⊂ [1, 1.4] when i is even, ⊂ [-1.3, -0.9] when odd.
  let shift = 1.0 - 2.3 * f32(i % 2u);
  let s = smoothstep(edges[i].x + shift, edges[i].y + shift + 0.2, x[i]);
  out[i] = s + x[i] * x[i] * (edges[i].x + edges[i].y + 1.0);
}
