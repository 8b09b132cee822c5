// Springs between each node and its next three neighbours: a helper function, a loop with a
// carried sum, an early-return guard and vector math.
// @gradcheck workgroups=1 length=8
// @gradcheck int params=6
struct Params { dt: f32, count: u32, }
@group(0) @binding(0) var<uniform> params: Params;
// @diff
@group(0) @binding(1) var<storage, read> stiffness: array<f32>;
@group(0) @binding(2) var<storage, read> pos: array<vec4f>; // @diff
@group(0) @binding(3) var<storage, read_write> force: array<vec4f>;

fn spring(d: vec3f, k: f32, rest: f32) -> vec3f {
  let len = length(d);
  return k * (len - rest) * d / len;
}

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= params.count) { return; }
  var f = vec3f(0.0);
  for (var j = 0u; j < 3u; j++) {
    let o = (i + j + 1u) % params.count;
    f += spring(pos[o].xyz - pos[i].xyz, stiffness[i], 0.5);
  }
  force[i] = vec4f(f * params.dt, 0.0);
}
