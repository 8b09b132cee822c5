import { storeAll, uniformSchedule, type CheckpointSchedule } from '../sim/checkpointSchedule.ts';
import { createModelPipelines } from './gpuPipelines.ts';
import {
  createStepEncoder,
  type AdjointBuffers,
  type StateSet,
  type StepSeries,
} from './gpuStepEncoder.ts';
import { planModel, type ModelPlan } from './modelPlan.ts';
import type { ModelSpec, ObservationData } from './modelSpec.ts';
import { dataLoss, stepsForData, type ObservationRecord } from './observationLoss.ts';
import { initialContents, type Contents } from './bufferContents.ts';
import { declaredParameters, gatherParameterGradient } from './parameters.ts';
import { regularisation } from './regularisation.ts';
import { resolveArgs, type ResolvedArgs, type SimulationArgs } from './simulationInputs.ts';

/** Each observable's values (after `scale`) at the observation steps. */
export interface Observations {
  /** Step counts after which each row was observed: every, 2·every, … */
  readonly steps: readonly number[];
  readonly values: Readonly<Record<string, Float64Array>>;
}

export interface RunOptions extends SimulationArgs {
  /** Steps to run; defaults to the ModelSpec's `steps`. */
  readonly steps?: number;
  /**
   * Called with the state after every `stateEvery` steps and after the last (for display). The
   * run waits for it, so it can draw before the GPU moves on.
   */
  readonly onState?: (
    step: number,
    state: Readonly<Record<string, Float32Array | Uint32Array>>,
  ) => void | Promise<void>;
  readonly stateEvery?: number;
  /** Stops after the chunk of `stateEvery` steps in flight; the result covers the steps run. */
  readonly signal?: AbortSignal;
}

export interface RunResult {
  readonly steps: number;
  readonly observations: Observations;
  readonly finalState: Readonly<Record<string, Float32Array | Uint32Array>>;
}

export interface GradientOptions extends SimulationArgs {
  readonly data: ObservationData;
  /** Steps to simulate; defaults to the last observation in the loss window. */
  readonly steps?: number;
  /**
   * States (one copy of every state buffer) the gradient may hold on the GPU at once; fewer
   * means more recomputation (see checkpointSchedule.ts). Defaults to every state.
   */
  readonly stateBudget?: number;
}

export interface ModelGradient {
  /** dataLoss + regularisation. */
  readonly loss: number;
  readonly dataLoss: number;
  readonly regularisation: number;
  /** dLoss/d(parameter vector), in ParameterSpec order. */
  readonly parameters: Float64Array;
  /** dLoss/d(state 0), per f32 state buffer. */
  readonly initialState: Readonly<Record<string, Float64Array>>;
  /** dLoss/d(input series), per f32 input buffer: `steps` rows of its width. */
  readonly inputs: Readonly<Record<string, Float64Array>>;
  readonly steps: number;
  readonly schedule: CheckpointSchedule;
  /** States held on the GPU at once: checkpoints, recomputed segment, replay. */
  readonly peakStates: number;
  /** The forward run's observables, before scale (what the loss compared with the data). */
  readonly record: ObservationRecord;
}

/** A model compiled on a device: pipelines made once; runs and gradients on request. */
export interface CompiledModel {
  readonly plan: ModelPlan;
  run(options?: RunOptions): Promise<RunResult>;
  /** Loss against `data` and its gradient by the generated adjoints, with checkpointing. */
  gradient(options: GradientOptions): Promise<ModelGradient>;
  /** Frees the model's GPU buffers (not the device, which its owner destroys). */
  destroy(): void;
}

/**
 * Validates a model (throwing a ModelError that says what to fix) and creates its forward and
 * adjoint pipelines on `device`.
 *
 * @example
 * const model = await compileModel(device, heatPlateSpec(source));
 * const { observations } = await model.run({ inputs });
 * const g = await model.gradient({ data, inputs, parameters: x, stateBudget: 40 });
 */
