import { generateAdjoint, type AdjointKernel } from '../gpu/autodiff/adjoint.ts';
import { checkModule, type CheckedModule } from '../gpu/autodiff/checker.ts';
import { parseWgsl } from '../gpu/autodiff/parser.ts';
import { trussStepWgsl } from '../gpu/trussStep.wgsl.ts';
import { STATE_STRIDE, type PackedTruss } from '../twin/trussModel.ts';
import type { CheckpointSchedule } from './checkpointSchedule.ts';

export interface TrajectoryGradientInput {
  readonly truss: PackedTruss;
  readonly dt: number;
  /** Nodal forces (4 floats per node), held over every step. */
  readonly load: Float32Array;
  readonly initialState: Float32Array;
  /**
   * dL/d(state_t) for t = 1…T (STATE_STRIDE floats per node), or null where the loss does not
   * look at state t. A loss Σ_t dot(w, state_t) gives `() => w`.
   */
  readonly seeds: (step: number) => Float32Array | null;
  readonly schedule: CheckpointSchedule;
}

export interface TrajectoryGradient {
  /** dL/d(member table), MEMBER_STRIDE floats per member (stiffness at index 4). */
  readonly members: Float32Array;
  readonly load: Float32Array;
  readonly initialState: Float32Array;
  /** State buffers that existed at once on the GPU (checkpoints plus one segment). */
  readonly peakStateBuffers: number;
}

