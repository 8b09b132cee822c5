/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { FIT_PROTOCOL_VERSION, type FitWorkerApi } from './fitProtocol.ts';
import { runExampleFit } from './exampleFit.ts';
import { createFitRunner } from './fitRunner.ts';
import { runBridgeFit } from './fitService.ts';
import { requestWorkerDevice } from './requestWorkerDevice.ts';

const runner = createFitRunner(requestWorkerDevice);

const api: FitWorkerApi = {
  protocolVersion: () => FIT_PROTOCOL_VERSION,

  fitBridge: (request, onProgress) =>
    runner.run(onProgress, (device, adapter, signal, report) =>
      runBridgeFit(device, adapter, request, report, signal),
    ),

  fitExample: (request, onProgress) =>
    runner.run(onProgress, (device, adapter, signal, report) =>
      runExampleFit(device, adapter, request, report, signal),
    ),

  cancel: () => runner.cancel(),
  dispose: () => runner.dispose(),
};

Comlink.expose(api);
