import { describe, expect, it } from 'vitest';
import { buildFootbridge, FOOTBRIDGE_SPAN } from './footbridge.ts';
import { FootbridgeSimulation } from './footbridgeSim.ts';
import { deflectionProfile, naturalSpline, nodeDisplacements } from './deformation.ts';

describe('naturalSpline', () => {
  it('passes through its knots and is linear for linear data', () => {
    const f = naturalSpline([0, 1, 2, 3], [0, 2, 4, 6]);
    expect(f(1)).toBeCloseTo(2, 12);
    expect(f(2.5)).toBeCloseTo(5, 12);
  });

  it('reproduces a half sine (the first bending mode) to 2 % from three interior readings', () => {
    const L = FOOTBRIDGE_SPAN;
    const mode = (x: number) => Math.sin((Math.PI * x) / L);
    const f = naturalSpline(
      [0, L / 4, L / 2, (3 * L) / 4, L],
      [0, mode(L / 4), 1, mode((3 * L) / 4), 0],
    );
    for (let x = 0; x <= L; x += 1) expect(Math.abs(f(x) - mode(x))).toBeLessThan(0.02);
  });
});

describe('nodeDisplacements', () => {
  it('keeps supports still and follows the simulated bridge at sensor-free joints', () => {
    const sim = new FootbridgeSimulation({ seed: 11, noise: 0 });
    for (let i = 0; i < 300; i++) sim.advanceSample();
    const byId = new Map(sim.sensors.map((s, i) => [s.id, i] as const));
    const values = sim.readSensors();
    const read = (id: string) => values[byId.get(id)!]!;
    const readings = {
      vertical: {
        L: [read('disp.z.L25'), read('disp.z.L50'), read('disp.z.L75')],
        R: [read('disp.z.R25'), read('disp.z.R50'), read('disp.z.R75')],
      },
      lateral: [read('disp.y.L25'), read('disp.y.L50'), read('disp.y.L75')],
    } as const;
    const def = buildFootbridge();
    const out = new Float32Array(def.nodes.length * 3);
    nodeDisplacements(readings, def.nodes, out);
    expect(out[2]).toBe(0); // west support
    // Bottom-chord joint 6 (x = 15 m) has no sensor: the reconstruction is within 25 % of the
    // simulated deflection scale there.
    const state = sim.nodeState;
    const scale = Math.abs(read('disp.z.L50')) / 1000;
    expect(Math.abs(out[6 * 3 + 2]! - state[6 * 12 + 2]!)).toBeLessThan(0.25 * scale + 1e-5);
    expect(deflectionProfile(readings).vertical('L', 20)).toBeCloseTo(read('disp.z.L50') / 1000, 9);
  });
});
