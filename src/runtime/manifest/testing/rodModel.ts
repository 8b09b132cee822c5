import type { ReadManifestFile } from '../manifestFiles.ts';

/** A small valid manifest (a heated rod) that the manifest tests load and break on purpose. */
export const rodManifest = `# yaml-language-server: $schema=../../../public/schemas/model-manifest.schema.json
version: 1
name: heat rod
description: A 1-D rod heated at one end.
dt: 0.1
steps: 100
kernels:
  - name: heat
    file: heat.wgsl
buffers:
  - name: temperature
    role: state
    length: 8
    initial: {fill: 20}
  - name: flux
    role: scratch
    length: 8
  - name: conductivity
    role: parameter
    length: 8
    initial: [1, 1, 1, 1, 1, 1, 1, 1]
  - name: heater
    role: input
    length: 2
  - name: neighbours
    role: constant
    type: u32
    length: 8
    initial: {file: data/neighbours.json}
parameters:
  - name: k
    buffer: conductivity
    count: 8
    lower: 0.1
    upper: 10
    unit: W/(m·K)
inputs:
  - buffer: heater
    column: 0
    channel: heater.power
  - buffer: heater
    column: 1
    channel: ambient
    interpolation: hold
schedule:
  - kernel: heat
    entry: fluxes
    workgroups: 1
    bindings:
      t: {buffer: temperature, phase: current}
      k: conductivity
      flux: flux
      nb: neighbours
  - kernel: heat
    entry: update
    workgroups: [1]
    clock: clock
    bindings:
      t: {buffer: temperature, phase: current}
      t_next: {buffer: temperature, phase: next}
      flux: flux
      heater: heater
observables:
  - name: tip
    buffer: temperature
    index: 7
    channel: rod.tip
  - name: middle
    buffer: temperature
    index: 4
    channel: rod.middle
    scale: 1.8
loss:
  every: 10
  window: {start: 0, end: 100}
  weights: {tip: 2}
  regularisation:
    - {kind: smoothness, parameter: k, weight: 0.01, shape: [8]}
    - {kind: l2, parameter: k, weight: 0.001, towards: 1}
`;

export const rodKernel = `struct Clock { step: u32, time: f32, dt: f32 }
@group(0) @binding(0) var<uniform> clock: Clock;
@group(0) @binding(1) var<storage, read> t: array<f32>;
@group(0) @binding(2) var<storage, read> k: array<f32>;
@group(0) @binding(3) var<storage, read_write> flux: array<f32>;
@group(0) @binding(4) var<storage, read> nb: array<u32>;
@group(0) @binding(5) var<storage, read_write> t_next: array<f32>;
@group(0) @binding(6) var<storage, read> heater: array<f32>;

// fn commented(): not an entry point
@compute @workgroup_size(8)
fn fluxes(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  flux[i] = k[i] * (t[nb[i]] - t[i]);
}

@compute @workgroup_size(8)
fn update(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  var q = flux[i];
  if (i == 0u) { q += heater[0]; }
  t_next[i] = t[i] + clock.dt * (q + 0.01 * (heater[1] - t[i]));
}
`;

export const rodFiles: Readonly<Record<string, string>> = {
  'heat.wgsl': rodKernel,
  'data/neighbours.json': '[1, 2, 3, 4, 5, 6, 7, 7]',
};

/** A readFile over an in-memory folder, rejecting like fs does for a missing file. */
export function readFrom(files: Readonly<Record<string, string>>): ReadManifestFile {
  return (path) => {
    const text = files[path];
    if (text === undefined)
      return Promise.reject(new Error(`ENOENT: no such file, open '${path}'`));
    return text;
  };
}
