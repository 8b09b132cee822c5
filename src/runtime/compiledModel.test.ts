import { describe, expect, it } from 'vitest';
import { withGpu } from '../gpu/testing/requireGpu.ts';
import { compileModel } from './compiledModel.ts';
import { cpuLoss, simulateCpu } from './cpuModel.ts';
import { planModel } from './modelPlan.ts';
import type { ObservationData } from './modelSpec.ts';
import { declaredParameters } from './parameters.ts';
import { springChainSpec } from './testing/springChain.ts';

const plan = planModel(springChainSpec());

function driveSeries(steps: number): Float32Array {
  return Float32Array.from(
    { length: steps },
    (_, t) => (t < steps / 2 ? 1.5 : -0.5) + 0.3 * Math.sin(t / 4),
  );
}

/** Observations from the float64 CPU model with a different stiffness field: what a fit sees. */
function syntheticData(steps: number): ObservationData {
  const truth = Float64Array.from([3, 5, 4.5, 2, 6, 4, 3.5, 0.45]);
  const { record } = simulateCpu(plan, steps, {
    parameters: truth,
    inputs: { drive: driveSeries(steps) },
  });
  const columns = plan.spec.observables.length;
  return {
    steps: Array.from({ length: record.rows }, (_, r) => (r + 1) * record.every),
    channels: Object.fromEntries(
      plan.spec.observables.map((o, c) => [
        o.channel!,
        Float64Array.from(
          { length: record.rows },
          (_, r) => (o.scale ?? 1) * record.values[r * columns + c]!,
        ),
      ]),
    ),
  };
}

/** max |a − b| / max |b|. */
const relative = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let scale = 0;
  let error = 0;
  for (let i = 0; i < b.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]!));
    error = Math.max(error, Math.abs(a[i]! - b[i]!));
  }
  return error / scale;
};

describe('compiled model on the GPU', () => {
  it('runs the schedule like the float64 CPU model and reports the state every k steps', (ctx) =>
    withGpu(ctx, async (device) => {
      const model = await compileModel(device, plan);
      const inputs = { drive: driveSeries(60) };
      const seen: number[] = [];
      const result = await model.run({
        inputs,
        stateEvery: 20,
        onState: (step, state) => {
          seen.push(step);
          expect(state.pos).toHaveLength(8);
        },
      });
      const cpu = simulateCpu(plan, 60, { inputs });
      expect(seen).toEqual([20, 40, 60]);
      expect(result.observations.steps).toEqual(Array.from({ length: 20 }, (_, r) => 3 * (r + 1)));
      plan.spec.observables.forEach((o, c) => {
        const expected = Float64Array.from(
          { length: 20 },
          (_, r) => (o.scale ?? 1) * cpu.record.values[r * 3 + c]!,
        );
        // float32 against float64 through 60 steps of a lightly damped chain.
        expect(relative(result.observations.values[o.name]!, expected), o.name).toBeLessThan(1e-4);
      });
      expect(relative(result.finalState.vel!, cpu.finalState.vel!)).toBeLessThan(1e-4);
      model.destroy();
    }));

  it('gives the gradient of float64 finite differences for parameters, state 0 and inputs (60 steps)', (ctx) =>
    withGpu(ctx, async (device) => {
      const model = await compileModel(device, plan);
      const data = syntheticData(60);
      const parameters = declaredParameters(plan);
      const initialPos = Float64Array.from(plan.spec.buffers[0]!.initial as number[]);
      const drive = Float64Array.from(driveSeries(60));
      const g = await model.gradient({
        data,
        parameters,
        inputs: { drive: Float32Array.from(drive) },
        stateBudget: 16,
      });
      const loss = (p: Float64Array, pos: Float64Array, d: Float64Array) =>
        cpuLoss(plan, data, { parameters: p, initialState: { pos }, inputs: { drive: d } });
      const central = (f: (h: number) => number, h: number) => (f(h) - f(-h)) / (2 * h);
      const fdParameters = Float64Array.from(parameters, (_, i) =>
        central((h) => {
          const p = parameters.slice();
          p[i] = p[i]! + h;
          return loss(p, initialPos, drive);
        }, 1e-5),
      );
      const fdPos = Float64Array.from(initialPos, (_, i) =>
        central((h) => {
          const pos = initialPos.slice();
          pos[i] = pos[i]! + h;
          return loss(parameters, pos, drive);
        }, 1e-6),
      );
      const rows = [0, 7, 29, 58];
      const fdDrive = rows.map((t) =>
        central((h) => {
          const d = drive.slice();
          d[t] = d[t]! + h;
          return loss(parameters, initialPos, d);
        }, 1e-5),
      );
      const gpuDrive = rows.map((t) => g.inputs.drive![t]!);
      const errors = {
        parameters: relative(g.parameters, fdParameters),
        pos: relative(g.initialState.pos!, fdPos),
        drive: relative(gpuDrive, fdDrive),
        loss:
          Math.abs(g.loss - loss(parameters, initialPos, drive)) /
          loss(parameters, initialPos, drive),
      };
      console.info(
        `spring chain gradient vs float64 FD: ${Object.entries(errors)
          .map(([k, v]) => `${k} ${v.toExponential(1)}`)
          .join(', ')} (loss ${g.loss.toFixed(4)}, ${g.peakStates} states held)`,
      );
      // float32 over 60 steps against float64: the truss test's 1e-3 (docs/kernels.md, GPU vs FD).
      for (const [name, e] of Object.entries(errors)) expect(e, name).toBeLessThan(1e-3);
      expect(g.peakStates).toBeLessThanOrEqual(16);
      model.destroy();
    }));

  it('gives the same gradient through 300 steps with 40 states in memory as with all 301 (1e-5)', (ctx) =>
    withGpu(ctx, async (device) => {
      const model = await compileModel(device, plan);
      const data = syntheticData(300);
      const options = { data, inputs: { drive: driveSeries(300) } };
      const checkpointed = await model.gradient({ ...options, stateBudget: 40 });
      const full = await model.gradient(options);
      console.info(
        `300 steps: checkpointed ${checkpointed.peakStates} states (segments of ${checkpointed.schedule.segmentLength}), store-all ${full.peakStates}`,
      );
      expect(checkpointed.peakStates).toBeLessThanOrEqual(40);
      expect(full.peakStates).toBe(301);
      expect(checkpointed.loss).toBe(full.loss);
      expect(relative(checkpointed.parameters, full.parameters)).toBeLessThan(1e-5);
      expect(relative(checkpointed.initialState.pos!, full.initialState.pos!)).toBeLessThan(1e-5);
      expect(relative(checkpointed.inputs.drive!, full.inputs.drive!)).toBeLessThan(1e-5);
      model.destroy();
    }));
});
