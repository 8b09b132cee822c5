import { compileCpu, type CpuBuffers, type CpuKernel } from '../gpu/autodiff/cpuBackend.ts';
import { layoutOf } from '../gpu/autodiff/types.ts';
import type { ModelPlan } from './modelPlan.ts';
import type { ObservationData } from './modelSpec.ts';
import { dataLoss, stepsForData, type ObservationRecord } from './observationLoss.ts';
import { regularisation } from './regularisation.ts';
import { initialContents } from './bufferContents.ts';
import { declaredParameters } from './parameters.ts';
import { resolveArgs, type SimulationArgs } from './simulationInputs.ts';

export interface CpuRun {
  /** Observables (before scale) after every `loss.every` steps, in float64. */
  readonly record: ObservationRecord & { readonly values: Float64Array };
  readonly finalState: Record<string, Float64Array>;
}

/**
 * Runs a model in float64 on the CPU through the autodiff CPU backend: the same kernels and
 * schedule as the GPU, threads one after another. The reference GPU runs and gradients are
 * tested against (finite differences of `cpuLoss`), and a way to make synthetic data that does
 * not share the GPU's rounding.
 */
export function simulateCpu(plan: ModelPlan, steps: number, args: SimulationArgs = {}): CpuRun {
  const resolved = resolveArgs(plan, steps, args, 'f64');
  const kernels = new Map<string, CpuKernel>();
  // The checked modules, not the GPU's forward source: threads run one after another on the
  // CPU, so `+=` needs no atomics.
  for (const [name, checked] of plan.kernels) kernels.set(name, compileCpu(checked));
  const f64 = (a: ArrayLike<number>) => Float64Array.from(a);
  let current = new Map<string, Float64Array>();
  let next = new Map<string, Float64Array>();
  for (const b of plan.stateBuffers) {
    current.set(b.name, f64(resolved.initialState.get(b.name)!));
    next.set(b.name, new Float64Array(b.length));
  }
  const fixed = new Map<string, Float64Array>();
  for (const b of plan.spec.buffers) {
    if (b.role === 'parameter') fixed.set(b.name, f64(resolved.parameters.get(b.name)!));
    if (b.role === 'constant' || b.role === 'scratch')
      fixed.set(b.name, f64(initialContents(b, 'f64')));
  }
  const series = new Map([...resolved.series].map(([name, s]) => [name, f64(s)]));
  const columns = plan.spec.observables.length;
  const every = plan.spec.loss.every;
  const rows = Math.floor(steps / every);
  const values = new Float64Array(rows * columns);
  const clock = new Float64Array(3);

  for (let t = 0; t < steps; t++) {
    clock.set([t, Math.fround(t * plan.spec.dt), Math.fround(plan.spec.dt)]);
    for (const d of plan.dispatches) {
      const buffers: CpuBuffers = {};
      for (const pb of d.bindings) {
        if (!pb.ref) {
          buffers[pb.variable.name] = clock;
          continue;
        }
        const b = plan.buffers.get(pb.ref.buffer)!;
        const array =
          b.role === 'state'
            ? (pb.ref.phase === 'current' ? current : next).get(b.name)!
            : b.role === 'input'
              ? series.get(b.name)!.subarray(t * b.length, (t + 1) * b.length)
              : fixed.get(b.name)!;
        if (pb.writes === 'accumulate') array.fill(0);
        buffers[pb.variable.name] = array;
      }
      // The CPU backend wants every variable of the module, also those this entry never uses.
      for (const v of plan.kernels.get(d.spec.kernel)!.bindings)
        buffers[v.name] ??= new Float64Array(layoutOf(v.type).size / 4);
      kernels.get(d.spec.kernel)!.run(d.spec.entry, buffers, d.spec.workgroups);
    }
    [current, next] = [next, current];
    const n = t + 1;
    if (n % every === 0 && n / every <= rows) {
      const row = n / every - 1;
      plan.spec.observables.forEach((o, c) => {
        values[row * columns + c] = current.get(o.buffer)![o.index]!;
      });
    }
  }
  return { record: { every, rows, values }, finalState: Object.fromEntries(current) };
}

/** The model's loss in float64 on the CPU: data misfit plus regularisation. */
export function cpuLoss(
  plan: ModelPlan,
  data: ObservationData,
  args: SimulationArgs & { readonly steps?: number } = {},
): number {
  const steps = args.steps ?? stepsForData(plan, data);
  const { record } = simulateCpu(plan, steps, args);
  const misfit = dataLoss(plan, data, record).loss;
  return misfit + regularisation(plan, args.parameters ?? declaredParameters(plan)).loss;
}
