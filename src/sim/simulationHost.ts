import * as Comlink from 'comlink';
import {
  SIM_PROTOCOL_VERSION,
  type SimBackendInfo,
  type SimEvent,
  type SimStatus,
  type SimWorkerApi,
} from '../workers/simProtocol.ts';

export type SimState =
  | { readonly phase: 'starting' }
  | {
      readonly phase: 'running';
      readonly backend: SimBackendInfo;
      readonly status: SimStatus | null;
      readonly problem: string | null;
    }
  | { readonly phase: 'failed'; readonly message: string };

export interface SimulationHost {
  setDamage(damage: { member: number; health: number } | null): void;
  dispose(): void;
}

/**
 * Starts the simulation worker, asks it for a WebGPU device (it falls back to the CPU step and
 * says why) and relays its status events to `onState`.
 */
export function startSimulation(
  onState: (state: SimState) => void,
  options: { seed: number; preferGpu: boolean },
): SimulationHost {
  onState({ phase: 'starting' });
  let worker: Worker;
  try {
    worker = new Worker(new URL('../workers/sim.worker.ts', import.meta.url), {
      type: 'module',
      name: 'twinbench-sim',
    });
  } catch (error) {
    onState({ phase: 'failed', message: `cannot start the simulation worker: ${String(error)}` });
    return { setDamage() {}, dispose() {} };
  }
  const api = Comlink.wrap<SimWorkerApi>(worker);
  let disposed = false;
  let backend: SimBackendInfo | null = null;
  let status: SimStatus | null = null;
  worker.addEventListener('error', (event) => {
    onState({
      phase: 'failed',
      message: `simulation worker crashed: ${event.message || 'unknown error'}`,
    });
  });

  const onEvent = (event: SimEvent) => {
    if (disposed || !backend) return;
    switch (event.type) {
      case 'status':
        status = event.status;
        onState({ phase: 'running', backend, status, problem: null });
        break;
      case 'error':
        onState({
          phase: 'running',
          backend,
          status,
          problem: `${event.message} (${event.reason})`,
        });
        break;
      default: {
        const unreachable: never = event;
        console.warn('Twinbench: unknown simulation event', unreachable);
      }
    }
  };

  void (async () => {
    try {
      const version = await api.protocolVersion();
      if (version !== SIM_PROTOCOL_VERSION)
        throw new Error(
          `worker speaks protocol ${version}, page ${SIM_PROTOCOL_VERSION}: reload the page`,
        );
      backend = await api.init(options);
      if (disposed) return;
      onState({ phase: 'running', backend, status: null, problem: null });
      await api.start(Comlink.proxy(onEvent));
    } catch (error) {
      if (!disposed)
        onState({ phase: 'failed', message: `simulation did not start: ${String(error)}` });
    }
  })();

  return {
    setDamage(damage) {
      void api.setDamage(damage);
    },
    dispose() {
      disposed = true;
      void api.dispose().finally(() => worker.terminate());
    },
  };
}
