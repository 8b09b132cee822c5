import type { ModelSpec, ObservableSpec } from '../../runtime/modelSpec.ts';

/** Cells per side, cells per patch side and patches per side (as in heatPlate.wgsl). */
export const PLATE_CELLS = 16;
export const PATCH_CELLS = 4;
export const PATCHES = PLATE_CELLS / PATCH_CELLS;

/** Heaters: the 2×2-cell block each covers, by its lower-left cell [x, y]. */
export const HEATERS: readonly (readonly [number, number])[] = [
  [2, 2],
  [12, 3],
  [3, 11],
  [9, 9],
];

/** A temperature sensor near the centre of every patch, so each patch is seen up close. */
export const SENSORS: readonly (readonly [number, number])[] = Array.from(
  { length: PATCHES * PATCHES },
  (_, p) => [(p % PATCHES) * PATCH_CELLS + 1 + (p % 2), Math.floor(p / PATCHES) * PATCH_CELLS + 2],
);

export const HEAT_PLATE_DESCRIPTION =
  'A 16×16 plate heated by four heaters and cooled by its surroundings; sixteen sensors read temperatures. The fit recovers the conductivity of each 4×4-cell patch from the temperatures.';

/** Per cell: heater number + 1, or 0 (the kernel's heaterOf table). */
export function heaterMap(): number[] {
  const map = new Array<number>(PLATE_CELLS * PLATE_CELLS).fill(0);
  HEATERS.forEach(([x0, y0], h) => {
    for (let dy = 0; dy < 2; dy++)
      for (let dx = 0; dx < 2; dx++) map[(y0 + dy) * PLATE_CELLS + x0 + dx] = h + 1;
  });
  return map;
}

/**
 * The heat plate as a ModelSpec: temperatures are the state, conductivity per patch the fitted
 * parameter (bounded, smoothed), heater powers the inputs and the sensors the observables.
 * `source` is heatPlate.wgsl (see heatPlateSource.ts).
 */
export function heatPlateSpec(source: string): ModelSpec {
  const cells = PLATE_CELLS * PLATE_CELLS;
  const observables: ObservableSpec[] = SENSORS.map(([x, y], s) => ({
    name: `T${s}`,
    buffer: 'temperature',
    index: y * PLATE_CELLS + x,
    channel: `plate/sensor${s}`,
  }));
  return {
    name: 'heat plate',
    description: HEAT_PLATE_DESCRIPTION,
    dt: 0.5,
    steps: 300,
    kernels: [{ name: 'heatPlate', file: 'heatPlate.wgsl', source }],
    buffers: [
      { name: 'temperature', role: 'state', type: 'f32', length: cells, initial: { fill: 0 } },
      {
        name: 'conductivity',
        role: 'parameter',
        type: 'f32',
        length: PATCHES * PATCHES,
        initial: { fill: 1 },
      },
      { name: 'heaters', role: 'input', type: 'f32', length: HEATERS.length, initial: { fill: 0 } },
      { name: 'heaterOf', role: 'constant', type: 'u32', length: cells, initial: heaterMap() },
      // rate, cooling, ambient, gain: rate · 4 · max conductivity + cooling < 1 keeps it stable.
      { name: 'plate', role: 'constant', type: 'f32', length: 4, initial: [0.1, 0.01, 0, 0.1] },
    ],
    parameters: [
      {
        name: 'conductivity',
        buffer: 'conductivity',
        offset: 0,
        count: PATCHES * PATCHES,
        lower: 0.1,
        upper: 2,
        initial: 1,
        unit: 'W/(m·K)',
      },
    ],
    inputs: HEATERS.map((_, h) => ({
      buffer: 'heaters',
      column: h,
      channel: `plate/heater${h}`,
      interpolation: 'hold' as const,
    })),
    schedule: [
      {
        kernel: 'heatPlate',
        entry: 'step',
        workgroups: [PLATE_CELLS / 8, PLATE_CELLS / 8, 1],
        bindings: {
          tempIn: { buffer: 'temperature', phase: 'current' },
          tempOut: { buffer: 'temperature', phase: 'next' },
          conductivity: { buffer: 'conductivity' },
          heaters: { buffer: 'heaters' },
          heaterOf: { buffer: 'heaterOf' },
          plate: { buffer: 'plate' },
        },
      },
    ],
    observables,
    loss: {
      kind: 'weighted_squared_error',
      every: 10,
      regularisation: [
        { kind: 'smoothness', parameter: 'conductivity', weight: 1e-3, shape: [PATCHES, PATCHES] },
      ],
    },
  };
}
