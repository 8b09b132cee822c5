// Uniform buffer fields used in math, with the uniform itself marked @diff: every thread reads
// the same fields, so their gradients sum over all threads.
// @gradcheck workgroups=1,1,1 length=8
// @gradcheck int params=3
struct Params { gain: f32, bias: f32, dir: vec2f, count: u32, }
// @diff
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<vec2f>; // @diff
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  let s = dot(x[i], params.dir) * params.gain + params.bias;
  out[i] = tanh(s) * f32(params.count) + params.bias * params.gain;
}
