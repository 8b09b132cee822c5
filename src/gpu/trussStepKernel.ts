import { STATE_STRIDE, type PackedTruss } from '../twin/trussModel.ts';
import { trussStepWgsl as shaderSource } from './trussStep.wgsl.ts';

export const TRUSS_STEP_WGSL = shaderSource;
const WORKGROUP_SIZE = 64;

export interface TrussStepKernel {
  readonly nodeCount: number;
  /** Sets nodal forces (4 floats per node) used by the following steps. */
  writeLoad(load: Float32Array): void;
  /** Re-uploads the member table, e.g. after a stiffness change. */
  writeMembers(members: Float32Array): void;
  writeState(state: Float32Array): void;
  /** Records `count` steps into one compute pass and submits them. */
  step(count: number): void;
  /** Copies the current state back (STATE_STRIDE floats per node). */
  readState(): Promise<Float32Array>;
  /**
   * Steps `samples` × `stepsPerSample` times and returns the state after each group of
   * `stepsPerSample`, with one submit and one readback: a readback per sample costs a round trip
   * each, which in a browser can wait behind the page's rendering.
   */
  trace(stepsPerSample: number, samples: number): Promise<Float32Array[]>;
  /** Frees the kernel's buffers. The device stays with its owner. */
  destroy(): void;
}

function createBuffer(
  device: GPUDevice,
  label: string,
  data: Float32Array | Uint32Array | Uint8Array,
  usage: number,
): GPUBuffer {
  const buffer = device.createBuffer({
    label,
    size: Math.max(16, data.byteLength),
    usage: usage | GPUBufferUsage.COPY_DST,
  });
  device.queue.writeBuffer(buffer, 0, data);
  return buffer;
}

/**
 * The truss step as a WebGPU compute pipeline on an injected device, so the same code runs in the
 * browser's simulation worker and in Node through Dawn.
 *
 * @example
 * const kernel = createTrussStepKernel(device, truss, { dt: 1e-4 });
 * kernel.writeLoad(load);
 * kernel.step(40);
 * const state = await kernel.readState();
 */
/**
 * One compiled step pipeline per device: fits create a kernel per evaluation, and compiling the
 * WGSL each time costs more than the steps on a small truss (seconds in a browser on SwiftShader).
 */
const pipelines = new WeakMap<GPUDevice, GPUComputePipeline>();

function stepPipeline(device: GPUDevice): GPUComputePipeline {
  let pipeline = pipelines.get(device);
  if (pipeline === undefined) {
    const module = device.createShaderModule({ label: 'trussStep.wgsl', code: shaderSource });
    pipeline = device.createComputePipeline({
      label: 'truss step',
      layout: 'auto',
      compute: { module, entryPoint: 'step' },
    });
    pipelines.set(device, pipeline);
  }
  return pipeline;
}

export function createTrussStepKernel(
  device: GPUDevice,
  truss: PackedTruss,
  options: { dt: number },
): TrussStepKernel {
  const stateBytes = truss.nodeCount * STATE_STRIDE * 4;
  const params = new ArrayBuffer(16);
  new Float32Array(params, 0, 2).set([options.dt, truss.massDamping]);
  new Uint32Array(params, 8, 1)[0] = truss.nodeCount;
  const storage = GPUBufferUsage.STORAGE;
  const paramsBuffer = createBuffer(
    device,
    'truss params',
    new Uint8Array(params),
    GPUBufferUsage.UNIFORM,
  );
  const membersBuffer = createBuffer(device, 'truss members', truss.members, storage);
  const nodesBuffer = createBuffer(device, 'truss nodes', truss.nodes, storage);
  const incidenceBuffer = createBuffer(device, 'truss incidence', truss.incidence, storage);
  const loadBuffer = createBuffer(
    device,
    'truss load',
    new Float32Array(truss.nodeCount * 4),
    storage,
  );
  const states = [0, 1].map((i) =>
    device.createBuffer({
      label: `truss state ${i}`,
      size: stateBytes,
      usage: storage | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC,
    }),
  ) as [GPUBuffer, GPUBuffer];
  const readback = device.createBuffer({
    label: 'truss readback',
    size: stateBytes,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });

  const pipeline = stepPipeline(device);
  const bindGroups = [0, 1].map((from) =>
    device.createBindGroup({
      label: `truss step ${from}→${1 - from}`,
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        paramsBuffer,
        membersBuffer,
        nodesBuffer,
        incidenceBuffer,
        loadBuffer,
        states[from as 0 | 1],
        states[(1 - from) as 0 | 1],
      ].map((buffer, binding) => ({ binding, resource: { buffer } })),
    }),
  ) as [GPUBindGroup, GPUBindGroup];
  let current: 0 | 1 = 0;
  const workgroups = Math.ceil(truss.nodeCount / WORKGROUP_SIZE);

  return {
    nodeCount: truss.nodeCount,
    writeLoad(load) {
      device.queue.writeBuffer(loadBuffer, 0, load);
    },
    writeMembers(members) {
      device.queue.writeBuffer(membersBuffer, 0, members);
    },
    writeState(state) {
      device.queue.writeBuffer(states[current], 0, state);
    },
    step(count) {
      if (count <= 0) return;
      const encoder = device.createCommandEncoder({ label: 'truss steps' });
      const pass = encoder.beginComputePass({ label: 'truss steps' });
      pass.setPipeline(pipeline);
      for (let s = 0; s < count; s++) {
        pass.setBindGroup(0, bindGroups[current]);
        pass.dispatchWorkgroups(workgroups);
        current = current === 0 ? 1 : 0;
      }
      pass.end();
      device.queue.submit([encoder.finish()]);
    },
    async trace(stepsPerSample, samples) {
      if (samples <= 0) return [];
      const trace = device.createBuffer({
        label: 'truss state trace',
        size: samples * stateBytes,
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      });
      const encoder = device.createCommandEncoder({ label: 'truss trace' });
      for (let k = 0; k < samples; k++) {
        const pass = encoder.beginComputePass({ label: `truss steps to sample ${k}` });
        pass.setPipeline(pipeline);
        for (let s = 0; s < stepsPerSample; s++) {
          pass.setBindGroup(0, bindGroups[current]);
          pass.dispatchWorkgroups(workgroups);
          current = current === 0 ? 1 : 0;
        }
        pass.end();
        encoder.copyBufferToBuffer(states[current], 0, trace, k * stateBytes, stateBytes);
      }
      device.queue.submit([encoder.finish()]);
      try {
        await trace.mapAsync(GPUMapMode.READ);
        const all = trace.getMappedRange();
        const floats = stateBytes / 4;
        return Array.from(
          { length: samples },
          (_, k) => new Float32Array(all.slice(k * stateBytes, (k + 1) * stateBytes), 0, floats),
        );
      } finally {
        trace.destroy();
      }
    },
    async readState() {
      const encoder = device.createCommandEncoder({ label: 'truss readback' });
      encoder.copyBufferToBuffer(states[current], 0, readback, 0, stateBytes);
      device.queue.submit([encoder.finish()]);
      await readback.mapAsync(GPUMapMode.READ);
      const copy = new Float32Array(readback.getMappedRange().slice(0));
      readback.unmap();
      return copy;
    },
    destroy() {
      for (const buffer of [
        paramsBuffer,
        membersBuffer,
        nodesBuffer,
        incidenceBuffer,
        loadBuffer,
        ...states,
        readback,
      ])
        buffer.destroy();
    },
  };
}
