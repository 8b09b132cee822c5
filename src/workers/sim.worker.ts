/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { checkTrussKernel } from '../gpu/kernelSelfCheck.ts';
import { createCpuBackend } from '../sim/cpuBackend.ts';
import { createGpuBackend } from '../sim/gpuBackend.ts';
import { ShadowRunner, footbridgeShadowModel } from '../sim/shadow/shadowRunner.ts';
import { ShadowService, shadowTransferables } from '../sim/shadow/shadowService.ts';
import type { SimBackend } from '../sim/simBackend.ts';
import { requestWorkerDevice } from './requestWorkerDevice.ts';
import {
  SIM_PROTOCOL_VERSION,
  type ModelDamage,
  type ShadowChannel,
  type SimBackendInfo,
  type SimEvent,
  type SimInitOptions,
  type SimWorkerApi,
} from './simProtocol.ts';

/** How often the loop looks for new rows; inputs arrive in relay batches every ~20 ms. */
const TICK_MS = 20;

let runner: ShadowRunner | null = null;
let service: ShadowService | null = null;
let device: GPUDevice | null = null;
let backendInfo: SimBackendInfo = { kind: 'cpu', reason: 'not initialised' };
let timer: ReturnType<typeof setInterval> | null = null;
// Kept across init, so the page can send them before the worker is ready.
let channels: readonly ShadowChannel[] = [];
let modelDamage: ModelDamage | null = null;

const api: SimWorkerApi = {
  protocolVersion: () => SIM_PROTOCOL_VERSION,

  async init(options: SimInitOptions) {
    api.dispose();
    const model = footbridgeShadowModel();
    let backend: SimBackend | null = null;
    if (options.preferGpu) {
      const got = await requestWorkerDevice();
      if ('device' in got) {
        device = got.device;
        try {
          const check = await checkTrussKernel(device, model.truss, model.dt, model.substeps);
          backend = createGpuBackend(device, model.truss, model.dt);
          backendInfo = {
            kind: 'webgpu',
            adapter: got.adapter,
            selfCheck: {
              displacement: check.displacement,
              velocity: check.velocity,
              acceleration: check.acceleration,
            },
          };
        } catch (error) {
          device.destroy();
          device = null;
          backendInfo = {
            kind: 'cpu',
            reason: `the WGSL kernel failed on ${got.adapter}: ${String(error)}`,
          };
        }
      } else {
        backendInfo = { kind: 'cpu', reason: got.reason };
      }
    } else {
      backendInfo = { kind: 'cpu', reason: 'CPU step chosen' };
    }
    runner = new ShadowRunner(model, backend ?? createCpuBackend(model.truss, model.dt));
    runner.setChannels(channels);
    if (modelDamage) runner.setModelDamage(modelDamage);
    return backendInfo;
  },

  start(onEvent: (event: SimEvent) => void) {
    if (!runner || timer) return;
    const emit = (event: SimEvent) => onEvent(Comlink.transfer(event, shadowTransferables(event)));
    const loop = new ShadowService(runner, emit, {
      backend: backendInfo,
      now: () => performance.now(),
    });
    service = loop;
    void device?.lost.then((info) => {
      if (info.reason !== 'destroyed')
        emit({ type: 'error', reason: 'device_lost', message: `GPU device lost: ${info.message}` });
    });
    timer = setInterval(() => {
      loop.tick().catch((error: unknown) => {
        emit({ type: 'error', reason: 'step_failed', message: String(error) });
        api.stop();
      });
    }, TICK_MS);
  },

  stop() {
    if (timer) clearInterval(timer);
    timer = null;
    if (service) service.running = false;
  },

  setChannels(next) {
    channels = next;
    runner?.setChannels(next);
  },

  feed(batch) {
    runner?.feed(batch);
  },

  resetShadow() {
    runner?.reset();
    service?.reset();
  },

  setModelDamage(damage) {
    runner?.setModelDamage(damage);
    modelDamage = damage;
  },

  dispose() {
    api.stop();
    service = null;
    runner?.dispose();
    runner = null;
    device?.destroy();
    device = null;
  },
};

Comlink.expose(api);