const WORKGROUP = 64;
const SEED_WGSL = /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> seed: array<f32>;
@group(0) @binding(1) var<storage, read> weights: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  if (gid.x < arrayLength(&seed)) { seed[gid.x] += weights[gid.x]; }
}`;

let generated: { checked: CheckedModule; adjoint: AdjointKernel } | null = null;
const pipelines = new WeakMap<
  GPUDevice,
  { forward: GPUComputePipeline; reverse: GPUComputePipeline; seedPipeline: GPUComputePipeline }
>();

/**
 * The step's adjoint is generated once and its pipelines compiled once per device: a fit calls
 * this every evaluation, and recompiling cost 0.6–1 s per call in Dawn, more in a browser.
 */
function trajectoryPipelines(device: GPUDevice) {
  if (generated === null) {
    const checked = checkModule(parseWgsl(trussStepWgsl, 'trussStep.wgsl'));
    generated = { checked, adjoint: generateAdjoint(checked, 'step', { mode: 'atomic' }) };
  }
  const { checked, adjoint } = generated;
  let compiled = pipelines.get(device);
  if (compiled === undefined) {
    const pipeline = (label: string, code: string, entryPoint: string) =>
      device.createComputePipeline({
        label,
        layout: 'auto',
        compute: { module: device.createShaderModule({ label, code }), entryPoint },
      });
    compiled = {
      forward: pipeline('truss step', trussStepWgsl, 'step'),
      reverse: pipeline('truss step adjoint', adjoint.source, adjoint.entry),
      seedPipeline: pipeline('loss seed', SEED_WGSL, 'main'),
    };
    pipelines.set(device, compiled);
  }
  return { checked, adjoint, ...compiled };
}

/**
 * The gradient of a loss over T truss steps on the GPU: forward steps store checkpoints, the
 * reverse pass recomputes each segment from its checkpoint and runs the generated adjoint of the
 * step backwards through it, carrying the state's adjoint from step to step and summing the
 * members' and loads' adjoints over all steps.
 */
export async function trussTrajectoryGradient(
  device: GPUDevice,
  input: TrajectoryGradientInput,
): Promise<TrajectoryGradient> {
  const { truss, schedule } = input;
  const { checked, adjoint, forward, reverse, seedPipeline } = trajectoryPipelines(device);
  const stateBytes = truss.nodeCount * STATE_STRIDE * 4;
  const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;
  const owned: GPUBuffer[] = [];
  const buffer = (
    label: string,
    size: number,
    usage = storage,
    data?: ArrayBufferView<ArrayBuffer>,
  ) => {
    const b = device.createBuffer({ label, size: Math.max(16, size), usage });
    if (data) device.queue.writeBuffer(b, 0, data);
    owned.push(b);
    return b;
  };

  const paramsData = new ArrayBuffer(16);
  new Float32Array(paramsData, 0, 2).set([input.dt, truss.massDamping]);
  new Uint32Array(paramsData, 8, 1)[0] = truss.nodeCount;
  const primal: Record<string, GPUBuffer> = {
    params: buffer(
      'params',
      16,
      GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      new Uint8Array(paramsData),
    ),
    members: buffer(
      'members',
      truss.members.byteLength,
      storage,
      truss.members as Float32Array<ArrayBuffer>,
    ),
    nodeInfo: buffer(
      'nodeInfo',
      truss.nodes.byteLength,
      storage,
      truss.nodes as Uint32Array<ArrayBuffer>,
    ),
    incidence: buffer(
      'incidence',
      truss.incidence.byteLength,
      storage,
      truss.incidence as Uint32Array<ArrayBuffer>,
    ),
    load: buffer('load', input.load.byteLength, storage, input.load as Float32Array<ArrayBuffer>),
  };
  // One buffer per distinct seed array (a loss with the same weights at every step needs one).
  const seedBuffers = new Map<Float32Array, GPUBuffer>();
  const seedBufferFor = (step: number): GPUBuffer | null => {
    const values = input.seeds(step);
    if (!values) return null;
    let b = seedBuffers.get(values);
    if (!b) {
      b = buffer(`loss seed ${step}`, stateBytes, storage, values as Float32Array<ArrayBuffer>);
      seedBuffers.set(values, b);
    }
    return b;
  };
  let stateBuffers = 0;
  const stateBuffer = (label: string) => {
    stateBuffers += 1;
    return buffer(label, stateBytes);
  };

  const groups = Math.ceil(truss.nodeCount / WORKGROUP);
  const slots = truss.nodeCount * STATE_STRIDE;

  const bindingOf = (name: string) => checked.bindings.find((b) => b.name === name)!.binding;
  const forwardGroup = (from: GPUBuffer, to: GPUBuffer) =>
    device.createBindGroup({
      layout: forward.getBindGroupLayout(0),
      entries: [
        ...Object.entries(primal).map(([name, b]) => ({
          binding: bindingOf(name),
          resource: { buffer: b },
        })),
        { binding: bindingOf('stateIn'), resource: { buffer: from } },
        { binding: bindingOf('stateOut'), resource: { buffer: to } },
      ],
    });
  const step = (encoder: GPUCommandEncoder, from: GPUBuffer, to: GPUBuffer) => {
    const pass = encoder.beginComputePass();
    pass.setPipeline(forward);
    pass.setBindGroup(0, forwardGroup(from, to));
    pass.dispatchWorkgroups(groups);
    pass.end();
  };

  // ---- forward: checkpoints at the start of each segment ---------------------------------
  const checkpoints: GPUBuffer[] = [];
  for (let k = 0; k < schedule.segments; k++) checkpoints.push(stateBuffer(`checkpoint ${k}`));
  device.queue.writeBuffer(checkpoints[0]!, 0, input.initialState as Float32Array<ArrayBuffer>);
  const segment: GPUBuffer[] = [];
  for (let i = 0; i < schedule.segmentLength; i++) segment.push(stateBuffer(`segment ${i}`));
  {
    const encoder = device.createCommandEncoder({ label: 'forward with checkpoints' });
    for (let k = 1; k < schedule.segments; k++) {
      // Advance one segment through the segment buffers, then keep its end as the next checkpoint.
      let from = checkpoints[k - 1]!;
      for (let i = 0; i < schedule.segmentLength; i++) {
        const to = i === schedule.segmentLength - 1 ? checkpoints[k]! : segment[i % 2]!;
        step(encoder, from, to);
        from = to;
      }
    }
    device.queue.submit([encoder.finish()]);
  }

  // ---- reverse: recompute each segment, then its adjoint steps backwards -----------------
  const gradient = (name: string, size: number) => buffer(`adj ${name}`, size);
  const adjMembers = gradient('members', truss.members.byteLength);
  const adjLoad = gradient('load', input.load.byteLength);
  let seed = gradient('state seed', stateBytes); // adjoint of the state after the current step
  let accumulate = gradient('state accumulate', stateBytes); // adjoint of the state before it
  const seedGroup = (target: GPUBuffer, weights: GPUBuffer) =>
    device.createBindGroup({
      layout: seedPipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: target } },
        { binding: 1, resource: { buffer: weights } },
      ],
    });
  const gradientBuffer = (of: string, role: 'input' | 'output') => {
    if (of === 'members') return adjMembers;
    if (of === 'load') return adjLoad;
    return role === 'output' ? 'seed' : 'accumulate';
  };
  const adjointGroups = (stateIn: GPUBuffer) => {
    const group0 = device.createBindGroup({
      layout: reverse.getBindGroupLayout(0),
      entries: checked.bindings
        .filter((b) => adjoint.primalBindings.includes(b.name))
        .map((b) => ({
          binding: b.binding,
          resource: { buffer: b.name === 'stateIn' ? stateIn : primal[b.name]! },
        })),
    });
    const group1 = device.createBindGroup({
      layout: reverse.getBindGroupLayout(1),
      entries: adjoint.gradients.map((g) => {
        const which = gradientBuffer(g.of, g.role);
        return {
          binding: g.binding,
          resource: {
            buffer: which === 'seed' ? seed : which === 'accumulate' ? accumulate : which,
          },
        };
      }),
    });
    return [group0, group1] as const;
  };

  for (let k = schedule.segments - 1; k >= 0; k--) {
    const t0 = k * schedule.segmentLength;
    const length = Math.min(schedule.segmentLength, schedule.steps - t0);
    const encoder = device.createCommandEncoder({ label: `segment ${k}` });
    // States t0 … t0+length−1 are the inputs of steps t0+1 … t0+length.
    const inputs: GPUBuffer[] = [checkpoints[k]!];
    for (let i = 1; i < length; i++) {
      step(encoder, inputs[i - 1]!, segment[i]!);
      inputs.push(segment[i]!);
    }
    for (let i = length - 1; i >= 0; i--) {
      // dL/d(state after this step) gains the loss's own term, then the step's adjoint carries it back.
      const lossSeed = seedBufferFor(t0 + i + 1);
      let pass: GPUComputePassEncoder;
      if (lossSeed) {
        pass = encoder.beginComputePass();
        pass.setPipeline(seedPipeline);
        pass.setBindGroup(0, seedGroup(seed, lossSeed));
        pass.dispatchWorkgroups(Math.ceil(slots / WORKGROUP));
        pass.end();
      }
      encoder.clearBuffer(accumulate);
      const [g0, g1] = adjointGroups(inputs[i]!);
      pass = encoder.beginComputePass();
      pass.setPipeline(reverse);
      pass.setBindGroup(0, g0);
      pass.setBindGroup(1, g1);
      pass.dispatchWorkgroups(groups);
      pass.end();
      [seed, accumulate] = [accumulate, seed];
    }
    device.queue.submit([encoder.finish()]);
  }

  const read = async (source: GPUBuffer, size: number) => {
    const staging = device.createBuffer({
      size,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    const encoder = device.createCommandEncoder();
    encoder.copyBufferToBuffer(source, 0, staging, 0, size);
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const out = new Float32Array(staging.getMappedRange().slice(0));
    staging.unmap();
    staging.destroy();
    return out;
  };
  const result: TrajectoryGradient = {
    members: await read(adjMembers, truss.members.byteLength),
    load: await read(adjLoad, input.load.byteLength),
    initialState: await read(seed, stateBytes),
    peakStateBuffers: stateBuffers,
  };
  owned.forEach((b) => b.destroy());
  return result;
}
