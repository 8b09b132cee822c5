/**
 * The sandbox worker's API on an injected device request: one test run at a time on a device of
 * the worker's own, requested on the first run and again after a loss, destroyed by `dispose`.
 * Plain TypeScript, so Node tests drive it through a MessageChannel with a Dawn device; the
 * worker file only adds `requestWorkerDevice` and comlink.
 */
import {
  SANDBOX_PROTOCOL_VERSION,
  type SandboxRunOutcome,
  type SandboxWorkerApi,
} from '../workers/sandboxProtocol.ts';
import { holdDevice, type WorkerDeviceRequest } from '../workers/heldDevice.ts';
import { runModelTests } from './modelTests.ts';

export type SandboxDeviceRequest = WorkerDeviceRequest;

export function createSandboxService(requestDevice: SandboxDeviceRequest): SandboxWorkerApi {
  const device = holdDevice(requestDevice);
  let running: AbortController | null = null;

  return {
    protocolVersion: () => SANDBOX_PROTOCOL_VERSION,

    async runTests(request, onProgress): Promise<SandboxRunOutcome> {
      if (running)
        return {
          status: 'failed',
          reason: 'busy',
          message:
            'a test run is already in progress in this worker; cancel it or wait for it to end',
          cases: [],
        };
      const controller = new AbortController();
      running = controller;
      try {
        const got = await device.get();
        if ('reason' in got)
          return { status: 'failed', reason: 'no_webgpu', message: got.reason, cases: [] };
        try {
          return await runModelTests(got.device, got.adapter, request, {
            signal: controller.signal,
            onProgress,
          });
        } catch (error) {
          const lost = await device.lostSoon(got);
          if (lost !== null)
            return {
              status: 'failed',
              reason: 'device_lost',
              message: `the GPU device was lost (${lost}); run the tests again for a new device`,
              cases: [],
            };
          throw error;
        }
      } catch (error) {
        return {
          status: 'failed',
          reason: 'error',
          message: error instanceof Error ? error.message : String(error),
          cases: [],
        };
      } finally {
        running = null;
      }
    },

    cancel() {
      running?.abort();
    },

    dispose() {
      running?.abort();
      device.destroy();
    },
  };
}
