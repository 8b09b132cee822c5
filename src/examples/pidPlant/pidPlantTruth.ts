import { simulateCpu } from '../../runtime/cpuModel.ts';
import type { ModelPlan } from '../../runtime/modelPlan.ts';
import type { ObservationData } from '../../runtime/modelSpec.ts';
import { createRandom } from '../../twin/random.ts';

/** The gains the recorded response was made with (hidden from the fit). */
export const HIDDEN_GAINS = { kp: 24, ki: 9, kd: 3.2 } as const;

/** Set-point in metres at each step of 10 ms: steps up and down, then a ramp. */
export function setpointSeries(steps: number): Float32Array {
  return Float32Array.from({ length: steps }, (_, t) => {
    const time = t * 0.01;
    if (time < 0.3) return 0;
    if (time < 2) return 1;
    if (time < 3.5) return -0.5;
    return Math.min(0.8, -0.5 + 0.8 * (time - 3.5));
  });
}

/**
 * The position (mm) recorded by an encoder with `noise` mm of Gaussian noise, from the float64
 * CPU model run with `gains`, at the model's observation steps.
 */
export function recordedResponse(
  plan: ModelPlan,
  gains: { readonly kp: number; readonly ki: number; readonly kd: number },
  options: { readonly steps: number; readonly noise: number; readonly seed: number },
): ObservationData {
  const { record } = simulateCpu(plan, options.steps, {
    parameters: Float64Array.from([gains.kp, gains.ki, gains.kd]),
    inputs: { setpoint: setpointSeries(options.steps) },
  });
  const random = createRandom(options.seed);
  const position = plan.spec.observables.find((o) => o.name === 'position')!;
  const column = plan.spec.observables.indexOf(position);
  const columns = plan.spec.observables.length;
  return {
    steps: Array.from({ length: record.rows }, (_, r) => (r + 1) * record.every),
    channels: {
      [position.channel!]: Float64Array.from(
        { length: record.rows },
        (_, r) =>
          (position.scale ?? 1) * record.values[r * columns + column]! +
          options.noise * random.normal(),
      ),
    },
  };
}
