import type { TestContext } from 'vitest';
import { requestDawnDevice } from './dawnDevice.ts';

/**
 * Runs `body` with a fresh Dawn device, destroyed afterwards. Without a GPU adapter the test is
 * skipped with a loud message — and when TWINBENCH_REQUIRE_ALL=1 (CI) a missing GPU fails instead.
 *
 * The device is requested inside the test body: requesting it in a `beforeAll` or at import
 * crashed the Vitest fork on this Dawn build.
 */
export async function withGpu(
  ctx: TestContext,
  body: (device: GPUDevice, adapter: string) => Promise<void>,
): Promise<void> {
  const gpu = await requestDawnDevice();
  if (!gpu.ok) {
    const message = `GPU test "${ctx.task.name}" cannot run: ${gpu.reason}`;
    if (process.env.TWINBENCH_REQUIRE_ALL === '1') {
      throw new Error(`${message} (TWINBENCH_REQUIRE_ALL=1 forbids skipping)`);
    }
    console.warn(`\n*** SKIPPING ${message} ***\n`);
    ctx.skip(gpu.reason);
    return;
  }
  try {
    await body(gpu.device, gpu.adapter);
  } finally {
    gpu.device.destroy();
  }
}
