/**
 * The page's side of the sandbox worker, with the watchdog: a test run gets a time budget and a
 * heartbeat bound (the longest silence between progress messages). When either runs out, or a
 * cancelled run does not stop between batches in time, the host terminates the worker — which
 * destroys its GPUDevice — and reports why at once; the next run starts a fresh worker. The
 * page's thread only sets timers and awaits messages, so it stays responsive however the worker
 * or its GPU work hangs.
 *
 * The worker comes from an injected `connect`, so Node tests drive the host with a
 * MessageChannel or a `worker_threads` Worker.
 */
import * as Comlink from 'comlink';
import {
  SANDBOX_PROTOCOL_VERSION,
  type CaseResult,
  type SandboxProgress,
  type SandboxRunOutcome,
  type SandboxRunRequest,
  type SandboxWorkerApi,
} from '../workers/sandboxProtocol.ts';

export interface SandboxConnection {
  readonly endpoint: Comlink.Endpoint;
  /** Stops the worker at once; its GPUDevice goes with it. */
  terminate(): void;
  /** Registers a listener for the worker dying of an uncaught error, when the platform tells. */
  onError?(listener: (message: string) => void): void;
}

/** Starts `src/workers/sandbox.worker.ts` (browser). */
export function connectSandboxWorker(): SandboxConnection {
  const worker = new Worker(new URL('../workers/sandbox.worker.ts', import.meta.url), {
    type: 'module',
    name: 'twinbench-sandbox',
  });
  return {
    endpoint: worker,
    terminate: () => worker.terminate(),
    onError: (listener) =>
      worker.addEventListener('error', (event) => listener(event.message || 'the worker failed')),
  };
}

/** A run the watchdog (or the page) stopped by terminating the worker. */
export interface SandboxStopped {
  readonly status: 'stopped';
  readonly reason:
    /** The run went past its budget. */
    | 'timeout'
    /** No progress for `heartbeatMs`. */
    | 'no_heartbeat'
    /** Cancelled, and it did not stop between batches within `cancelGraceMs`. */
    | 'cancelled'
    /** The worker died, failed to start, or speaks another protocol. */
    | 'worker_error';
  readonly message: string;
  readonly elapsedMs: number;
  /** Results the worker reported before it was stopped. */
  readonly cases: readonly CaseResult[];
}

export type SandboxResult = SandboxRunOutcome | SandboxStopped;

export interface SandboxRunOptions {
  /** The whole run, in ms. */
  readonly budgetMs?: number;
  /** The longest silence between progress messages, in ms. */
  readonly heartbeatMs?: number;
  readonly onProgress?: (progress: SandboxProgress) => void;
}

export interface SandboxRun {
  /** Resolves once, however the run ends; never rejects. */
  readonly result: Promise<SandboxResult>;
  /** Asks the worker to stop between batches; terminates it if it has not after the grace. */
  cancel(): void;
}

export interface SandboxHost {
  /** Starts a run; while one is running, the new one resolves `failed` / `busy` at once. */
  run(request: SandboxRunRequest, options?: SandboxRunOptions): SandboxRun;
  /** Terminates the worker (a run in progress ends `stopped` / `cancelled`). */
  dispose(): void;
}

export interface SandboxHostOptions {
  readonly connect?: () => SandboxConnection;
  /** Default budget of a run: 60 s. */
  readonly budgetMs?: number;
  /** Default heartbeat bound: 15 s (a model's first compile on a software adapter takes seconds). */
  readonly heartbeatMs?: number;
  /** How long a cancelled run has to stop by itself: 1 s. */
  readonly cancelGraceMs?: number;
  readonly now?: () => number;
}

/**
 * @example
 * const host = createSandboxHost();
 * const run = host.run({ spec, tests }, { budgetMs: 20_000, onProgress: show });
 * stopButton.onclick = () => run.cancel();
 * const result = await run.result; // 'done' | 'cancelled' | 'failed' | 'stopped' (+ reason)
 */
