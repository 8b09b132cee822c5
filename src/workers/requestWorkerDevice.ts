/// <reference lib="webworker" />
/**
 * A WebGPU device for a worker, with every storage-buffer binding the adapter offers (adjoint
 * kernels bind one gradient buffer per input and output), or the reason there is none, worded
 * for the user. The caller owns the device and destroys it.
 */
export async function requestWorkerDevice(): Promise<
  { device: GPUDevice; adapter: string } | { reason: string }
> {
  const gpu = (self.navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu)
    return {
      reason:
        'this browser has no WebGPU in workers (navigator.gpu is missing); use a current Chrome or Edge, or enable WebGPU',
    };
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter();
  } catch (error) {
    return { reason: `requestAdapter failed: ${String(error)}` };
  }
  if (!adapter)
    return {
      reason: 'WebGPU is present but no GPU adapter is available (blocklisted driver or no GPU)',
    };
  const info = adapter.info;
  const name =
    [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') ||
    'unnamed adapter';
  try {
    // Adjoint kernels bind one gradient buffer per input and output: take all the adapter offers.
    const device = await adapter.requestDevice({
      requiredLimits: {
        maxStorageBuffersPerShaderStage: adapter.limits.maxStorageBuffersPerShaderStage,
      },
    });
    return { device, adapter: name };
  } catch (error) {
    return { reason: `requestDevice failed on ${name}: ${String(error)}` };
  }
}
