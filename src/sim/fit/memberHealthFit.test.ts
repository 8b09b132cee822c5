import { describe, expect, it } from 'vitest';
import { withGpu } from '../../gpu/testing/requireGpu.ts';
import { buildFootbridge, footbridgeSensors } from '../../twin/footbridge.ts';
import { FootbridgeSimulation } from '../../twin/footbridgeSim.ts';
import { STATE_STRIDE } from '../../twin/trussModel.ts';
import { stepTrussCpu } from '../../twin/trussStepCpu.ts';
import { lbfgs } from '../optimize/lbfgs.ts';
import { identifyDamage } from './damageIdentification.ts';
import {
  memberHealthObjective,
  withHealth,
  type DisplacementSensor,
  type HealthFitProblem,
} from './memberHealthFit.ts';

const DAMAGED = 7; // bottom chord L7-8, next to midspan
const TRUE_HEALTH = 0.6;

/** A recording made by the float64 CPU plant with member 7 at 60 %: 10 samples at 100 Hz. */
function recordedProblem(sampleCount = 10): HealthFitProblem {
  const plant = new FootbridgeSimulation({ seed: 4, noise: 0 });
  plant.setDamage({ member: DAMAGED, health: TRUE_HEALTH });
  for (let i = 0; i < 60; i++) plant.advanceSample(); // walkers on the bridge, bridge moving
  const initialState = Float32Array.from(plant.nodeState);
  const load = new Float32Array(plant.truss.nodeCount * 4);
  plant.loads.advance(0.01, load);
  const sensors: DisplacementSensor[] = footbridgeSensors(buildFootbridge())
    .filter((s) => s.kind === 'displacement')
    .map((s) => ({
      node: (s as { node: number }).node,
      axis: ({ x: 0, y: 1, z: 2 } as const)[(s as { axis: 'x' | 'y' | 'z' }).axis],
    }));
  // The plant's own record, integrated in float64 from the same state under the same load.
  const samples: Float64Array[] = [];
  let state = Float64Array.from(initialState);
  let next = new Float64Array(state.length);
  for (let s = 0; s < sampleCount; s++) {
    for (let k = 0; k < plant.substeps; k++) {
      stepTrussCpu(plant.truss, state, next, load, plant.dt);
      [state, next] = [next, state];
    }
    samples.push(Float64Array.from(sensors, (x) => state[x.node * STATE_STRIDE + x.axis]!));
  }
  plant.setDamage(null); // the fit starts from the intact design
  return {
    truss: plant.truss,
    dt: plant.dt,
    load,
    initialState,
    record: { sensors, stepsPerSample: plant.substeps, samples },
    members: [DAMAGED],
    stateBudget: 40,
  };
}

describe('member health fit through the GPU adjoint', () => {
  it(
    'recovers a 40 % stiffness drop from 0.1 s of displacement data, within 5 %',
    (ctx) =>
      withGpu(ctx, async (device) => {
        const problem = recordedProblem();
        const objective = memberHealthObjective(device, problem);
        const result = await lbfgs(objective, Float64Array.from([1]), {
          maxIterations: 30,
          gradientTolerance: 1e-9,
          bounds: { lower: Float64Array.from([0.2]), upper: Float64Array.from([1.2]) },
        });
        console.info(
          `health ${result.x[0]} after ${result.iterations} iterations (${result.evaluations} evaluations), loss ${result.loss}`,
        );
        expect(Math.abs(result.x[0]! - TRUE_HEALTH) / TRUE_HEALTH).toBeLessThan(0.05);
        expect(withHealth(problem, result.x).members[DAMAGED * 8 + 4]).toBeCloseTo(
          problem.truss.baseStiffness[DAMAGED]! * result.x[0]!,
          -2,
        );
      }),
    120_000,
  );

  it(
    'finds which of the 199 members is damaged, and its stiffness within 5 %, from 0.3 s of data',
    (ctx) =>
      withGpu(ctx, async (device) => {
        // identifyDamage chooses the members itself; the recorded problem's list is ignored.
        const found = await identifyDamage(device, { ...recordedProblem(30), stateBudget: 80 });
        const sorted = Array.from(found.localisation).sort((a, b) => a - b);
        console.info(
          `damaged member ${found.member} (next lowest health ${sorted[1]!.toFixed(3)} vs ${sorted[0]!.toFixed(3)}), health ${found.health.toFixed(4)}, ${found.evaluations} evaluations`,
        );
        expect(found.member).toBe(DAMAGED);
        expect(Math.abs(found.health - TRUE_HEALTH) / TRUE_HEALTH).toBeLessThan(0.05);
      }),
    300_000,
  );
});
