/**
 * Counts what a GPUDevice is asked to do, for benchmarks: bytes of live buffers (and their peak),
 * compute dispatches, queue submits and writeBuffer calls. It wraps the device's own methods, so
 * every user of the device (Twinbench and tfjs alike) is measured the same way.
 *
 * Buffers are counted from createBuffer until destroy(); a buffer that is never destroyed stays
 * counted, which is what GPU memory does too.
 */
export interface GpuMeter {
  /** Bytes in buffers created and not yet destroyed. */
  readonly liveBytes: number;
  /** Highest `liveBytes` since the last `reset()`. */
  readonly peakBytes: number;
  readonly dispatches: number;
  readonly submits: number;
  readonly writeBuffers: number;
  /** Zeroes the counters and sets the peak to the bytes live now. */
  reset(): void;
}

export function meterDevice(device: GPUDevice): GpuMeter {
  const counts = { liveBytes: 0, peakBytes: 0, dispatches: 0, submits: 0, writeBuffers: 0 };
  const createBuffer = device.createBuffer.bind(device);
  device.createBuffer = (descriptor: GPUBufferDescriptor) => {
    const buffer = createBuffer(descriptor);
    const size = buffer.size;
    counts.liveBytes += size;
    counts.peakBytes = Math.max(counts.peakBytes, counts.liveBytes);
    const destroy = buffer.destroy.bind(buffer);
    let destroyed = false;
    buffer.destroy = () => {
      if (!destroyed) counts.liveBytes -= size;
      destroyed = true;
      destroy();
    };
    return buffer;
  };
  const createCommandEncoder = device.createCommandEncoder.bind(device);
  device.createCommandEncoder = (descriptor?: GPUCommandEncoderDescriptor) => {
    const encoder = createCommandEncoder(descriptor);
    const beginComputePass = encoder.beginComputePass.bind(encoder);
    encoder.beginComputePass = (passDescriptor?: GPUComputePassDescriptor) => {
      const pass = beginComputePass(passDescriptor);
      const dispatch = pass.dispatchWorkgroups.bind(pass);
      pass.dispatchWorkgroups = (x: number, y?: number, z?: number) => {
        counts.dispatches += 1;
        dispatch(x, y, z);
      };
      return pass;
    };
    return encoder;
  };
  const queue = device.queue;
  const submit = queue.submit.bind(queue);
  queue.submit = (buffers: Iterable<GPUCommandBuffer>) => {
    counts.submits += 1;
    submit(buffers);
  };
  const writeBuffer = queue.writeBuffer.bind(queue);
  queue.writeBuffer = (...args: Parameters<GPUQueue['writeBuffer']>) => {
    counts.writeBuffers += 1;
    writeBuffer(...args);
  };
  return {
    get liveBytes() {
      return counts.liveBytes;
    },
    get peakBytes() {
      return counts.peakBytes;
    },
    get dispatches() {
      return counts.dispatches;
    },
    get submits() {
      return counts.submits;
    },
    get writeBuffers() {
      return counts.writeBuffers;
    },
    reset() {
      counts.peakBytes = counts.liveBytes;
      counts.dispatches = 0;
      counts.submits = 0;
      counts.writeBuffers = 0;
    },
  };
}
