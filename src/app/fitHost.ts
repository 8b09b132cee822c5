/**
 * The page's side of the fit worker: starts it on the first fit, runs one fit at a time and turns
 * its progress and outcome into {@link FitState} for the workbench store.
 */
import * as Comlink from 'comlink';
import {
  FIT_PROTOCOL_VERSION,
  type BridgeFitRequest,
  type BridgeFitResult,
  type FitOutcome,
  type FitProgress,
  type FitWorkerApi,
} from '../workers/fitProtocol.ts';

export type FitState =
  | { readonly phase: 'idle' }
  | {
      readonly phase: 'running' | 'cancelling';
      readonly request: BridgeFitRequest;
      readonly progress: readonly FitProgress[];
    }
  | {
      readonly phase: 'done';
      readonly request: BridgeFitRequest;
      readonly progress: readonly FitProgress[];
      readonly result: BridgeFitResult;
    }
  | {
      readonly phase: 'cancelled';
      readonly request: BridgeFitRequest;
      readonly progress: readonly FitProgress[];
    }
  | {
      readonly phase: 'failed';
      readonly request: BridgeFitRequest;
      readonly progress: readonly FitProgress[];
      readonly message: string;
      /** True when running again can succeed (the device was lost and will be recreated). */
      readonly retry: boolean;
    };

export interface FitHost {
  /** Starts a fit; ignored while one runs. */
  run(request: BridgeFitRequest): void;
  cancel(): void;
  dispose(): void;
}

export interface FitConnection {
  readonly endpoint: Comlink.Endpoint;
  terminate(): void;
}

function connectWorker(): FitConnection {
  const worker = new Worker(new URL('../workers/fit.worker.ts', import.meta.url), {
    type: 'module',
    name: 'twinbench-fit',
  });
  return { endpoint: worker, terminate: () => worker.terminate() };
}

export function createFitHost(
  onState: (state: FitState) => void,
  connect: () => FitConnection = connectWorker,
): FitHost {
  let connection: FitConnection | null = null;
  let api: Comlink.Remote<FitWorkerApi> | null = null;
  let state: FitState = { phase: 'idle' };
  const set = (next: FitState) => {
    state = next;
    onState(state);
  };

  const remote = async (): Promise<Comlink.Remote<FitWorkerApi>> => {
    if (api) return api;
    connection = connect();
    const wrapped = Comlink.wrap<FitWorkerApi>(connection.endpoint);
    const version = await wrapped.protocolVersion();
    if (version !== FIT_PROTOCOL_VERSION)
      throw new Error(
        `the fit worker speaks protocol ${version}, the page ${FIT_PROTOCOL_VERSION}; reload the page`,
      );
    api = wrapped;
    return wrapped;
  };

  return {
    run(request) {
      if (state.phase === 'running' || state.phase === 'cancelling') return;
      const progress: FitProgress[] = [];
      set({ phase: 'running', request, progress });
      const onProgress = (p: FitProgress) => {
        progress.push(p);
        if (state.phase === 'running' || state.phase === 'cancelling')
          set({ ...state, progress: [...progress] });
      };
      void remote()
        .then((worker): Promise<FitOutcome> => worker.fitBridge(request, Comlink.proxy(onProgress)))
        .then(
          (outcome) => {
            switch (outcome.status) {
              case 'done':
                return set({ phase: 'done', request, progress, result: outcome.result });
              case 'cancelled':
                return set({ phase: 'cancelled', request, progress });
              case 'failed':
                return set({
                  phase: 'failed',
                  request,
                  progress,
                  message: outcome.message,
                  retry: outcome.reason === 'device_lost',
                });
            }
          },
          (error: unknown) =>
            set({
              phase: 'failed',
              request,
              progress,
              message: `the fit worker failed: ${error instanceof Error ? error.message : String(error)}`,
              retry: false,
            }),
        );
    },
    cancel() {
      if (state.phase !== 'running') return;
      set({ ...state, phase: 'cancelling' });
      void api?.cancel();
    },
    dispose() {
      void api?.dispose();
      connection?.terminate();
    },
  };
}
