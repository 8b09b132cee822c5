// One thread per spring adds its force into both end nodes: many threads accumulate (+=) into
// one element, which the adjoint must read without zeroing.
// @gradcheck workgroups=1 length=8
// @gradcheck int springs<8
// @gradcheck range springs=0.5..1.5
struct Spring { a: u32, b: u32, k: f32, rest: f32, }
@group(0) @binding(0) var<storage, read> springs: array<Spring>; // @diff
@group(0) @binding(1) var<storage, read> pos: array<vec2f>; // @diff
@group(0) @binding(2) var<storage, read_write> force: array<vec2f>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let s = springs[gid.x];
  let d = pos[s.b] - pos[s.a];
  let len = length(d);
  let f = s.k * (len - s.rest) * d / len;
  force[s.a] += f;
  force[s.b] -= f;
}
