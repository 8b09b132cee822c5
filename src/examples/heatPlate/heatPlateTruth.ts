import { createRandom } from '../../twin/random.ts';
import { simulateCpu } from '../../runtime/cpuModel.ts';
import type { ModelPlan } from '../../runtime/modelPlan.ts';
import type { ObservationData } from '../../runtime/modelSpec.ts';
import { HEATERS, PATCHES, PATCH_CELLS } from './heatPlateModel.ts';

/**
 * The hidden conductivity per patch: a gentle gradient across the plate with a poorly
 * conducting region (a crack, a delamination) centred at cell (10, 6).
 */
export function hiddenConductivity(): Float64Array {
  return Float64Array.from({ length: PATCHES * PATCHES }, (_, p) => {
    const cx = (p % PATCHES) * PATCH_CELLS + PATCH_CELLS / 2;
    const cy = Math.floor(p / PATCHES) * PATCH_CELLS + PATCH_CELLS / 2;
    const dip = 0.7 * Math.exp(-((cx - 10) ** 2 + (cy - 6) ** 2) / (2 * 3.5 ** 2));
    return 1.1 + 0.25 * (cx / 16) - 0.15 * (cy / 16) - dip;
  });
}

/**
 * Heater powers, `steps` rows of one value per heater: square waves of different periods and
 * phases, so the heaters' effects can be told apart in the temperatures.
 */
export function heaterSeries(steps: number): Float32Array {
  const out = new Float32Array(steps * HEATERS.length);
  for (let t = 0; t < steps; t++)
    for (let h = 0; h < HEATERS.length; h++)
      out[t * HEATERS.length + h] = Math.floor((t + 17 * h) / (30 + 8 * h)) % 2 === 0 ? 1 : 0;
  return out;
}

/**
 * Sensor readings of the plate with the hidden conductivity, from the float64 CPU model (not
 * the GPU the fit runs on), with Gaussian noise of `noise` kelvin: what a fit would be given.
 */
export function syntheticHeatPlateData(
  plan: ModelPlan,
  options: { readonly steps: number; readonly noise: number; readonly seed: number },
): ObservationData {
  const { record } = simulateCpu(plan, options.steps, {
    parameters: hiddenConductivity(),
    inputs: { heaters: heaterSeries(options.steps) },
  });
  const random = createRandom(options.seed);
  const columns = plan.spec.observables.length;
  return {
    steps: Array.from({ length: record.rows }, (_, r) => (r + 1) * record.every),
    channels: Object.fromEntries(
      plan.spec.observables.map((o, c) => [
        o.channel!,
        Float64Array.from(
          { length: record.rows },
          (_, r) => record.values[r * columns + c]! + options.noise * random.normal(),
        ),
      ]),
    ),
  };
}
