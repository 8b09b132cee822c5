// Struct-valued locals: a struct constructor, field reads, field assignment (f.p = …, f.p.x = …),
// and a whole-struct copy.
// @gradcheck workgroups=1,1,1 length=8
struct Particle { p: vec2f, m: f32, }
@group(0) @binding(0) var<storage, read> x: array<vec4f>; // @diff
@group(0) @binding(1) var<storage, read_write> out: array<vec2f>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  var q = Particle(x[i].xy, x[i].z);
  q.m = q.m * q.m + 1.0;
  q.p = q.p * q.m;
  q.p.x = q.p.y + x[i].w;
  var r = q;
  r.m += q.p.x;
  out[i] = r.p * r.m + q.p;
}
