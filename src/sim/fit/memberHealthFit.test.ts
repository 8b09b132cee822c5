import { describe, expect, it } from 'vitest';
import { withGpu } from '../../gpu/testing/requireGpu.ts';
import { lbfgs } from '../optimize/lbfgs.ts';
import { bridgeScenarioProblem } from './bridgeScenario.ts';
import { identifyDamage } from './damageIdentification.ts';
import { memberHealthObjective, withHealth, type HealthFitProblem } from './memberHealthFit.ts';

const DAMAGED = 7; // bottom chord L7-8, next to midspan
const TRUE_HEALTH = 0.6;

/** A recording made by the float64 CPU plant with member 7 at 60 %: samples at 100 Hz. */
const recordedProblem = (samples = 10): HealthFitProblem =>
  bridgeScenarioProblem({ member: DAMAGED, health: TRUE_HEALTH, samples, noiseMm: 0, seed: 4 });

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
        const sorted = Array.from(found.localisation!).sort((a, b) => a - b);
        console.info(
          `damaged member ${found.member} (next lowest health ${sorted[1]!.toFixed(3)} vs ${sorted[0]!.toFixed(3)}), health ${found.health.toFixed(4)}, ${found.evaluations} evaluations`,
        );
        expect(found.member).toBe(DAMAGED);
        expect(Math.abs(found.health - TRUE_HEALTH) / TRUE_HEALTH).toBeLessThan(0.05);
      }),
    300_000,
  );
});
