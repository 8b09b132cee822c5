// arrayLength(&buf) used as the guard: the dispatch has more threads (16) than elements (12), so
// threads past the end return; the neighbour index wraps at the length too.
// @gradcheck workgroups=1,1,1 length=12
@group(0) @binding(0) var<storage, read> x: array<f32>; // @diff
@group(0) @binding(1) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(16)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  let n = arrayLength(&x);
  if (i >= n) { return; }
  let j = (i + 1u) % n;
  out[i] = x[i] * x[j] + x[i];
}
