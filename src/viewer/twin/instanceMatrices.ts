/**
 * Instance transforms written straight into three.js instance-matrix arrays (column-major 4×4,
 * 16 floats an instance): the scene updates thousands of entities a frame without a Matrix4,
 * Quaternion or any other allocation per instance.
 */

/** A sphere or marker of `scale` at (x, y, z). */
export function writeTranslationScale(
  out: Float32Array,
  i: number,
  x: number,
  y: number,
  z: number,
  scale: number,
): void {
  const o = i * 16;
  out[o] = scale;
  out[o + 1] = 0;
  out[o + 2] = 0;
  out[o + 3] = 0;
  out[o + 4] = 0;
  out[o + 5] = scale;
  out[o + 6] = 0;
  out[o + 7] = 0;
  out[o + 8] = 0;
  out[o + 9] = 0;
  out[o + 10] = scale;
  out[o + 11] = 0;
  out[o + 12] = x;
  out[o + 13] = y;
  out[o + 14] = z;
  out[o + 15] = 1;
}

/**
 * The transform that takes a unit cylinder along +Y, centred at the origin (three's
 * CylinderGeometry of height 1), to one of `radius` from point A to point B: its Y axis becomes
 * B − A, its X and Z axes a perpendicular pair of length `radius`. A zero-length segment
 * collapses the instance (scale 0).
 */
export function writeSegment(
  out: Float32Array,
  i: number,
  ax: number,
  ay: number,
  az: number,
  bx: number,
  by: number,
  bz: number,
  radius: number,
): void {
  const o = i * 16;
  const dx = bx - ax;
  const dy = by - ay;
  const dz = bz - az;
  // sqrt rather than Math.hypot, which is several times slower in V8 (it guards overflow that
  // metre-scale coordinates never reach); this runs for every member every frame.
  const length = Math.sqrt(dx * dx + dy * dy + dz * dz);
  if (!(length > 1e-9)) {
    out.fill(0, o, o + 16);
    out[o + 15] = 1;
    return;
  }
  const ux = dx / length;
  const uy = dy / length;
  const uz = dz / length;
  // A perpendicular: u × Z, or u × X when u is nearly along Z. Stable under small motion.
  let px: number, py: number, pz: number;
  if (Math.abs(uz) < 0.9) {
    px = uy;
    py = -ux;
    pz = 0;
  } else {
    px = 0;
    py = uz;
    pz = -uy;
  }
  const pl = Math.sqrt(px * px + py * py + pz * pz);
  px /= pl;
  py /= pl;
  pz /= pl;
  // q = p × u completes a right-handed frame (p, u, q) ~ (X, Y, Z).
  const qx = py * uz - pz * uy;
  const qy = pz * ux - px * uz;
  const qz = px * uy - py * ux;
  out[o] = px * radius;
  out[o + 1] = py * radius;
  out[o + 2] = pz * radius;
  out[o + 3] = 0;
  out[o + 4] = dx;
  out[o + 5] = dy;
  out[o + 6] = dz;
  out[o + 7] = 0;
  out[o + 8] = qx * radius;
  out[o + 9] = qy * radius;
  out[o + 10] = qz * radius;
  out[o + 11] = 0;
  out[o + 12] = (ax + bx) / 2;
  out[o + 13] = (ay + by) / 2;
  out[o + 14] = (az + bz) / 2;
  out[o + 15] = 1;
}

/** Writes rest + exaggeration × displacement for every node (3 floats a node). */
export function displacedPositions(
  rest: Float32Array,
  displacement: Float32Array,
  exaggeration: number,
  out: Float32Array,
): void {
  for (let k = 0; k < rest.length; k++) out[k] = rest[k]! + exaggeration * displacement[k]!;
}
