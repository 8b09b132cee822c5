// Structs in storage buffers with vec3 padding (Body is 48 bytes: vec3 at 0, f32 at 12, vec3 at
// 16, then 4 padding bytes and a vec2 at 32): whole-struct and field loads, a struct store with =.
// @gradcheck workgroups=1,1,1 length=8
struct Body { pos: vec3f, mass: f32, vel: vec3f, drag: vec2f, }
@group(0) @binding(0) var<storage, read> bodies: array<Body>; // @diff
@group(0) @binding(1) var<storage, read_write> next: array<Body>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  let b = bodies[i];
  let v = b.vel * (1.0 - 0.1 * b.drag.x) + vec3f(0.0, -0.2, 0.0) * bodies[i].mass;
  next[i] = Body(b.pos + v * 0.5, b.mass * b.drag.y, v, b.drag * b.drag);
}
