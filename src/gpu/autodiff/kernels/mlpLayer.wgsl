// A small MLP layer, out = tanh(W · x + b), 4 inputs → 8 outputs per sample: one thread per output
// unit and sample, weight rows as vec4 and dot products, then a second tanh-activated unit.
// @gradcheck workgroups=1,1,1 length=16
@group(0) @binding(0) var<storage, read> inputs: array<vec4f>; // @diff
@group(0) @binding(1) var<storage, read> weights: array<vec4f>; // @diff
@group(0) @binding(2) var<storage, read> bias: array<f32>; // @diff
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(8, 2)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let unit = gid.x;
  let sample = gid.y;
  let x = inputs[sample];
  let h = tanh(dot(weights[unit], x) + bias[unit]);
  var acc = 0.0;
  for (var k = 0u; k < 4u; k++) {
    acc += x[k] * weights[(unit + k) % 8u][k];
  }
  out[sample * 8u + unit] = h + 0.5 * tanh(acc);
}
