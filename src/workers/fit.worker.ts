/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { FIT_PROTOCOL_VERSION, type FitOutcome, type FitWorkerApi } from './fitProtocol.ts';
import { runExampleFit } from './exampleFit.ts';
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

/** Runs one fit on the worker's device; a second at the same time, a lost device and errors become outcomes. */
async function exclusive<R>(
  fit: (device: GPUDevice, adapter: string, signal: AbortSignal) => Promise<FitOutcome<R>>,
): Promise<FitOutcome<R>> {
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
      return await fit(got.device, got.adapter, controller.signal);
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
}

const api: FitWorkerApi = {
  protocolVersion: () => FIT_PROTOCOL_VERSION,

  fitBridge: (request, onProgress) =>
    exclusive((device, adapter, signal) =>
      runBridgeFit(device, adapter, request, onProgress, signal),
    ),

  fitExample: (request, onProgress) =>
    exclusive((device, adapter, signal) =>
      runExampleFit(device, adapter, request, onProgress, signal),
    ),

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
