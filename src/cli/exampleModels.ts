import { HEATERS } from '../examples/heatPlate/heatPlateModel.ts';
import {
  heaterSeries,
  hiddenConductivity,
  syntheticHeatPlateData,
} from '../examples/heatPlate/heatPlateTruth.ts';
import { START_GAINS } from '../examples/pidPlant/pidPlantModel.ts';
import {
  HIDDEN_GAINS,
  recordedResponse,
  setpointSeries,
} from '../examples/pidPlant/pidPlantTruth.ts';
import type { ModelPlan } from '../runtime/modelPlan.ts';
import type { ObservationData } from '../runtime/modelSpec.ts';

/**
 * An example under src/examples/ as the CLI hands it out: its files, and its hidden truth and
 * synthetic data from the example's own truth generators (float64 CPU model plus seeded noise).
 */
export interface ExampleModel {
  /** The folder holding the example's files. */
  readonly folder: URL;
  /** Files copied as they are; `model.yaml` first, then what it names (kernels). */
  readonly files: readonly string[];
  /** Default noise of the synthetic measurements, and its unit. */
  readonly noise: number;
  readonly noiseUnit: string;
  /** The parameters the data was made with, by ParameterSpec name (what a fit should find). */
  readonly truth: () => Readonly<Record<string, number | readonly number[]>>;
  /** Input buffer → `steps` rows, row-major (what the kernels see at each step). */
  readonly inputs: (steps: number) => Readonly<Record<string, Float32Array>>;
  /** Measurements of every observable's channel, with noise, at the plan's observation steps. */
  readonly measure: (
    plan: ModelPlan,
    options: { readonly steps: number; readonly noise: number; readonly seed: number },
  ) => ObservationData;
  /** Why the data looks as it does, for truth.json. */
  readonly about: string;
}

const folder = (name: string) => new URL(`../examples/${name}/`, import.meta.url);

export const EXAMPLES = {
  'pid-plant': {
    folder: folder('pidPlant'),
    files: ['model.yaml', 'pidPlant.wgsl'],
    noise: 0.5,
    noiseUnit: 'mm',
    truth: () => ({ ...HIDDEN_GAINS }),
    inputs: (steps) => ({ setpoint: setpointSeries(steps) }),
    measure: (plan, options) => recordedResponse(plan, HIDDEN_GAINS, options),
    about: `The plant's position (axis/position, mm) under a PID controller with hidden gains, following the set-point (axis/setpoint, m); the manifest starts the fit from Kp ${START_GAINS.kp}, Ki ${START_GAINS.ki}, Kd ${START_GAINS.kd}.`,
  },
  'heat-plate': {
    folder: folder('heatPlate'),
    files: ['model.yaml', 'heatPlate.wgsl'],
    noise: 0.005,
    noiseUnit: 'K',
    truth: () => ({ conductivity: Array.from(hiddenConductivity()) }),
    inputs: (steps) => ({ heaters: heaterSeries(steps) }),
    measure: syntheticHeatPlateData,
    about: `Sixteen sensor temperatures (plate/sensor0…15, K) of a plate with a hidden conductivity per patch (row-major, 4×4), heated by ${HEATERS.length} heaters switching on and off (plate/heater0…3); the manifest starts the fit from a uniform conductivity of 1.`,
  },
} satisfies Record<string, ExampleModel>;

export type ExampleName = keyof typeof EXAMPLES;

export const isExampleName = (name: string): name is ExampleName => Object.hasOwn(EXAMPLES, name);
