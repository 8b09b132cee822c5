// One explicit finite-difference step of heat conduction on a 16×16 plate, one invocation per
// cell. Conductivity is given per 4×4-cell patch (the fitted field); each face conducts with the
// harmonic mean of its two cells' conductivities, as two slabs in series do. Heaters inject
// power into their cells; every cell loses heat to the surroundings (Newton cooling).
// Temperatures are ping-ponged: read tempIn, write tempOut. Twinbench generates the adjoint.

const N: u32 = 16u;
const PATCH: u32 = 4u;
const PATCHES: u32 = 4u;

struct Plate {
  rate: f32,    // dt / (ρ c Δx²): temperature change per step per unit conductance and kelvin
  cooling: f32, // dt · h / (ρ c): fraction of the excess over ambient lost per step
  ambient: f32, // surroundings' temperature (K above the reference)
  gain: f32,    // dt / (ρ c Δx²): kelvin per step per unit heater power
}

@group(0) @binding(0) var<storage, read> tempIn: array<f32>;
@group(0) @binding(1) var<storage, read_write> tempOut: array<f32>;
@group(0) @binding(2) var<storage, read> conductivity: array<f32>; // @diff one per patch
@group(0) @binding(3) var<storage, read> heaters: array<f32>; // @diff power of each heater this step
@group(0) @binding(4) var<storage, read> heaterOf: array<u32>; // per cell: heater number + 1, or 0
@group(0) @binding(5) var<storage, read> plate: Plate;

fn patchOf(x: u32, y: u32) -> u32 {
  return (y / PATCH) * PATCHES + x / PATCH;
}

fn face(a: f32, b: f32) -> f32 {
  return 2.0 * a * b / (a + b);
}

@compute @workgroup_size(8, 8)
fn step(@builtin(global_invocation_id) gid: vec3u) {
  let x = gid.x;
  let y = gid.y;
  if (x >= N || y >= N) {
    return;
  }
  let i = y * N + x;
  let t = tempIn[i];
  let k = conductivity[patchOf(x, y)];
  // Insulated edges: a face on the boundary carries no flux.
  var flux = 0.0;
  if (x > 0u) {
    flux += face(k, conductivity[patchOf(x - 1u, y)]) * (tempIn[i - 1u] - t);
  }
  if (x + 1u < N) {
    flux += face(k, conductivity[patchOf(x + 1u, y)]) * (tempIn[i + 1u] - t);
  }
  if (y > 0u) {
    flux += face(k, conductivity[patchOf(x, y - 1u)]) * (tempIn[i - N] - t);
  }
  if (y + 1u < N) {
    flux += face(k, conductivity[patchOf(x, y + 1u)]) * (tempIn[i + N] - t);
  }
  var source = 0.0;
  let h = heaterOf[i];
  if (h > 0u) {
    source = plate.gain * heaters[h - 1u];
  }
  tempOut[i] = t + plate.rate * flux - plate.cooling * (t - plate.ambient) + source;
}