export function createSandboxHost(options: SandboxHostOptions = {}): SandboxHost {
  const connect = options.connect ?? connectSandboxWorker;
  const now = options.now ?? (() => performance.now());
  const grace = options.cancelGraceMs ?? 1000;
  let worker: {
    connection: SandboxConnection;
    api: Comlink.Remote<SandboxWorkerApi>;
    ready: Promise<void>;
    died: ((message: string) => void)[];
  } | null = null;
  let current: { stop(reason: SandboxStopped['reason'], message: string): void } | null = null;

  const open = () => {
    if (worker) return worker;
    const connection = connect();
    const api = Comlink.wrap<SandboxWorkerApi>(connection.endpoint);
    const opened = {
      connection,
      api,
      died: [] as ((message: string) => void)[],
      ready: api.protocolVersion().then((version) => {
        if (version !== SANDBOX_PROTOCOL_VERSION)
          throw new Error(
            `the sandbox worker speaks protocol ${version}, the page ${SANDBOX_PROTOCOL_VERSION}; reload the page`,
          );
      }),
    };
    connection.onError?.((message) => opened.died.forEach((listener) => listener(message)));
    worker = opened;
    return opened;
  };
  const terminate = () => {
    const w = worker;
    worker = null;
    w?.connection.terminate();
  };

  return {
    run(request, runOptions = {}) {
      if (current)
        return {
          result: Promise.resolve({
            status: 'failed',
            reason: 'busy',
            message: 'a test run is already in progress; cancel it or wait for it to end',
            cases: [],
          }),
          cancel: () => {},
        };
      const started = now();
      const budgetMs = runOptions.budgetMs ?? options.budgetMs ?? 60_000;
      const heartbeatMs = runOptions.heartbeatMs ?? options.heartbeatMs ?? 15_000;
      const cases: CaseResult[] = [];
      const timers = new Set<ReturnType<typeof setTimeout>>();
      const after = (ms: number, action: () => void) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          action();
        }, ms);
        timers.add(timer);
        return timer;
      };
      let resolve!: (result: SandboxResult) => void;
      const result = new Promise<SandboxResult>((r) => (resolve = r));
      let settled = false;
      const finish = (outcome: SandboxResult) => {
        if (settled) return;
        settled = true;
        timers.forEach(clearTimeout);
        if (current === run) current = null;
        resolve(outcome);
      };
      const stop = (reason: SandboxStopped['reason'], message: string) => {
        if (settled) return;
        terminate();
        finish({
          status: 'stopped',
          reason,
          message,
          elapsedMs: now() - started,
          cases: [...cases],
        });
      };
      const run = { stop };
      current = run;

      let heartbeat = after(heartbeatMs, () => silent());
      const silent = () =>
        stop(
          'no_heartbeat',
          `the sandbox worker reported no progress for ${heartbeatMs} ms (a batch of GPU work that does not finish, or a worker that hangs), so it was terminated, and its GPU device with it — raise the heartbeat bound if batches of this model take that long`,
        );
      after(budgetMs, () =>
        stop(
          'timeout',
          `the test run went past its budget of ${budgetMs} ms, so the sandbox worker was terminated, and its GPU device with it — run fewer steps or cases, or raise the budget`,
        ),
      );
      const onProgress = Comlink.proxy((progress: SandboxProgress) => {
        if (settled) return;
        clearTimeout(heartbeat);
        timers.delete(heartbeat);
        heartbeat = after(heartbeatMs, () => silent());
        if (progress.type === 'result') cases.push(progress.result);
        runOptions.onProgress?.(progress);
      });

      const w = open();
      w.died.push((message) => stop('worker_error', `the sandbox worker failed: ${message}`));
      void (async () => {
        try {
          await w.ready;
          finish(await w.api.runTests(request, onProgress));
        } catch (error) {
          stop(
            'worker_error',
            `the sandbox worker failed: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      })();

      return {
        result,
        cancel() {
          if (settled) return;
          void w.api.cancel().catch(() => undefined);
          after(grace, () =>
            stop(
              'cancelled',
              `the run did not stop within ${grace} ms of being cancelled, so the sandbox worker was terminated, and its GPU device with it`,
            ),
          );
        },
      };
    },

    dispose() {
      current?.stop('cancelled', 'the sandbox host was disposed');
      // Terminating the worker destroys its device: no message needs to get there first.
      terminate();
    },
  };
}