export async function compileModel(
  device: GPUDevice,
  model: ModelSpec | ModelPlan,
): Promise<CompiledModel> {
  const plan = 'dispatches' in model ? model : planModel(model);
  const { spec } = plan;
  // Read here, not at import: GPUBufferUsage exists only once a WebGPU implementation loaded.
  const STORAGE = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  const pipelines = await createModelPipelines(device, plan);
  const owned: GPUBuffer[] = [];
  const create = (label: string, bytes: number, usage: number, list: GPUBuffer[]) => {
    const b = device.createBuffer({
      label: `${spec.name}: ${label}`,
      size: Math.max(16, Math.ceil(bytes / 4) * 4),
      usage,
    });
    list.push(b);
    return b;
  };
  const upload = (b: GPUBuffer, data: Contents) =>
    device.queue.writeBuffer(
      b,
      0,
      (data instanceof Float64Array ? Float32Array.from(data) : data) as Float32Array<ArrayBuffer>,
    );

  // Buffers that live as long as the model. Inputs hold the current step's row.
  const fixed = new Map<string, GPUBuffer>();
  for (const b of spec.buffers) {
    if (b.role === 'state') continue;
    const usage = STORAGE | (plan.uniformBuffers.has(b.name) ? GPUBufferUsage.UNIFORM : 0);
    const buffer = create(`${b.role} ${b.name}`, b.length * 4, usage, owned);
    if (b.role === 'constant') upload(buffer, initialContents(b));
    fixed.set(b.name, buffer);
  }
  const clock = create('clock', 16, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, owned);
  const columns = spec.observables.length;
  const seedRow = create('seed row', columns * 4, STORAGE, owned);
  const seedIndex = new Map<string, { slots: GPUBuffer; columns: GPUBuffer; count: number }>();
  for (const b of plan.stateBuffers) {
    const observed = spec.observables.flatMap((o, c) => (o.buffer === b.name ? [{ o, c }] : []));
    if (observed.length === 0) continue;
    const slots = create(`${b.name} observed slots`, observed.length * 4, STORAGE, owned);
    const cols = create(`${b.name} observed columns`, observed.length * 4, STORAGE, owned);
    upload(
      slots,
      Uint32Array.from(observed, (x) => x.o.index),
    );
    upload(
      cols,
      Uint32Array.from(observed, (x) => x.c),
    );
    seedIndex.set(b.name, { slots, columns: cols, count: observed.length });
  }
  let series: StepSeries | null = null;
  const encoder = createStepEncoder(
    device,
    plan,
    pipelines,
    fixed,
    clock,
    seedIndex,
    seedRow,
    () => {
      if (!series) throw new Error('runtime: step series used outside a run');
      return series;
    },
  );

  // One run or gradient at a time: they share the parameter, input and scratch buffers.
  let tail: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(body: (scope: GPUBuffer[]) => Promise<T>): Promise<T> => {
    const result = tail.then(async () => {
      const scope: GPUBuffer[] = [];
      try {
        return await body(scope);
      } finally {
        series = null;
        encoder.reset();
        scope.forEach((b) => b.destroy());
      }
    });
    tail = result.catch(() => undefined);
    return result;
  };

  const stateSet = (label: string, scope: GPUBuffer[]): StateSet => ({
    label,
    buffers: new Map(
      plan.stateBuffers.map((b) => [
        b.name,
        create(`${label} ${b.name}`, b.length * 4, STORAGE, scope),
      ]),
    ),
  });
  /** Parameters, state 0 into `initial`, and the clock and input series of `steps` steps. */
  const load = (args: ResolvedArgs, steps: number, initial: StateSet, scope: GPUBuffer[]) => {
    for (const [name, contents] of args.parameters) upload(fixed.get(name)!, contents);
    for (const [name, contents] of args.initialState) upload(initial.buffers.get(name)!, contents);
    const table = new ArrayBuffer(steps * 16);
    const words = new Uint32Array(table);
    const floats = new Float32Array(table);
    for (let t = 0; t < steps; t++) {
      words[4 * t] = t;
      floats[4 * t + 1] = t * spec.dt;
      floats[4 * t + 2] = spec.dt;
    }
    const clockTable = create('clock table', table.byteLength, STORAGE, scope);
    device.queue.writeBuffer(clockTable, 0, table);
    const inputs = new Map<string, GPUBuffer>();
    for (const [name, contents] of args.series) {
      const b = create(`${name} series`, contents.byteLength, STORAGE, scope);
      upload(b, contents);
      inputs.set(name, b);
    }
    series = { clock: clockTable, inputs };
  };
  const read = async (buffers: readonly { buffer: GPUBuffer; bytes: number }[]) => {
    const command = device.createCommandEncoder({ label: `${spec.name}: read back` });
    const staging = buffers.map(({ buffer, bytes }) => {
      const s = device.createBuffer({
        size: Math.max(4, bytes),
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      });
      if (bytes > 0) command.copyBufferToBuffer(buffer, 0, s, 0, bytes);
      return s;
    });
    device.queue.submit([command.finish()]);
    return Promise.all(
      staging.map(async (s, i) => {
        await s.mapAsync(GPUMapMode.READ);
        const out = s.getMappedRange(0, buffers[i]!.bytes).slice(0);
        s.unmap();
        s.destroy();
        return out;
      }),
    );
  };
  const readState = async (set: StateSet) => {
    const bytes = await read(
      plan.stateBuffers.map((b) => ({ buffer: set.buffers.get(b.name)!, bytes: b.length * 4 })),
    );
    return Object.fromEntries(
      plan.stateBuffers.map((b, i) => [
        b.name,
        b.type === 'u32' ? new Uint32Array(bytes[i]!) : new Float32Array(bytes[i]!),
      ]),
    );
  };
  const recordRows = (steps: number) => Math.floor(steps / spec.loss.every);

  const run = (options: RunOptions = {}) =>
    exclusive(async (scope): Promise<RunResult> => {
      const steps = options.steps ?? spec.steps;
      const args = resolveArgs(plan, steps, options);
      let current = stateSet('state A', scope);
      let next = stateSet('state B', scope);
      load(args, steps, current, scope);
      const rows = recordRows(steps);
      const record = create('observations', rows * columns * 4, STORAGE, scope);
      const chunk = options.onState ? Math.max(1, options.stateEvery ?? steps) : steps;
      const every = spec.loss.every;
      let done = 0;
      while (done < steps) {
        const command = device.createCommandEncoder({ label: `${spec.name}: run` });
        const end = Math.min(steps, done + chunk);
        for (; done < end; done++) {
          encoder.step(command, done, current, next);
          [current, next] = [next, current];
          if ((done + 1) % every === 0)
            encoder.observe(command, current, record, (done + 1) / every - 1);
        }
        device.queue.submit([command.finish()]);
        if (options.onState) await options.onState(done, await readState(current));
        if (options.signal?.aborted) break;
      }
      const [values] = await read([{ buffer: record, bytes: recordRows(done) * columns * 4 }]);
      const recorded = new Float32Array(values!);
      const rowsDone = recordRows(done);
      return {
        steps: done,
        observations: {
          steps: Array.from({ length: rowsDone }, (_, r) => (r + 1) * every),
          values: Object.fromEntries(
            spec.observables.map((o, c) => [
              o.name,
              Float64Array.from(
                { length: rowsDone },
                (_, r) => (o.scale ?? 1) * recorded[r * columns + c]!,
              ),
            ]),
          ),
        },
        finalState: await readState(current),
      };
    });

  const gradient = (options: GradientOptions) =>
    exclusive(async (scope): Promise<ModelGradient> => {
      const steps = options.steps ?? stepsForData(plan, options.data);
      const schedule =
        options.stateBudget === undefined
          ? storeAll(steps)
          : uniformSchedule(steps, options.stateBudget);
      const args = resolveArgs(plan, steps, options);
      const s = schedule.segmentLength;
      const checkpoints = Array.from({ length: schedule.segments }, (_, k) =>
        stateSet(`checkpoint ${k}`, scope),
      );
      // Segment states: the forward pass ping-pongs between the first two.
      const segment = Array.from({ length: Math.max(2, s - 1) }, (_, i) =>
        stateSet(`segment ${i}`, scope),
      );
      const replay = plan.replay ? stateSet('replay', scope) : null;
      const peakStates = checkpoints.length + segment.length + (replay ? 1 : 0);
      load(args, steps, checkpoints[0]!, scope);
      const every = spec.loss.every;
      const rows = recordRows(steps);
      const recordBuffer = create('observations', rows * columns * 4, STORAGE, scope);

      // ---- forward: keep a checkpoint at the start of each segment, record observables ----
      {
        const command = device.createCommandEncoder({
          label: `${spec.name}: forward with checkpoints`,
        });
        let from = checkpoints[0]!;
        for (let t = 0; t < steps; t++) {
          const n = t + 1;
          const to =
            n % s === 0 && n / s < schedule.segments
              ? checkpoints[n / s]!
              : from === segment[0]
                ? segment[1]!
                : segment[0]!;
          encoder.step(command, t, from, to);
          if (n % every === 0) encoder.observe(command, to, recordBuffer, n / every - 1);
          from = to;
        }
        device.queue.submit([command.finish()]);
      }
      const [recordBytes] = await read([{ buffer: recordBuffer, bytes: rows * columns * 4 }]);
      const record: ObservationRecord = { every, rows, values: new Float32Array(recordBytes!) };
      const misfit = dataLoss(plan, options.data, record);
      const reg = regularisation(plan, options.parameters ?? declaredParameters(plan));
      const seeds = create('loss seeds', misfit.seeds.byteLength, STORAGE, scope);
      upload(seeds, misfit.seeds);

      // ---- reverse: recompute each segment from its checkpoint, then adjoint steps backwards
      const adjFixed = new Map<string, GPUBuffer>();
      const adjInputs = new Map<string, GPUBuffer>();
      for (const b of spec.buffers) {
        if (b.role === 'state') continue;
        adjFixed.set(b.name, create(`adj ${b.name}`, b.length * 4, STORAGE, scope));
        if (b.role === 'input' && b.type === 'f32')
          adjInputs.set(
            b.name,
            create(`adj ${b.name} series`, steps * b.length * 4, STORAGE, scope),
          );
      }
      let adjoint: AdjointBuffers = {
        current: stateSet('adj current', scope),
        next: stateSet('adj next', scope),
        fixed: adjFixed,
        inputs: adjInputs,
      };
      for (let k = schedule.segments - 1; k >= 0; k--) {
        const t0 = k * s;
        const length = Math.min(s, steps - t0);
        const command = device.createCommandEncoder({
          label: `${spec.name}: segment ${k} adjoint`,
        });
        const states: StateSet[] = [checkpoints[k]!];
        for (let i = 1; i < length; i++) {
          encoder.step(command, t0 + i - 1, states[i - 1]!, segment[i - 1]!);
          states.push(segment[i - 1]!);
        }
        for (let i = length - 1; i >= 0; i--) {
          const n = t0 + i + 1;
          if (n % every === 0 && n / every <= rows)
            encoder.seed(command, seeds, n / every - 1, adjoint.next);
          encoder.adjointStep(command, t0 + i, states[i]!, replay, adjoint);
          adjoint = { ...adjoint, current: adjoint.next, next: adjoint.current };
        }
        device.queue.submit([command.finish()]);
      }

      // After the last swap, `next` holds dLoss/d(state 0).
      const f32States = plan.stateBuffers.filter((b) => b.type === 'f32');
      const parameterBuffers = spec.buffers.filter(
        (b) => b.role === 'parameter' && b.type === 'f32',
      );
      const inputBuffers = [...adjInputs.keys()];
      const bytes = await read([
        ...f32States.map((b) => ({
          buffer: adjoint.next.buffers.get(b.name)!,
          bytes: b.length * 4,
        })),
        ...parameterBuffers.map((b) => ({ buffer: adjFixed.get(b.name)!, bytes: b.length * 4 })),
        ...inputBuffers.map((name) => ({
          buffer: adjInputs.get(name)!,
          bytes: steps * plan.buffers.get(name)!.length * 4,
        })),
      ]);
      const f64 = (i: number) => Float64Array.from(new Float32Array(bytes[i]!));
      const parameterGradient = gatherParameterGradient(
        plan,
        new Map(parameterBuffers.map((b, i) => [b.name, f64(f32States.length + i)])),
      );
      for (let i = 0; i < parameterGradient.length; i++)
        parameterGradient[i] = parameterGradient[i]! + reg.gradient[i]!;
      return {
        loss: misfit.loss + reg.loss,
        dataLoss: misfit.loss,
        regularisation: reg.loss,
        parameters: parameterGradient,
        initialState: Object.fromEntries(f32States.map((b, i) => [b.name, f64(i)])),
        inputs: Object.fromEntries(
          inputBuffers.map((name, i) => [
            name,
            f64(f32States.length + parameterBuffers.length + i),
          ]),
        ),
        steps,
        schedule,
        peakStates,
        record,
      };
    });

  return {
    plan,
    run,
    gradient,
    destroy() {
      owned.forEach((b) => b.destroy());
    },
  };
}
