import type { TrussDefinition, TrussMember, TrussNode } from '../src/twin/trussModel.ts';

/**
 * A steel space-frame block, nx × ny × nz joints 1 m apart, each joined to its 13 forward
 * neighbours (faces, edges and body diagonals), fixed along the x = 0 face: a model size knob
 * for benchmarks, from hundreds to hundreds of thousands of nodes.
 */
export function buildLattice(nx: number, ny: number, nz: number): TrussDefinition {
  const index = (x: number, y: number, z: number) => (x * ny + y) * nz + z;
  const nodes: TrussNode[] = [];
  for (let x = 0; x < nx; x++)
    for (let y = 0; y < ny; y++)
      for (let z = 0; z < nz; z++) nodes.push({ position: [x, y, z], mass: 200, fixed: x === 0 });
  const members: TrussMember[] = [];
  const offsets: [number, number, number][] = [];
  for (let dx = -1; dx <= 1; dx++)
    for (let dy = -1; dy <= 1; dy++)
      for (let dz = -1; dz <= 1; dz++) {
        const forward = dx > 0 || (dx === 0 && (dy > 0 || (dy === 0 && dz > 0)));
        if (forward) offsets.push([dx, dy, dz]);
      }
  for (let x = 0; x < nx; x++)
    for (let y = 0; y < ny; y++)
      for (let z = 0; z < nz; z++)
        for (const [dx, dy, dz] of offsets) {
          const [bx, by, bz] = [x + dx, y + dy, z + dz];
          if (bx >= nx || by < 0 || by >= ny || bz < 0 || bz >= nz) continue;
          members.push({
            a: index(x, y, z),
            b: index(bx, by, bz),
            axialRigidity: 210e9 * 0.001,
            role: 'diagonal',
            label: '',
          });
        }
  return { nodes, members, massDamping: 0.2, stiffnessDamping: 2e-5 };
}
