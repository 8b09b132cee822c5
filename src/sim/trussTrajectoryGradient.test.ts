import { describe, expect, it } from 'vitest';
import { withGpu } from '../gpu/testing/requireGpu.ts';
import { buildFootbridge } from '../twin/footbridge.ts';
import { footbridgeTimeStep } from '../twin/footbridgeSim.ts';
import { createRandom } from '../twin/random.ts';
import { MEMBER_STRIDE, STATE_STRIDE, packTruss } from '../twin/trussModel.ts';
import { stepTrussCpu } from '../twin/trussStepCpu.ts';
import { storeAll, uniformSchedule } from './checkpointSchedule.ts';
import {
  trussTrajectoryGradient,
  type TrajectoryGradientInput,
} from './trussTrajectoryGradient.ts';

function problem(steps: number) {
  const truss = packTruss(buildFootbridge());
  const { dt } = footbridgeTimeStep(truss, 100);
  const random = createRandom(5);
  const load = Float32Array.from({ length: truss.nodeCount * 4 }, (_, i) =>
    i % 4 === 3 ? 0 : 500 * (2 * random.uniform() - 1),
  );
  const initialState = Float32Array.from({ length: truss.nodeCount * STATE_STRIDE }, (_, i) =>
    i % 4 === 3 || i % STATE_STRIDE >= 8 ? 0 : 1e-5 * (2 * random.uniform() - 1),
  );
  // Supports stay put: their state is ignored by the step, so give them none.
  for (let n = 0; n < truss.nodeCount; n++)
    if (truss.nodeInverseMass[n * 4 + 2] === 0)
      initialState.fill(0, n * STATE_STRIDE, (n + 1) * STATE_STRIDE);
  const weights = Float32Array.from({ length: truss.nodeCount * STATE_STRIDE }, (_, i) =>
    i % STATE_STRIDE < 3 ? 2 * random.uniform() - 1 : 0,
  );
  return { truss, dt, load, initialState, weights, steps };
}

/** The same loss in float64 on the CPU. */
function cpuLoss(
  p: ReturnType<typeof problem>,
  members: Float32Array,
  initial: Float32Array,
  steps: number,
): number {
  const truss = { ...p.truss, members };
  let state = Float64Array.from(initial);
  let next = new Float64Array(state.length);
  let loss = 0;
  for (let t = 0; t < steps; t++) {
    stepTrussCpu(truss, state, next, p.load, p.dt);
    [state, next] = [next, state];
    for (let i = 0; i < state.length; i++) loss += p.weights[i]! * state[i]!;
  }
  return loss;
}

const relative = (a: Float32Array, b: Float32Array) => {
  let scale = 0;
  let error = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]!));
    error = Math.max(error, Math.abs(a[i]! - b[i]!));
  }
  return error / scale;
};

describe('gradient through truss steps on the GPU', () => {
  it('matches float64 finite differences of the CPU step for stiffness and initial state (30 steps)', (ctx) =>
    withGpu(ctx, async (device) => {
      const p = problem(30);
      const input: TrajectoryGradientInput = {
        ...p,
        seeds: () => p.weights,
        schedule: uniformSchedule(30, 14),
      };
      const g = await trussTrajectoryGradient(device, input);
      // Members 0, 7 and 40 (stiffness slot) and three initial displacements, by central differences.
      const checks: [string, number, number][] = [];
      for (const member of [0, 7, 40]) {
        const slot = member * MEMBER_STRIDE + 4;
        const k = p.truss.members[slot]!;
        const h = 1e-4 * k;
        const plus = p.truss.members.slice();
        plus[slot] = k + h;
        const minus = p.truss.members.slice();
        minus[slot] = k - h;
        const fd =
          (cpuLoss(p, plus, p.initialState, 30) - cpuLoss(p, minus, p.initialState, 30)) / (2 * h);
        checks.push([`k${member}`, g.members[slot]!, fd]);
      }
      for (const slot of [STATE_STRIDE * 8 + 2, STATE_STRIDE * 20 + 1, STATE_STRIDE * 40 + 0]) {
        const h = 1e-8;
        const plus = p.initialState.slice();
        plus[slot] = plus[slot]! + h;
        const minus = p.initialState.slice();
        minus[slot] = minus[slot]! - h;
        const fd =
          (cpuLoss(p, p.truss.members, plus, 30) - cpuLoss(p, p.truss.members, minus, 30)) /
          (2 * h);
        checks.push([`u${slot}`, g.initialState[slot]!, fd]);
      }
      console.info(
        checks
          .map(([n, gpu, fd]) => `${n} rel ${(Math.abs(gpu - fd) / Math.abs(fd)).toExponential(1)}`)
          .join(', '),
      );
      for (const [name, gpu, fd] of checks) {
        expect(Math.abs(gpu - fd) / Math.abs(fd), `${name}: gpu ${gpu} fd ${fd}`).toBeLessThan(
          1e-3,
        );
      }
    }));

  it('gives the same gradient through 1000 steps with 64 states in memory as with all 1001 (1e-5)', (ctx) =>
    withGpu(ctx, async (device) => {
      const p = problem(1000);
      const budget = uniformSchedule(1000, 64);
      const checkpointed = await trussTrajectoryGradient(device, {
        ...p,
        seeds: () => p.weights,
        schedule: budget,
      });
      const full = await trussTrajectoryGradient(device, {
        ...p,
        seeds: () => p.weights,
        schedule: storeAll(1000),
      });
      expect(checkpointed.peakStateBuffers).toBeLessThanOrEqual(64);
      expect(full.peakStateBuffers).toBe(1001);
      for (const key of ['members', 'load', 'initialState'] as const) {
        expect(relative(checkpointed[key], full[key]), key).toBeLessThan(1e-5);
      }
    }));
});
