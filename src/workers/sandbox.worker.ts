/// <reference lib="webworker" />
/**
 * The sandbox worker: runs a model's test cases (`SandboxWorkerApi`, sandboxProtocol.ts) on a
 * GPUDevice of its own, so that when the page terminates it — a run past its budget — the
 * device goes with it and nothing else on the page loses its GPU work.
 */
import * as Comlink from 'comlink';
import { createSandboxService } from '../sandbox/sandboxService.ts';
import { requestWorkerDevice } from './requestWorkerDevice.ts';

Comlink.expose(createSandboxService(requestWorkerDevice));
