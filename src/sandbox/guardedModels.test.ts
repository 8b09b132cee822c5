import { describe, expect, it } from 'vitest';
import { heatPlateSpec } from '../examples/heatPlate/heatPlateModel.ts';
import { heatPlateWgsl } from '../examples/heatPlate/heatPlateSource.ts';
import { heaterSeries } from '../examples/heatPlate/heatPlateTruth.ts';
import { pidPlantSpec } from '../examples/pidPlant/pidPlantModel.ts';
import { pidPlantWgsl } from '../examples/pidPlant/pidPlantSource.ts';
import { setpointSeries } from '../examples/pidPlant/pidPlantTruth.ts';
import { withGpu } from '../gpu/testing/requireGpu.ts';
import { observationSteps } from '../runtime/manifest/observationSteps.ts';
import { compileModel, type RunResult } from '../runtime/compiledModel.ts';
import type { ModelSpec } from '../runtime/modelSpec.ts';
import type { SimulationArgs } from '../runtime/simulationInputs.ts';
import { createSandboxDevice } from './sandboxDevice.ts';
import { loadLoopModel } from './testing/loopModel.ts';

/** Every float of a run as its bits, so -0 and NaN payloads count too. */
const bits = (r: RunResult) => ({
  steps: r.steps,
  observations: Object.fromEntries(
    Object.entries(r.observations.values).map(([k, v]) => [
      k,
      new Uint32Array(Float32Array.from(v).buffer),
    ]),
  ),
  state: Object.fromEntries(
    Object.entries(r.finalState).map(([k, v]) => [k, new Uint32Array(v.buffer.slice(0))]),
  ),
});

const pid = {
  name: 'pid plant',
  spec: () => pidPlantSpec(pidPlantWgsl),
  steps: 300,
  args: (): SimulationArgs => ({
    parameters: Float64Array.from([24, 9, 3.2]),
    inputs: { setpoint: setpointSeries(300) },
  }),
  // One invocation: its gradient's atomic sums have one order, so they are bit-exact too.
  gradient: 'exact',
};
const heat = {
  name: 'heat plate',
  spec: () => heatPlateSpec(heatPlateWgsl),
  steps: 200,
  args: (): SimulationArgs => ({ inputs: { heaters: heaterSeries(200) } }),
  gradient: 'none',
};
const loop = {
  name: 'relaxation (a kernel with a loop)',
  spec: async () => (await loadLoopModel()).spec,
  steps: 20,
  args: (): SimulationArgs => ({}),
  // 64 invocations add into the rate's gradient atomically, in an order no run promises.
  gradient: 'close',
};

describe('loop guards keep results bit-identical (Dawn)', () => {
  it.for([pid, heat, loop])(
    '$name: runs and gradients through the sandbox device equal those on the device itself',
    async (model, ctx) => {
      const spec: ModelSpec = await model.spec();
      await withGpu(ctx, async (device) => {
        const sandbox = createSandboxDevice(device);
        const plain = await compileModel(device, spec);
        const guarded = await compileModel(sandbox.device, spec);
        try {
          const args = { ...model.args(), steps: model.steps };
          expect(bits(await guarded.run(args))).toEqual(bits(await plain.run(args)));
          if (model.gradient !== 'none') {
            const n = observationSteps({ steps: model.steps, loss: spec.loss });
            const data = {
              steps: n,
              channels: Object.fromEntries(
                spec.observables.map((o) => [o.channel!, new Float64Array(n.length).fill(1)]),
              ),
            };
            const [a, b] = [
              await guarded.gradient({ ...args, data }),
              await plain.gradient({ ...args, data }),
            ];
            expect(a.loss).toBe(b.loss);
            if (model.gradient === 'exact') {
              expect(a.parameters).toEqual(b.parameters);
              expect(a.initialState).toEqual(b.initialState);
            } else {
              a.parameters.forEach((g, i) =>
                expect(g).toBeCloseTo(b.parameters[i]!, -Math.log10(Math.abs(g)) + 5),
              );
            }
          }
          expect(await sandbox.takeTrap()).toBeNull();
          // The busiest dispatch's loop work against the per-dispatch budget: the margin.
          const { peakDispatchIterations: peak } = sandbox.usage();
          const budget = sandbox.limits.maxDispatchIterations;
          console.info(
            `${model.name}: busiest dispatch ran ${peak} loop iterations, ${budget} allowed (${peak === 0 ? 'no loops' : `margin ×${Math.floor(budget / peak)}`})`,
          );
          expect(peak * 16).toBeLessThan(budget);
        } finally {
          guarded.destroy();
          plain.destroy();
          sandbox.destroy();
        }
      });
    },
  );
});
