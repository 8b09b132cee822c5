/**
 * The page's side of the fit worker: starts it on the first fit, runs one fit at a time and turns
 * its progress and outcome into {@link FitState} for the workbench store.
 */
import * as Comlink from 'comlink';
import {
  FIT_PROTOCOL_VERSION,
  type BridgeFitRequest,
  type BridgeFitResult,
  type ExampleFitRequest,
  type ExampleFitResult,
  type FitOutcome,
  type FitProgress,
  type FitResumePoint,
  type FitWorkerApi,
} from '../workers/fitProtocol.ts';

/** What to fit: the bridge's hidden damage, or a shipped example model's hidden parameters. */
export type FitJob =
  | { readonly kind: 'bridge'; readonly request: BridgeFitRequest }
  | { readonly kind: 'example'; readonly request: ExampleFitRequest };

export type FitAnswer =
  | { readonly kind: 'bridge'; readonly result: BridgeFitResult }
  | { readonly kind: 'example'; readonly result: ExampleFitResult };

export type FitState =
  | { readonly phase: 'idle' }
  | {
      readonly phase: 'running' | 'cancelling';
      readonly job: FitJob;
      readonly progress: readonly FitProgress[];
    }
  | {
      readonly phase: 'done';
      readonly job: FitJob;
      readonly progress: readonly FitProgress[];
      readonly answer: FitAnswer;
    }
  | {
      readonly phase: 'cancelled';
      readonly job: FitJob;
      readonly progress: readonly FitProgress[];
    }
  | {
      readonly phase: 'failed';
      readonly job: FitJob;
      readonly progress: readonly FitProgress[];
      readonly message: string;
      /** True when running again can succeed (the device was lost and will be recreated). */
      readonly retry: boolean;
      /** Where a resumed fit would start: the last reported iteration, when retry is true. */
      readonly resumeFrom: FitResumePoint | null;
    };

export interface FitHost {
  /** Starts a fit; ignored while one runs. */
  run(job: FitJob): void;
  /**
   * After a lost device: runs the failed job again from its last reported iteration on a new
   * device, the loss curve going on where it stopped. Ignored in any other state.
   */
  resume(): void;
  cancel(): void;
  dispose(): void;
}

export interface FitConnection {
  readonly endpoint: Comlink.Endpoint;
  terminate(): void;
}

/** A worker outcome with its result tagged by the kind of fit. */
function answer<K extends FitAnswer['kind']>(
  kind: K,
  outcome: FitOutcome<Extract<FitAnswer, { kind: K }>['result']>,
): FitOutcome<FitAnswer> {
  return outcome.status === 'done'
    ? { status: 'done', result: { kind, result: outcome.result } as FitAnswer }
    : outcome;
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

  const start = (job: FitJob, progress: FitProgress[]) => {
    set({ phase: 'running', job, progress: [...progress] });
    const onProgress = (p: FitProgress) => {
      progress.push(p);
      if (state.phase === 'running' || state.phase === 'cancelling')
        set({ ...state, progress: [...progress] });
    };
    void remote()
      .then(async (worker): Promise<FitOutcome<FitAnswer>> => {
        const proxy = Comlink.proxy(onProgress);
        const outcome =
          job.kind === 'bridge'
            ? answer('bridge', await worker.fitBridge(job.request, proxy))
            : answer('example', await worker.fitExample(job.request, proxy));
        return outcome;
      })
      .then(
        (outcome) => {
          switch (outcome.status) {
            case 'done':
              return set({ phase: 'done', job, progress, answer: outcome.result });
            case 'cancelled':
              return set({ phase: 'cancelled', job, progress });
            case 'failed':
              return set({
                phase: 'failed',
                job,
                progress,
                message: outcome.message,
                retry: outcome.reason === 'device_lost',
                resumeFrom: outcome.reason === 'device_lost' ? (outcome.resumeFrom ?? null) : null,
              });
          }
        },
        (error: unknown) =>
          set({
            phase: 'failed',
            job,
            progress,
            message: `the fit worker failed: ${error instanceof Error ? error.message : String(error)}`,
            retry: false,
            resumeFrom: null,
          }),
      );
  };

  return {
    run(job) {
      if (state.phase === 'running' || state.phase === 'cancelling') return;
      start(job, []);
    },
    resume() {
      if (state.phase !== 'failed' || state.resumeFrom === null) return;
      const resume = state.resumeFrom;
      const job: FitJob =
        state.job.kind === 'bridge'
          ? { kind: 'bridge', request: { ...state.job.request, resume } }
          : { kind: 'example', request: { ...state.job.request, resume } };
      start(job, [...state.progress]);
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
