/**
 * `npm run bench -- runtime`: the gradient of the bridge loss (bench/bridgeLoss.ts) with respect
 * to every member's stiffness over T steps, by Twinbench (generated adjoint, checkpointed) and by
 * idiomatic tfjs on its WebGPU backend (tf.valueAndGrad over the unrolled steps), on one Dawn
 * device in one process. One JSON object per size:
 * {"bench":"runtime","springs":N,"steps":T,"twinbench_ms":…,"tfjs_ms":…,"speedup":…,
 *  "grad_rel_diff":…,"peak_gpu_mb":…,"peak_gpu_mb_store_all":…,"tfjs_peak_gpu_mb":…,…}
 *
 * Times are medians of --reps runs (3) after one warm-up, each from the inputs on the host to
 * dL/dk back on the host. grad_rel_diff = max_j |tfjs_j − twinbench_j| / max_j |twinbench_j|.
 * GPU memory is the peak of live buffer bytes during a run (bench/gpuMeter.ts), in MB of 10⁶ B.
 *
 * Flags: --steps T (1000 on a GPU, 20 on SwiftShader), --sizes 1k,10k,100k, --tfjs-sizes (all on
 * a GPU, 1k on SwiftShader), --reps R, --budget S (states the checkpointed run may hold,
 * ⌈2√(T+1)⌉), --tfjs-max-gb G (64 on a GPU, 4 on SwiftShader) and --tfjs-max-s S (600): tfjs is
 * skipped, with the reason in the JSON, where a 4-step probe projects more than that.
 */
import './nodeRequire.ts'; // first: tfjs needs it when bundled
import { storeAll, uniformSchedule } from '../src/sim/checkpointSchedule.ts';
import { STATE_STRIDE } from '../src/twin/trussModel.ts';
import { buildBridgeLossProblem, type BridgeLossProblem } from './bridgeLoss.ts';
import { meterDevice, type GpuMeter } from './gpuMeter.ts';
import { requestSharedDawnDevice, type SharedDawnDevice } from './sharedDawnDevice.ts';
import { registerTrussGradients } from './tfjsGradients.ts';
import { startTfjsOnDawn } from './tfjsOnDawn.ts';
import { createTfjsBridgeGradient } from './tfjsTruss.ts';
import {
  twinbenchBridgeGradient,
  twinbenchCompileMs,
  type BridgeGradient,
} from './twinbenchBridgeGradient.ts';

/** Lattices (bench/lattice.ts) of 1 019, 9 992 and 99 992 springs. */
const SIZES: Record<string, [number, number, number]> = {
  '1k': [11, 4, 3],
  '10k': [28, 6, 6],
  '100k': [40, 18, 12],
};

