import type { CompiledModel } from '../runtime/compiledModel.ts';
import type { SimulationArgs } from '../runtime/simulationInputs.ts';
import { LoopTrapError } from './loopTrap.ts';
import type { SandboxDevice } from './sandboxDevice.ts';

export type StateSnapshot = Readonly<Record<string, Float32Array | Uint32Array>>;

export interface BatchedRunOptions extends SimulationArgs {
  readonly steps: number;
  /** Sample the state after every `every` steps and after the last. */
  readonly every: number;
  /** Checked between batches: the run stops after the batch in flight. */
  readonly signal?: AbortSignal;
  /** The state at a sample. */
  readonly onSample?: (step: number, state: StateSnapshot) => void;
  /** After every batch (the heartbeat). */
  readonly onBatch?: (step: number) => void;
}

export interface BatchedRun {
  /** Steps run: fewer than asked when cancelled. */
  readonly steps: number;
  readonly cancelled: boolean;
  readonly batches: number;
  /** Steps per batch. */
  readonly batchSteps: number;
}

/**
 * Runs `model` (compiled on `sandbox.device`) forward in bounded batches: each batch is one
 * submission of at most `limits.maxDispatchesPerBatch` dispatches, ending at a sample step.
 * Between batches it waits for the GPU (`onSubmittedWorkDone`), reads the loop trap — throwing a
 * LoopTrapError, so a runaway loop stops the run within a batch — reports the sample and the
 * heartbeat, and stops if `signal` has aborted.
 *
 * @example
 * await runBatched(model, sandbox, { steps: 600, every: 5, onSample: (n, s) => plot(n, s.plant) });
 */
export async function runBatched(
  model: CompiledModel,
  sandbox: SandboxDevice,
  options: BatchedRunOptions,
): Promise<BatchedRun> {
  const { steps, every, signal, onSample, onBatch, ...args } = options;
  const perStep = model.plan.dispatches.length;
  const batchSteps = largestDivisor(
    every,
    Math.max(1, Math.floor(sandbox.limits.maxDispatchesPerBatch / perStep)),
  );
  let batches = 0;
  const result = await model.run({
    ...args,
    steps,
    stateEvery: batchSteps,
    ...(signal ? { signal } : {}),
    onState: async (step, state) => {
      batches++;
      await sandbox.device.queue.onSubmittedWorkDone();
      const trap = await sandbox.takeTrap();
      if (trap) throw new LoopTrapError(trap, step, sandbox.limits);
      if (step % every === 0 || step === steps) onSample?.(step, state);
      onBatch?.(step);
    },
  });
  return { steps: result.steps, cancelled: result.steps < steps, batches, batchSteps };
}

/** The largest divisor of `n` that is at most `most` (batches end on sample steps). */
function largestDivisor(n: number, most: number): number {
  for (let d = Math.min(n, most); d > 1; d--) if (n % d === 0) return d;
  return 1;
}
