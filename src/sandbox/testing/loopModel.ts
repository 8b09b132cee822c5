import { parseManifestWithTests } from '../../runtime/manifest/parseManifest.ts';

/**
 * A small model whose kernel loops, for sandbox tests: 64 values relaxed towards 1 by `sweeps`
 * sweeps of rate `rate` a step, so after n steps each is 1 − (1 − rate)^(sweeps · n). `loop` is
 * the header of the kernel's loop (on line 10), so a test can make it run away.
 */
export function loopKernel(loop = 'for (var k = 0u; k < sweeps[0]; k++)'): string {
  return `@group(0) @binding(0) var<storage, read> xIn: array<f32>;
@group(0) @binding(1) var<storage, read_write> xOut: array<f32>;
@group(0) @binding(2) var<storage, read> rate: array<f32>;
@group(0) @binding(3) var<storage, read> sweeps: array<u32>;
@compute @workgroup_size(64)
fn relax(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= arrayLength(&xIn)) { return; }
  var v = xIn[i];
  ${loop} {
    v = v + rate[0] * (1.0 - v);
  }
  xOut[i] = v;
}
`;
}

export const loopManifest = `version: 1
name: relaxation
dt: 1
steps: 20
kernels:
  - { name: relax, file: relax.wgsl }
buffers:
  - { name: x, role: state, length: 64 }
  - { name: rate, role: parameter, length: 1, initial: [0.1] }
  - { name: sweeps, role: constant, type: u32, length: 1, initial: [3] }
parameters:
  - { name: rate, buffer: rate, lower: 0, upper: 0.5 }
schedule:
  - kernel: relax
    entry: relax
    workgroups: 1
    bindings:
      xIn: { buffer: x, phase: current }
      xOut: { buffer: x, phase: next }
      rate: rate
      sweeps: sweeps
observables:
  - { name: x0, buffer: x, index: 0, channel: x0 }
tests:
  - name: relaxes towards 1
    expect:
      - { value: x0, equals: 0.9982030, relative: 1e-5 }
    invariants:
      - { value: max(x) - min(x), max: 0 }
      - { value: x0, min: 0, max: 1 }
  - name: the rate's gradient
    steps: 5
    gradients:
      - { parameter: rate, relative: 0.01, target: { x0: 2 } }
`;

/** The loop model with the kernel's loop header `loop`. */
export function loadLoopModel(loop?: string) {
  const files: Record<string, string> = { 'relax.wgsl': loopKernel(loop) };
  return parseManifestWithTests(loopManifest, 'relax.yaml', (path) => {
    const text = files[path];
    if (text === undefined) throw new Error(`no file ${path}`);
    return text;
  });
}
