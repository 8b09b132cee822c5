// Uniform fields used as non-differentiable constants (the uniform is not marked): a float scale
// and a u32 count converted to f32; only x gets a gradient.
// @gradcheck workgroups=1,1,1 length=8
// @gradcheck int params=2
struct Params { scale: f32, count: u32, offset: vec2f, }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<vec2f>; // @diff
@group(0) @binding(2) var<storage, read_write> out: array<vec2f>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  out[i] = (x[i] + params.offset) * params.scale * f32(params.count) + x[i] * x[i];
}
