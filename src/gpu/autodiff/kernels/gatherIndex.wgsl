// Integer index arithmetic and gathers at computed indices: (i * 3 + 1) % n, i32 arithmetic with
// a conversion back to u32, indices read from a u32 buffer, and a bit-masked index.
// @gradcheck workgroups=1,1,1 length=8
// @gradcheck int idx<8
@group(0) @binding(0) var<storage, read> x: array<f32>; // @diff
@group(0) @binding(1) var<storage, read> idx: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  let n = 8u;
  let a = (i * 3u + 1u) % n;
  let b = u32((i32(i) - 3 + 8) % 8);
  let c = idx[i];
  let d = (i ^ 5u) & 7u;
  out[i] = x[a] * x[b] + x[c] * x[c] * 0.5 - x[d] * x[i];
}
