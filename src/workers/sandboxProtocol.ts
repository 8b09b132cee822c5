/**
 * The main thread ↔ sandbox worker boundary (comlink). The worker runs a model's test cases on a
 * GPUDevice of its own, under the sandbox's caps and loop guards (src/sandbox/), one run at a
 * time. Progress — a heartbeat between batches of dispatches and each case's result — comes back
 * through a proxied callback; the outcome as plain data. The page's side (`sandboxHost.ts`)
 * terminates the worker, and with it its device, when a run outlasts its budget.
 */
import type { ModelTestCase } from '../runtime/manifest/testCases.ts';
import type { ModelSpec } from '../runtime/modelSpec.ts';
import type { TrapReport } from '../sandbox/loopTrap.ts';
import type { SandboxLimits } from '../sandbox/sandboxLimits.ts';

export const SANDBOX_PROTOCOL_VERSION = 2;

export interface SandboxRunRequest {
  /** The model, e.g. from `parseManifestWithTests`. */
  readonly spec: ModelSpec;
  readonly tests: readonly ModelTestCase[];
  /** Names of the cases to run, in the order of `tests`; all of them when absent. */
  readonly only?: readonly string[];
  /** Caps over the defaults (`DEFAULT_SANDBOX_LIMITS`). */
  readonly limits?: Partial<SandboxLimits>;
}

export type SandboxProgress =
  /** The model compiled on the worker's device; the cases that will run. */
  | {
      readonly type: 'compiled';
      readonly adapter: string;
      readonly compileMs: number;
      readonly cases: readonly string[];
    }
  | { readonly type: 'case'; readonly case: string; readonly index: number }
  /** A batch of dispatches finished: the heartbeat the host's watchdog waits for. */
  | {
      readonly type: 'batch';
      readonly case: string;
      readonly step: number;
      readonly steps: number;
    }
  | { readonly type: 'result'; readonly result: CaseResult };

export type CaseStatus =
  /** Every check held. */
  | 'passed'
  /** A check failed, or the run was stopped (loop trap, cap). */
  | 'failed'
  /** The case could not run as written (see `failure`). */
  | 'error'
  | 'cancelled';

export interface CaseResult {
  readonly name: string;
  readonly status: CaseStatus;
  /** Steps run: fewer than the case asks when it was stopped or cancelled. */
  readonly steps: number;
  readonly checks: readonly CheckResult[];
  /** Why the case stopped before its checks could all run. */
  readonly failure?: CaseFailure;
  /** Every observable at every sample (after `every` steps and after the last), for plots. */
  readonly series: SampleSeries;
  readonly timing: {
    /** The forward run in batches. */
    readonly runMs: number;
    /** Gradient checks: adjoint gradients and finite-difference runs. */
    readonly gradientMs: number;
    readonly totalMs: number;
  };
}

export interface SampleSeries {
  /** Step counts of the samples. */
  readonly steps: readonly number[];
  /** Observable → its value (after scale) at each sample. */
  readonly observables: Readonly<Record<string, readonly number[]>>;
}

export type CheckResult =
  | {
      readonly kind: 'expect';
      /** `position after 600 steps`. */
      readonly label: string;
      readonly passed: boolean;
      readonly message: string;
      readonly step: number;
      /** NaN when the run stopped before the step. */
      readonly measured: number;
      readonly expected: number;
      /** The absolute error allowed: tolerance + relative · |expected|. */
      readonly allowed: number;
    }
  | {
      readonly kind: 'invariant';
      readonly label: string;
      readonly passed: boolean;
      readonly message: string;
      readonly min?: number;
      readonly max?: number;
      /** Extremes over the samples checked (NaN if one was NaN). */
      readonly lowest: number;
      readonly highest: number;
      readonly samples: number;
      /** The first sample out of bounds. */
      readonly violation?: { readonly step: number; readonly value: number };
    }
  | {
      readonly kind: 'gradient';
      readonly label: string;
      readonly passed: boolean;
      readonly message: string;
      readonly parameter: string;
      readonly elements: readonly number[];
      /** dLoss/d(element) by the adjoints, and by central differences. */
      readonly adjoint: readonly number[];
      readonly finiteDifference: readonly number[];
      /** max |adjoint − fd| / max |fd|. */
      readonly relativeError: number;
      readonly tolerance: number;
    };

export interface CaseFailure {
  readonly reason:
    /** A loop guard stopped a loop (see `trap`). */
    | 'loop_trap'
    /** A sandbox cap refused the work (buffer size, memory, workgroups, dispatches). */
    | 'limit'
    /** The case does not fit the model (an override, an expression). */
    | 'bad_case'
    /** The runtime refused the run's arguments. */
    | 'model'
    | 'error';
  readonly message: string;
  readonly trap?: TrapReport;
}

export type SandboxRunOutcome =
  /** Every case ran; some may have failed. */
  | {
      readonly status: 'done';
      readonly adapter: string;
      readonly cases: readonly CaseResult[];
      readonly passed: number;
      readonly failed: number;
      readonly timing: { readonly compileMs: number; readonly totalMs: number };
    }
  /** Stopped between batches at the page's request; `cases` holds what had finished. */
  | { readonly status: 'cancelled'; readonly cases: readonly CaseResult[] }
  | {
      readonly status: 'failed';
      readonly reason:
        | 'no_webgpu'
        /** The request does not fit: unknown case names, cases that do not fit the model, bad limits. */
        | 'bad_request'
        /** The model does not plan or compile (ModelError, a kernel the GPU refuses). */
        | 'model'
        /** A cap refused the model's own buffers or a kernel cannot take loop guards. */
        | 'limit'
        /** A run is already in progress in this worker. */
        | 'busy'
        | 'device_lost'
        | 'error';
      readonly message: string;
      readonly cases: readonly CaseResult[];
    };

export interface SandboxWorkerApi {
  protocolVersion(): number;
  /** Runs the cases; resolves when the run ends, however it ends. */
  runTests(
    request: SandboxRunRequest,
    onProgress: (progress: SandboxProgress) => void,
  ): Promise<SandboxRunOutcome>;
  /** Stops the run at its next batch boundary; it resolves `cancelled`. */
  cancel(): void;
  /** Destroys the worker's device. */
  dispose(): void;
}