function parseArgs(argv: string[]) {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i]!;
    const value = argv[i + 1];
    if (!name.startsWith('--') || value === undefined) {
      throw new Error(`runtime bench: expected --flag value pairs, got "${argv.join(' ')}"`);
    }
    flags.set(name.slice(2), value);
  }
  const number = (name: string) => {
    const raw = flags.get(name);
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!(value > 0)) throw new Error(`runtime bench: --${name} needs a positive number`);
    return value;
  };
  const sizes = (name: string) => {
    const list = flags.get(name)?.split(',');
    const unknown = list?.find((size) => !SIZES[size]);
    if (unknown !== undefined) {
      throw new Error(
        `runtime bench: unknown size "${unknown}" in --${name}; use ${Object.keys(SIZES).join(',')}`,
      );
    }
    return list;
  };
  return {
    steps: number('steps'),
    sizes: sizes('sizes') ?? Object.keys(SIZES),
    tfjsSizes: sizes('tfjs-sizes'),
    reps: number('reps') ?? 3,
    budget: number('budget'),
    tfjsMaxGb: number('tfjs-max-gb'),
    tfjsMaxS: number('tfjs-max-s') ?? 600,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (bytes: number) => Number((bytes / 1e6).toPrecision(4));
const round = (x: number, digits = 4) => Number(x.toPrecision(digits));

/** Peak bytes above what was live before, dispatches and submits of one call. */
async function metered<T>(meter: GpuMeter, run: () => Promise<T>) {
  meter.reset();
  const before = meter.liveBytes;
  const t0 = performance.now();
  const result = await run();
  const ms = performance.now() - t0;
  return {
    result,
    ms,
    peakBytes: meter.peakBytes - before,
    dispatches: meter.dispatches,
    submits: meter.submits,
  };
}

function relativeDiff(a: Float32Array, b: Float32Array): number {
  let error = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    error = Math.max(error, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return error / scale;
}

/** Runs `run` reps times (once if a warm-up took longer than 20 s) and returns the median. */
async function medianMs(reps: number, warmupMs: number, run: () => Promise<unknown>) {
  const count = warmupMs > 20_000 ? 1 : reps;
  const samples: number[] = [];
  for (let r = 0; r < count; r++) {
    const t0 = performance.now();
    await run();
    samples.push(performance.now() - t0);
  }
  return { ms: median(samples), reps: count };
}

async function measureTwinbench(
  device: GPUDevice,
  meter: GpuMeter,
  problem: BridgeLossProblem,
  budget: number,
  reps: number,
) {
  const schedule = uniformSchedule(problem.steps, budget);
  const warm = await metered(meter, () => twinbenchBridgeGradient(device, problem, schedule));
  const all = await metered(meter, () =>
    twinbenchBridgeGradient(device, problem, storeAll(problem.steps)),
  );
  const parts: { trace: number[]; gradient: number[] } = { trace: [], gradient: [] };
  const timed = await medianMs(reps, warm.ms, async () => {
    const r = await twinbenchBridgeGradient(device, problem, schedule);
    parts.trace.push(r.traceMs);
    parts.gradient.push(r.gradientMs);
  });
  const compileMs = median([0, 1, 2].map(() => twinbenchCompileMs(device)));
  return {
    gradient: warm.result,
    ms: timed.ms,
    reps: timed.reps,
    compileMs,
    traceMs: median(parts.trace),
    gradientMs: median(parts.gradient),
    schedule,
    peakBytes: warm.peakBytes,
    peakBytesStoreAll: all.peakBytes,
    storeAllDiff: relativeDiff(all.result.stiffness, warm.result.stiffness),
    dispatches: warm.dispatches,
    submits: warm.submits,
  };
}

interface TfjsProbe {
  steps: number;
  ms: number;
  peakBytes: number;
}

type TfjsMeasure =
  | {
      ok: true;
      gradient: BridgeGradient;
      ms: number;
      reps: number;
      peakBytes: number;
      dispatches: number;
      submits: number;
      kernels: { forward: number; withGradient: number };
    }
  | { ok: false; error: string; probe?: TfjsProbe };

async function measureTfjs(
  shared: SharedDawnDevice,
  meter: GpuMeter,
  problem: BridgeLossProblem,
  options: { reps: number; maxGb: number; maxS: number },
): Promise<TfjsMeasure> {
  const { device } = shared;
  // A short probe first: the unrolled graph keeps every step's tensors, so memory and time grow
  // linearly with T, and a full run can exhaust the GPU (or this machine's patience).
  const probeSteps = Math.min(problem.steps, 4);
  await startTfjsOnDawn(shared);
  const probeRun = createTfjsBridgeGradient({ ...problem, steps: probeSteps });
  await probeRun.run(); // compiles tfjs's shaders
  const probed = await metered(meter, () => probeRun.run());
  const kernels = await probeRun.kernelsPerStep();
  probeRun.dispose();
  const probe = { steps: probeSteps, ms: round(probed.ms), peakBytes: probed.peakBytes };
  const scale = problem.steps / probeSteps;
  const projectedGb = (probed.peakBytes * scale) / 1e9;
  const projectedS = (probed.ms * scale * (1 + options.reps)) / 1000;
  if (projectedGb > options.maxGb || projectedS > options.maxS) {
    return {
      ok: false,
      probe,
      error:
        `skipped: a ${probeSteps}-step probe (${Math.round(probed.ms)} ms, ${mb(probed.peakBytes)} MB) ` +
        `projects ${projectedGb.toFixed(2)} GB and ${Math.round(projectedS)} s for ${problem.steps} steps ` +
        `× ${1 + options.reps} runs, over --tfjs-max-gb ${options.maxGb} or --tfjs-max-s ${options.maxS}`,
    };
  }
  await startTfjsOnDawn(shared); // a fresh backend, so the warm-up's peak counts every buffer
  const tfjs = createTfjsBridgeGradient(problem);
  try {
    device.pushErrorScope('out-of-memory');
    const warm = await metered(meter, () => tfjs.run());
    const oom = await device.popErrorScope();
    if (oom) return { ok: false, probe, error: `GPU out of memory: ${oom.message}` };
    const timed = await medianMs(options.reps, warm.ms, () => tfjs.run());
    return {
      ok: true,
      gradient: warm.result,
      ms: timed.ms,
      reps: timed.reps,
      peakBytes: warm.peakBytes,
      dispatches: warm.dispatches,
      submits: warm.submits,
      kernels,
    };
  } catch (error) {
    return { ok: false, probe, error: error instanceof Error ? error.message : String(error) };
  } finally {
    tfjs.dispose();
  }
}

const args = parseArgs(process.argv.slice(2));
const shared = await requestSharedDawnDevice();
const meter = meterDevice(shared.device);
registerTrussGradients();
// SwiftShader runs the GPU on this machine's cores: shorter trajectories, and tfjs only where
// it finishes in minutes (its row reductions and segment sums cost seconds there at 10k springs).
const steps = args.steps ?? (shared.software ? 20 : 1000);
const budget = args.budget ?? Math.ceil(2 * Math.sqrt(steps + 1));
const tfjsSizes = args.tfjsSizes ?? (shared.software ? ['1k'] : Object.keys(SIZES));
const tfjsMaxGb = args.tfjsMaxGb ?? (shared.software ? 4 : 64);

for (const size of args.sizes) {
  const problem = buildBridgeLossProblem(SIZES[size]!, steps);
  const twin = await measureTwinbench(shared.device, meter, problem, budget, args.reps);
  const tfjs: TfjsMeasure = tfjsSizes.includes(size)
    ? await measureTfjs(shared, meter, problem, {
        reps: args.reps,
        maxGb: tfjsMaxGb,
        maxS: args.tfjsMaxS,
      })
    : {
        ok: false,
        error: `not run: tfjs runs at ${tfjsSizes.join(',')} on this adapter by default; add ${size} to --tfjs-sizes`,
      };
  const perStep = (count: number) => round(count / steps, 3);
  console.info(
    JSON.stringify({
      bench: 'runtime',
      springs: problem.truss.memberCount,
      steps,
      twinbench_ms: round(twin.ms),
      tfjs_ms: tfjs.ok ? round(tfjs.ms) : null,
      speedup: tfjs.ok ? round(tfjs.ms / twin.ms, 3) : null,
      grad_rel_diff: tfjs.ok
        ? round(relativeDiff(tfjs.gradient.stiffness, twin.gradient.stiffness), 3)
        : null,
      peak_gpu_mb: mb(twin.peakBytes),
      peak_gpu_mb_store_all: mb(twin.peakBytesStoreAll),
      // trussTrajectoryGradient keeps one state-sized buffer per distinct seed array: one per step.
      peak_gpu_mb_seeds: mb(steps * problem.truss.nodeCount * STATE_STRIDE * 4),
      tfjs_peak_gpu_mb: tfjs.ok ? mb(tfjs.peakBytes) : null,
      ...(tfjs.ok ? {} : { tfjs_error: tfjs.error }),
      tfjs_backend: 'webgpu',
      adapter: shared.adapter,
      nodes: problem.truss.nodeCount,
      loss_rel_diff: tfjs.ok
        ? round(Math.abs(tfjs.gradient.loss - twin.gradient.loss) / Math.abs(twin.gradient.loss), 3)
        : null,
      checkpoints: `${twin.schedule.segments}×${twin.schedule.segmentLength}`,
      store_all_rel_diff: round(twin.storeAllDiff, 3),
      twinbench_trace_ms: round(twin.traceMs),
      twinbench_gradient_ms: round(twin.gradientMs),
      twinbench_compile_ms: round(twin.compileMs),
      twinbench_dispatches_per_step: perStep(twin.dispatches),
      twinbench_submits: twin.submits,
      tfjs_dispatches_per_step: tfjs.ok ? perStep(tfjs.dispatches) : null,
      tfjs_submits: tfjs.ok ? tfjs.submits : null,
      tfjs_kernels_per_step: tfjs.ok ? tfjs.kernels : null,
      reps: { twinbench: twin.reps, tfjs: tfjs.ok ? tfjs.reps : 0 },
    }),
  );
}
shared.device.destroy();
process.exit(0);
