import './nodeRequire.ts';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import * as tf from '@tensorflow/tfjs-core';
import type { SharedDawnDevice } from './sharedDawnDevice.ts';

/**
 * Makes tfjs's WebGPU backend run on a GPUDevice we own (Dawn in Node), so tfjs and Twinbench
 * share one adapter and one device. Calling it again replaces the backend with a fresh one,
 * which releases the previous one's pooled buffers (tfjs keeps every buffer it ever allocated
 * until its backend is disposed) — how the bench gives each model size a clean memory figure.
 *
 * tfjs-backend-webgpu registers itself only when `navigator.gpu` exists when it is imported
 * (never in Node), and its constructor checks `navigator.gpu` again, so we provide it from Dawn
 * and register the backend with our device.
 */
export async function startTfjsOnDawn(shared: SharedDawnDevice): Promise<void> {
  provideNavigatorGpu(shared.gpu);
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => new WebGPUBackend(shared.device, shared.adapterInfo));
  if (!(await tf.setBackend('webgpu'))) {
    throw new Error('runtime bench: tfjs could not start its WebGPU backend on the Dawn device');
  }
}

function provideNavigatorGpu(gpu: GPU): void {
  const global = globalThis as { navigator?: { gpu?: GPU } };
  if (global.navigator?.gpu) return;
  // Node ≥ 21 has a read-only `navigator` without `gpu`; Node 20 has none.
  if (global.navigator) Object.defineProperty(global.navigator, 'gpu', { value: gpu });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
}
