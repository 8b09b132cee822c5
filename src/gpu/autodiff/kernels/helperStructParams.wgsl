// Helpers taking and returning structs and vectors: a struct parameter whose fields are read, a
// vec3 parameter, and a helper that builds and returns a struct.
// @gradcheck workgroups=1,1,1 length=8
struct Frame { origin: vec3f, scale: f32, }
@group(0) @binding(0) var<storage, read> pts: array<vec4f>; // @diff
@group(0) @binding(1) var<storage, read> frames: array<Frame>; // @diff
@group(0) @binding(2) var<storage, read_write> out: array<vec4f>;

fn toLocal(f: Frame, p: vec3f) -> vec3f {
  return (p - f.origin) * f.scale;
}

fn shrink(f: Frame, by: f32) -> Frame {
  return Frame(f.origin * by, f.scale + by);
}

fn weight(p: vec3f, f: Frame) -> f32 {
  return dot(p, f.origin) + f.scale * p.z;
}

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  let f = shrink(frames[i], pts[i].w);
  let q = toLocal(f, pts[i].xyz);
  out[i] = vec4f(q, weight(q, f));
}
