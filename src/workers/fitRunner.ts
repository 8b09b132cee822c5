/**
 * The fit worker's device and its one-fit-at-a-time rule, apart from comlink so it can be tested
 * with a fake device: requests the GPUDevice on first use and again after a loss, and turns a
 * loss in the middle of a fit into a `device_lost` outcome the page can resume from.
 */
import type { FitOutcome, FitProgress, FitResumePoint } from './fitProtocol.ts';
import { holdDevice, type WorkerDeviceRequest } from './heldDevice.ts';

export type DeviceRequest = WorkerDeviceRequest;

export type FitTask<R> = (
  device: GPUDevice,
  adapter: string,
  signal: AbortSignal,
  onProgress: (progress: FitProgress) => void,
) => Promise<FitOutcome<R>>;

export interface FitRunner {
  /**
   * Runs one fit on the worker's device; a second at the same time is refused. Progress goes to
   * `onProgress`; a lost device's outcome carries the last reported resume point (progress
   * messages may still be in flight when the outcome reaches the page).
   */
  run<R>(onProgress: (progress: FitProgress) => void, fit: FitTask<R>): Promise<FitOutcome<R>>;
  /** Stops the running fit at its next evaluation. */
  cancel(): void;
  dispose(): void;
}

export function createFitRunner(requestDevice: DeviceRequest): FitRunner {
  const device = holdDevice(requestDevice);
  let running: AbortController | null = null;

  return {
    async run(onProgress, fit) {
      if (running)
        return {
          status: 'failed',
          reason: 'bad_request',
          message: 'a fit is already running; cancel it or wait for it to end',
        };
      const controller = new AbortController();
      running = controller;
      try {
        const got = await device.get();
        if ('reason' in got) return { status: 'failed', reason: 'no_webgpu', message: got.reason };
        let resumeFrom: FitResumePoint | undefined;
        const report = (progress: FitProgress) => {
          resumeFrom = progress.resume;
          onProgress(progress);
        };
        try {
          return await fit(got.device, got.adapter, controller.signal, report);
        } catch (error) {
          // Work on a lost device fails, sometimes before `lost` resolves: give it a moment.
          const lost = await device.lostSoon(got);
          if (lost !== null)
            return {
              status: 'failed',
              reason: 'device_lost',
              message: `the GPU device was lost (${lost}); resume to continue from the last iteration on a new device`,
              ...(resumeFrom ? { resumeFrom } : {}),
            };
          throw error;
        }
      } catch (error) {
        return {
          status: 'failed',
          reason: 'error',
          message: error instanceof Error ? error.message : String(error),
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
