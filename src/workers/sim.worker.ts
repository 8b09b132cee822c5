/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { checkTrussKernel } from '../gpu/kernelSelfCheck.ts';
import { createCpuBackend } from '../sim/cpuBackend.ts';
import { FootbridgeRunner } from '../sim/footbridgeRunner.ts';
import { createGpuBackend } from '../sim/gpuBackend.ts';
import { requestWorkerDevice } from './requestWorkerDevice.ts';
import {
  SIM_PROTOCOL_VERSION,
  type SimBackendInfo,
  type SimEvent,
  type SimInitOptions,
  type SimWorkerApi,
} from './simProtocol.ts';

const TICK_MS = 20;
const REPORT_MS = 250;

let runner: FootbridgeRunner | null = null;
let device: GPUDevice | null = null;
let backendInfo: SimBackendInfo = { kind: 'cpu', reason: 'not initialised' };
let timer: ReturnType<typeof setInterval> | null = null;

const api: SimWorkerApi = {
  protocolVersion: () => SIM_PROTOCOL_VERSION,

  async init(options: SimInitOptions) {
    api.dispose();
    runner = new FootbridgeRunner(options.seed);
    const now = performance.now();
    if (options.preferGpu) {
      const got = await requestWorkerDevice();
      if ('device' in got) {
        device = got.device;
        try {
          const check = await checkTrussKernel(device, runner.truss, runner.dt, runner.substeps);
          runner.attach(createGpuBackend(device, runner.truss, runner.dt), now);
          backendInfo = {
            kind: 'webgpu',
            adapter: got.adapter,
            selfCheck: {
              displacement: check.displacement,
              velocity: check.velocity,
              acceleration: check.acceleration,
            },
          };
          return backendInfo;
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
    runner.attach(createCpuBackend(runner.truss, runner.dt), now);
    return backendInfo;
  },

  start(onEvent: (event: SimEvent) => void) {
    if (!runner || timer) return;
    const active = runner;
    let lastReport = performance.now();
    let lastReport0 = active.report();
    let refreshing = false;
    void device?.lost.then((info) => {
      if (info.reason !== 'destroyed')
        onEvent({
          type: 'error',
          reason: 'device_lost',
          message: `GPU device lost: ${info.message}`,
        });
    });
    timer = setInterval(() => {
      const now = performance.now();
      try {
        active.tick(now);
      } catch (error) {
        onEvent({ type: 'error', reason: 'step_failed', message: String(error) });
        api.stop();
        return;
      }
      if (now - lastReport < REPORT_MS || refreshing) return;
      refreshing = true;
      void active
        .refresh()
        .then(() => {
          const report = active.report();
          const seconds = (performance.now() - lastReport) / 1000;
          onEvent({
            type: 'status',
            status: {
              backend: backendInfo,
              running: timer !== null,
              simTime: report.simTime,
              steps: report.steps,
              stepsPerSecond: (report.steps - lastReport0.steps) / seconds,
              realtimeFactor: (report.simTime - lastReport0.simTime) / seconds,
              midspanMm: report.midspanMm,
            },
          });
          lastReport = performance.now();
          lastReport0 = report;
        })
        .catch((error: unknown) =>
          onEvent({ type: 'error', reason: 'step_failed', message: String(error) }),
        )
        .finally(() => {
          refreshing = false;
        });
    }, TICK_MS);
  },

  stop() {
    if (timer) clearInterval(timer);
    timer = null;
  },

  setDamage(damage) {
    runner?.setDamage(damage);
  },

  dispose() {
    api.stop();
    runner?.dispose();
    runner = null;
    device?.destroy();
    device = null;
  },
};

Comlink.expose(api);
