/**
 * One Dawn adapter and one GPUDevice for a benchmark that runs Twinbench and tfjs side by side.
 * Dawn lets an adapter create a single device ("adapter is consumed"), so both libraries share
 * it; it is requested with the limits and features tfjs's WebGPU backend asks for itself
 * (tfjs-backend-webgpu/dist/base.js) plus the storage-buffer count Twinbench's adjoint needs.
 */
export interface SharedDawnDevice {
  readonly gpu: GPU;
  readonly device: GPUDevice;
  readonly adapterInfo: GPUAdapterInfo;
  /** Vendor, architecture, device and description, as the other benches print it. */
  readonly adapter: string;
  /** SwiftShader (CPU Vulkan) rather than a GPU. */
  readonly software: boolean;
}

// Dawn's instance lives only while the object from `create()` is referenced (see
// src/gpu/testing/dawnDevice.ts): kept here for the life of the process.
let instance: GPU | undefined;

export async function requestSharedDawnDevice(): Promise<SharedDawnDevice> {
  const webgpu = await import('webgpu');
  Object.assign(globalThis, webgpu.globals);
  instance ??= webgpu.create([]);
  const adapter = await instance.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    throw new Error(
      'runtime bench: Dawn found no GPU adapter. Install a Vulkan driver, or Debian chromium (SwiftShader) and libvulkan1, and run through `npm run bench` (it sets VK_ICD_FILENAMES).',
    );
  }
  const limits = adapter.limits;
  const features = (['timestamp-query', 'bgra8unorm-storage'] as const).filter((f) =>
    adapter.features.has(f),
  );
  const device = await adapter.requestDevice({
    requiredFeatures: features,
    requiredLimits: {
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
      maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage,
    },
  });
  const info = adapter.info;
  const name =
    [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') ||
    'unknown adapter';
  return {
    gpu: instance,
    device,
    adapterInfo: info,
    adapter: name,
    software: /swiftshader/i.test(name),
  };
}
