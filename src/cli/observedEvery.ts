import type { LossSpec, ModelSpec } from '../runtime/modelSpec.ts';

/**
 * The model recording its observables after every `every` steps over the whole run: what
 * `run --every` shows and what `example` measures. The loss window is dropped, as neither
 * compares with data.
 */
export function observedEvery(spec: ModelSpec, every: number): ModelSpec {
  const loss: { -readonly [K in keyof LossSpec]: LossSpec[K] } = { ...spec.loss, every };
  delete loss.window;
  return { ...spec, loss };
}
