import type { ModelSpec } from '../../runtime/modelSpec.ts';

export const PID_PLANT_DESCRIPTION =
  'A mass–spring–damper (1 kg, 4 N/m, 0.4 N·s/m) positioned by a PID controller following a set-point. Fitting the gains to a recorded response finds the controller a plant was run with; fitting them to a desired response tunes it.';

/** Gains the fit starts from: a timid controller. */
export const START_GAINS = { kp: 5, ki: 1, kd: 0.5 } as const;

/**
 * The PID-controlled plant as a ModelSpec: the plant's state (position, velocity, integral of
 * the error, previous error) is the state, the gains the parameters, the set-point the input
 * and the position the observable, every 5 steps (20 Hz).
 */
export function pidPlantSpec(source: string): ModelSpec {
  return {
    name: 'pid plant',
    description: PID_PLANT_DESCRIPTION,
    dt: 0.01,
    steps: 600,
    kernels: [{ name: 'pidPlant', file: 'pidPlant.wgsl', source }],
    buffers: [
      { name: 'plant', role: 'state', type: 'f32', length: 4, initial: { fill: 0 } },
      {
        name: 'gains',
        role: 'parameter',
        type: 'f32',
        length: 3,
        initial: [START_GAINS.kp, START_GAINS.ki, START_GAINS.kd],
      },
      { name: 'setpoint', role: 'input', type: 'f32', length: 1, initial: { fill: 0 } },
      { name: 'dynamics', role: 'constant', type: 'f32', length: 3, initial: [1, 4, 0.4] },
    ],
    parameters: [
      { name: 'kp', buffer: 'gains', offset: 0, count: 1, lower: 0.5, upper: 100, unit: 'N/m' },
      { name: 'ki', buffer: 'gains', offset: 1, count: 1, lower: 0, upper: 50, unit: 'N/(m·s)' },
      { name: 'kd', buffer: 'gains', offset: 2, count: 1, lower: 0, upper: 20, unit: 'N·s/m' },
    ],
    inputs: [{ buffer: 'setpoint', column: 0, channel: 'axis/setpoint', interpolation: 'hold' }],
    schedule: [
      {
        kernel: 'pidPlant',
        entry: 'step',
        workgroups: [1, 1, 1],
        clock: 'clock',
        bindings: {
          stateIn: { buffer: 'plant', phase: 'current' },
          stateOut: { buffer: 'plant', phase: 'next' },
          gains: { buffer: 'gains' },
          setpoint: { buffer: 'setpoint' },
          plant: { buffer: 'dynamics' },
        },
      },
    ],
    observables: [
      { name: 'position', buffer: 'plant', index: 0, channel: 'axis/position', scale: 1000 },
    ],
    loss: { kind: 'weighted_squared_error', every: 5, regularisation: [] },
  };
}
