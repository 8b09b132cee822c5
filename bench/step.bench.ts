/**
 * `npm run bench -- step`: time steps per second of the WGSL truss step (Dawn; SwiftShader here,
 * the GPU where there is one) against the float64 CPU step in plain JavaScript — what a user
 * would otherwise write — on the same model in the same process. One JSON object per line.
 */
import { requestDawnDevice } from '../src/gpu/testing/dawnDevice.ts';
import { createTrussStepKernel } from '../src/gpu/trussStepKernel.ts';
import { buildFootbridge } from '../src/twin/footbridge.ts';
import {
  STATE_STRIDE,
  packTruss,
  stableTimeStep,
  type TrussDefinition,
} from '../src/twin/trussModel.ts';
import { stepTrussCpu } from '../src/twin/trussStepCpu.ts';
import { buildLattice } from './lattice.ts';

const REPEATS = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Runs `work` until it has taken ~budgetMs, returns steps per second (median of REPEATS). */
async function stepsPerSecond(
  budgetMs: number,
  work: (steps: number) => Promise<void> | void,
): Promise<number> {
  // Calibrate a batch that takes about budgetMs.
  let batch = 1;
  for (;;) {
    const t0 = performance.now();
    await work(batch);
    const ms = performance.now() - t0;
    if (ms > budgetMs / 4 || batch > 1e6) {
      batch = Math.max(1, Math.round((batch * budgetMs) / Math.max(ms, 1e-3)));
      break;
    }
    batch *= 4;
  }
  const rates: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    await work(batch);
    rates.push((batch * 1000) / (performance.now() - t0));
  }
  return median(rates);
}

const models: { name: string; build: () => TrussDefinition }[] = [
  { name: 'footbridge', build: buildFootbridge },
  { name: 'lattice-8k', build: () => buildLattice(40, 20, 10) },
  { name: 'lattice-64k', build: () => buildLattice(80, 40, 20) },
];

const gpu = await requestDawnDevice();
if (!gpu.ok) console.warn(`step bench: no GPU (${gpu.reason}); reporting the CPU step only`);
const only = process.argv[2];
for (const model of models) {
  if (only && !model.name.startsWith(only)) continue;
  const truss = packTruss(model.build());
  const dt = 0.5 * stableTimeStep(truss);
  const load = new Float32Array(truss.nodeCount * 4).map((_, i) => (i % 4 === 2 ? -100 : 0));
  let state = new Float64Array(truss.nodeCount * STATE_STRIDE);
  let scratch = new Float64Array(state.length);
  const cpu = await stepsPerSecond(1000, (steps) => {
    for (let s = 0; s < steps; s++) {
      stepTrussCpu(truss, state, scratch, load, dt);
      [state, scratch] = [scratch, state];
    }
  });
  let gpuRate: number | null = null;
  if (gpu.ok) {
    const kernel = createTrussStepKernel(gpu.device, truss, { dt });
    kernel.writeLoad(load);
    gpuRate = await stepsPerSecond(1000, async (steps) => {
      // Submit in chunks as the worker does (one submit per 10 ms sample), then wait for the GPU.
      for (let done = 0; done < steps; done += 32) kernel.step(Math.min(32, steps - done));
      await gpu.device.queue.onSubmittedWorkDone();
    });
    kernel.destroy();
  }
  console.info(
    JSON.stringify({
      bench: 'step',
      model: model.name,
      nodes: truss.nodeCount,
      members: truss.memberCount,
      adapter: gpu.ok ? gpu.adapter : null,
      gpu_steps_per_s: gpuRate === null ? null : Math.round(gpuRate),
      cpu_steps_per_s: Math.round(cpu),
      gpu_over_cpu: gpuRate === null ? null : Number((gpuRate / cpu).toFixed(2)),
      gpu_member_updates_per_s:
        gpuRate === null ? null : Math.round(gpuRate * truss.memberCount * 2),
    }),
  );
}
if (gpu.ok) gpu.device.destroy();
process.exit(0);
