import { trussStepWgsl } from '../src/gpu/trussStep.wgsl.ts';
import { STATE_STRIDE, type PackedTruss } from '../src/twin/trussModel.ts';

/** A state slot the trace records: node and axis of a displacement (0 = x, 1 = y, 2 = z). */
export interface TraceSlot {
  readonly node: number;
  readonly axis: 0 | 1 | 2;
}

export interface SensorTraceInput {
  readonly truss: PackedTruss;
  readonly dt: number;
  readonly load: Float32Array;
  readonly initialState: Float32Array;
  readonly steps: number;
  readonly slots: readonly TraceSlot[];
}

// Compiled once per device, as a caller that runs the trace every iteration would keep it.
const pipelines = new WeakMap<GPUDevice, GPUComputePipeline>();

function stepPipeline(device: GPUDevice): GPUComputePipeline {
  let pipeline = pipelines.get(device);
  if (!pipeline) {
    pipeline = device.createComputePipeline({
      label: 'truss step (sensor trace)',
      layout: 'auto',
      compute: {
        module: device.createShaderModule({ label: 'trussStep.wgsl', code: trussStepWgsl }),
        entryPoint: 'step',
      },
    });
    pipelines.set(device, pipeline);
  }
  return pipeline;
}

/**
 * Runs the production truss step kernel `steps` times and returns the displacement at each slot
 * after every step (steps × slots floats, step-major): the forward pass a loss over the whole
 * trajectory needs before its gradient can be seeded. All steps and the slot copies go in one
 * command buffer with a single readback, where `TrussStepKernel.readState()` per step would wait
 * on the GPU `steps` times.
 */
export async function recordSensorTrace(
  device: GPUDevice,
  input: SensorTraceInput,
): Promise<Float32Array> {
  const { truss, steps, slots } = input;
  const stateBytes = truss.nodeCount * STATE_STRIDE * 4;
  const owned: GPUBuffer[] = [];
  const buffer = (size: number, usage: number, data?: ArrayBufferView<ArrayBuffer>) => {
    const b = device.createBuffer({ size: Math.max(16, size), usage });
    if (data) device.queue.writeBuffer(b, 0, data);
    owned.push(b);
    return b;
  };
  const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
  const params = new ArrayBuffer(16);
  new Float32Array(params, 0, 2).set([input.dt, truss.massDamping]);
  new Uint32Array(params, 8, 1)[0] = truss.nodeCount;
  const bound = [
    buffer(16, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, new Uint8Array(params)),
    buffer(truss.members.byteLength, storage, truss.members as Float32Array<ArrayBuffer>),
    buffer(truss.nodes.byteLength, storage, truss.nodes as Uint32Array<ArrayBuffer>),
    buffer(truss.incidence.byteLength, storage, truss.incidence as Uint32Array<ArrayBuffer>),
    buffer(input.load.byteLength, storage, input.load as Float32Array<ArrayBuffer>),
  ];
  const states = [
    buffer(
      stateBytes,
      storage | GPUBufferUsage.COPY_SRC,
      input.initialState as Float32Array<ArrayBuffer>,
    ),
    buffer(stateBytes, storage | GPUBufferUsage.COPY_SRC),
  ] as const;
  const traceBytes = steps * slots.length * 4;
  const trace = buffer(traceBytes, GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC);
  const readback = buffer(traceBytes, GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ);

  const pipeline = stepPipeline(device);
  const groups = [0, 1].map((from) =>
    device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [...bound, states[from]!, states[1 - from]!].map((b, binding) => ({
        binding,
        resource: { buffer: b },
      })),
    }),
  );
  const workgroups = Math.ceil(truss.nodeCount / 64);
  const encoder = device.createCommandEncoder({ label: 'sensor trace' });
  for (let t = 0; t < steps; t++) {
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, groups[t % 2]!);
    pass.dispatchWorkgroups(workgroups);
    pass.end();
    const after = states[(t + 1) % 2]!;
    slots.forEach((slot, s) => {
      const offset = (slot.node * STATE_STRIDE + slot.axis) * 4;
      encoder.copyBufferToBuffer(after, offset, trace, (t * slots.length + s) * 4, 4);
    });
  }
  encoder.copyBufferToBuffer(trace, 0, readback, 0, traceBytes);
  device.queue.submit([encoder.finish()]);
  await readback.mapAsync(GPUMapMode.READ);
  const values = new Float32Array(readback.getMappedRange(0, traceBytes).slice(0));
  readback.unmap();
  owned.forEach((b) => b.destroy());
  return values;
}
