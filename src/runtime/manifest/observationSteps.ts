import type { LossSpec, ModelSpec } from '../modelSpec.ts';

/**
 * The step counts after which the loss observes the state: positive multiples of `loss.every`
 * in the window, where window [start, end) holds the states after n steps, start < n ≤ end
 * (the whole run by default). Times are n · dt.
 *
 * @example observationSteps({ steps: 10, loss: { every: 4 } }) // [4, 8]
 */
export function observationSteps(spec: {
  readonly steps: ModelSpec['steps'];
  readonly loss: Pick<LossSpec, 'every' | 'window'>;
}): number[] {
  const { every, window } = spec.loss;
  const start = window?.start ?? 0;
  const end = window?.end ?? spec.steps;
  const steps: number[] = [];
  for (let n = (Math.floor(start / every) + 1) * every; n <= end; n += every) steps.push(n);
  return steps;
}
