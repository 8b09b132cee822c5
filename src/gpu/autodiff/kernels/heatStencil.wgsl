// One explicit step of 2D heat diffusion on a 4×4 grid: a 5-point Laplacian whose neighbour
// indices are clamped at the border (Neumann boundary), with a per-cell diffusivity.
// @gradcheck workgroups=1,1,1 length=16
@group(0) @binding(0) var<storage, read> temp: array<f32>; // @diff
@group(0) @binding(1) var<storage, read> alpha: array<f32>; // @diff
@group(0) @binding(2) var<storage, read_write> next: array<f32>;

const W = 4;
const H = 4;

fn at(x: i32, y: i32) -> f32 {
  let cx = clamp(x, 0, W - 1);
  let cy = clamp(y, 0, H - 1);
  return temp[u32(cy * W + cx)];
}

@compute @workgroup_size(4, 4)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let x = i32(gid.x);
  let y = i32(gid.y);
  let c = at(x, y);
  let lap = at(x - 1, y) + at(x + 1, y) + at(x, y - 1) + at(x, y + 1) - 4.0 * c;
  next[u32(y * W + x)] = c + 0.2 * alpha[u32(y * W + x)] * lap;
}
