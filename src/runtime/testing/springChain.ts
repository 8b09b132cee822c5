import type { ModelSpec } from '../modelSpec.ts';

/**
 * A small model for runtime tests that uses every feature of a ModelSpec: two kernels, three
 * dispatches, a scratch buffer, a state read as `next` (so the reverse pass replays steps), a
 * `+=` accumulation, a field and a scalar parameter, an input series, a u32 constant and the
 * clock. Eight masses on springs, one of them driven; `energy` is their kinetic energy.
 */
export const FORCES_WGSL = /* wgsl */ `
struct Clock { step: u32, time: f32, dt: f32 }
@group(0) @binding(0) var<uniform> clock: Clock;
@group(0) @binding(1) var<storage, read> pos: array<f32>;
@group(0) @binding(2) var<storage, read> stiffness: array<f32>;
@group(0) @binding(3) var<storage, read_write> force: array<f32>;
@group(0) @binding(4) var<storage, read> drive: array<f32>;
@group(0) @binding(5) var<storage, read> driven: array<u32>;

@compute @workgroup_size(8)
fn forces(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= 8u) { return; }
  var f = 0.0;
  if (i > 0u) { f -= stiffness[i - 1u] * (pos[i] - pos[i - 1u]); }
  if (i < 7u) { f += stiffness[i] * (pos[i + 1u] - pos[i]); }
  f += f32(driven[i]) * drive[0] * (1.0 + 0.5 * sin(3.0 * clock.time));
  force[i] = f;
}
`;

export const INTEGRATE_WGSL = /* wgsl */ `
struct Clock { step: u32, time: f32, dt: f32 }
@group(0) @binding(0) var<uniform> clock: Clock;
@group(0) @binding(1) var<storage, read> force: array<f32>;
@group(0) @binding(2) var<storage, read> posIn: array<f32>;
@group(0) @binding(3) var<storage, read> velIn: array<f32>;
@group(0) @binding(4) var<storage, read_write> posOut: array<f32>;
@group(0) @binding(5) var<storage, read_write> velOut: array<f32>;
@group(0) @binding(6) var<storage, read> damping: array<f32>;
@group(1) @binding(0) var<storage, read> velNew: array<f32>;
@group(1) @binding(1) var<storage, read_write> kinetic: array<f32>;

@compute @workgroup_size(8)
fn integrate(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= 8u) { return; }
  let v = velIn[i] + clock.dt * (force[i] - damping[0] * velIn[i]);
  velOut[i] = v;
  posOut[i] = posIn[i] + clock.dt * v;
}

@compute @workgroup_size(8)
fn energy(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= 8u) { return; }
  kinetic[0] += 0.5 * velNew[i] * velNew[i];
}
`;

export function springChainSpec(overrides: Partial<ModelSpec> = {}): ModelSpec {
  return {
    name: 'spring chain',
    dt: 0.05,
    steps: 60,
    kernels: [
      { name: 'forces', file: 'forces.wgsl', source: FORCES_WGSL },
      { name: 'integrate', file: 'integrate.wgsl', source: INTEGRATE_WGSL },
    ],
    buffers: [
      {
        name: 'pos',
        role: 'state',
        type: 'f32',
        length: 8,
        initial: [0.1, -0.2, 0.05, 0.3, -0.1, 0, 0.2, -0.05],
      },
      { name: 'vel', role: 'state', type: 'f32', length: 8 },
      { name: 'energy', role: 'state', type: 'f32', length: 1 },
      { name: 'stiffness', role: 'parameter', type: 'f32', length: 7, initial: { fill: 4 } },
      { name: 'damping', role: 'parameter', type: 'f32', length: 1, initial: [0.3] },
      { name: 'force', role: 'scratch', type: 'f32', length: 8 },
      { name: 'drive', role: 'input', type: 'f32', length: 1 },
      {
        name: 'driven',
        role: 'constant',
        type: 'u32',
        length: 8,
        initial: [0, 0, 1, 0, 0, 0, 0, 0],
      },
    ],
    parameters: [
      { name: 'stiffness', buffer: 'stiffness', offset: 0, count: 7, lower: 0.5, upper: 10 },
      { name: 'damping', buffer: 'damping', offset: 0, count: 1, lower: 0, upper: 2 },
    ],
    inputs: [{ buffer: 'drive', column: 0, channel: 'drive', interpolation: 'hold' }],
    schedule: [
      {
        kernel: 'forces',
        entry: 'forces',
        workgroups: [1, 1, 1],
        clock: 'clock',
        bindings: {
          pos: { buffer: 'pos', phase: 'current' },
          stiffness: { buffer: 'stiffness' },
          force: { buffer: 'force' },
          drive: { buffer: 'drive' },
          driven: { buffer: 'driven' },
        },
      },
      {
        kernel: 'integrate',
        entry: 'integrate',
        workgroups: [1, 1, 1],
        clock: 'clock',
        bindings: {
          force: { buffer: 'force' },
          posIn: { buffer: 'pos', phase: 'current' },
          velIn: { buffer: 'vel', phase: 'current' },
          posOut: { buffer: 'pos', phase: 'next' },
          velOut: { buffer: 'vel', phase: 'next' },
          damping: { buffer: 'damping' },
        },
      },
      {
        kernel: 'integrate',
        entry: 'energy',
        workgroups: [1, 1, 1],
        bindings: {
          velNew: { buffer: 'vel', phase: 'next' },
          kinetic: { buffer: 'energy', phase: 'next' },
        },
      },
    ],
    observables: [
      { name: 'x3', buffer: 'pos', index: 3, channel: 'x3' },
      { name: 'x6', buffer: 'pos', index: 6, channel: 'x6', scale: 10 },
      { name: 'energy', buffer: 'energy', index: 0, channel: 'energy' },
    ],
    loss: {
      kind: 'weighted_squared_error',
      every: 3,
      weights: { energy: 2 },
      regularisation: [
        { kind: 'smoothness', parameter: 'stiffness', weight: 0.01, shape: [7] },
        { kind: 'l2', parameter: 'damping', weight: 0.1, towards: 0.3 },
      ],
    },
    ...overrides,
  };
}
