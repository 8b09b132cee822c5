/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { FIT_PROTOCOL_VERSION, type FitWorkerApi } from './fitProtocol.ts';
import { runBridgeFit } from './fitService.ts';
import { requestWorkerDevice } from './requestWorkerDevice.ts';

let held: { device: GPUDevice; adapter: string } | null = null;
let lostMessage: string | null = null;
let running: AbortController | null = null;

/** The worker's device, requested on first use and again after a loss. */
async function device(): Promise<{ device: GPUDevice; adapter: string } | { reason: string }> {
  if (held) return held;
  const got = await requestWorkerDevice();
  if ('reason' in got) return got;
  const current = got;
  held = current;
  void current.device.lost.then((info) => {
    if (held === current) held = null;
    if (info.reason !== 'destroyed') lostMessage = info.message || 'unknown reason';
  });
  return current;
}

const api: FitWorkerApi = {
  protocolVersion: () => FIT_PROTOCOL_VERSION,

  async fitBridge(request, onProgress) {
    if (running)
      return {
        status: 'failed',
        reason: 'bad_request',
        message: 'a fit is already running; cancel it or wait for it to end',
      };
    const controller = new AbortController();
    running = controller;
    try {
      const got = await device();
      if ('reason' in got) return { status: 'failed', reason: 'no_webgpu', message: got.reason };
      lostMessage = null;
      try {
        return await runBridgeFit(got.device, got.adapter, request, onProgress, controller.signal);
      } catch (error) {
        if (lostMessage !== null || held === null) {
          return {
            status: 'failed',
            reason: 'device_lost',
            message: `the GPU device was lost (${lostMessage ?? 'unknown reason'}); run the fit again to continue on a new device`,
          };
        }
        throw error;
      }
    } catch (error) {
      return { status: 'failed', reason: 'error', message: String(error) };
    } finally {
      running = null;
    }
  },

  cancel() {
    running?.abort();
  },

  dispose() {
    running?.abort();
    held?.device.destroy();
    held = null;
  },
};

Comlink.expose(api);
