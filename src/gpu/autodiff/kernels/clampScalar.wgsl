// clamp(x, lo, hi) on scalars where the bounds are differentiable inputs too: per thread x is
// below, inside or above [lo, hi], so the gradient reaches x, lo or hi.
// @gradcheck workgroups=1,1,1 length=12
// @gradcheck range lo=-1..0
// @gradcheck range hi=0..1
@group(0) @binding(0) var<storage, read> x: array<f32>; // @diff
@group(0) @binding(1) var<storage, read> lo: array<f32>; // @diff
@group(0) @binding(2) var<storage, read> hi: array<f32>; // @diff
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(12)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  // Spread x over [-3, 3] so that it falls below, inside and above [lo, hi] ⊂ [-1.5, 1.5].
  let xi = x[i] * 3.0;
  let c = clamp(xi, lo[i] - 0.5, hi[i] + 0.5);
  out[i] = c * c + 0.5 * c;
}
