/**
 * A GPUDevice in Node through Dawn (the `webgpu` package), for kernel tests and headless runs.
 * On a machine without a GPU it runs on SwiftShader (see scripts/gpuEnv.mjs).
 */
export type DawnDevice =
  | { readonly ok: true; readonly device: GPUDevice; readonly adapter: string }
  | { readonly ok: false; readonly reason: string };

// Dawn's instance lives only while the object from `create()` is referenced: once it is
// garbage-collected, pending maps never resolve or the process aborts. One per process, kept
// here; `releaseDawn()` drops it so Node can exit.
let instance: GPU | undefined;

export function releaseDawn(): void {
  instance = undefined;
}

export async function requestDawnDevice(): Promise<DawnDevice> {
  const webgpu = await import('webgpu').catch((error: unknown) => new Error(String(error)));
  if (webgpu instanceof Error) {
    return { ok: false, reason: `the webgpu package did not load (${webgpu.message}); run npm ci` };
  }
  Object.assign(globalThis, webgpu.globals);
  instance ??= webgpu.create([]);
  const gpu = instance;
  const adapter = await gpu.requestAdapter();
  if (!adapter) {
    return {
      ok: false,
      reason:
        'Dawn found no GPU adapter: install a Vulkan driver, or Debian chromium (SwiftShader) and libvulkan1, and set VK_ICD_FILENAMES',
    };
  }
  // Adjoint kernels bind a gradient buffer per input and output: ask for all the storage
  // buffers the adapter offers rather than the default 8.
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBuffersPerShaderStage: adapter.limits.maxStorageBuffersPerShaderStage,
    },
  });
  const info = adapter.info;
  const adapterName =
    [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') ||
    'unknown adapter';
  return { ok: true, device, adapter: adapterName };
}
