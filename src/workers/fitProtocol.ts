/**
 * The main thread ↔ fit worker boundary (comlink). The worker owns its GPUDevice and runs one
 * fit at a time; progress comes back through a proxied callback, the outcome as plain data.
 */
export const FIT_PROTOCOL_VERSION = 2;

/**
 * Find a hidden damage in the footbridge: the worker records the float64 plant with `member`
 * weakened to `health` (the truth the fit is not told), then identifies the damaged member and
 * its stiffness from the displacement sensors alone.
 */
export interface BridgeFitRequest {
  readonly member: number;
  readonly health: number;
  /** Sensor samples (100 Hz) in the data window. */
  readonly samples: number;
  readonly noiseMm: number;
  /** Seeds the walkers on the deck and the sensor noise: the same seed gives the same fit. */
  readonly seed: number;
  /** L-BFGS iterations of the all-member localisation, then of the one-member refinement. */
  readonly localisationIterations: number;
  readonly refineIterations: number;
  /** Continue an interrupted fit (a lost device) from its last reported point. */
  readonly resume?: FitResumePoint;
}

/**
 * Where a fit stood after an iteration: enough to start it again there. The optimiser's memory
 * (L-BFGS curvature pairs, Adam moments) is not kept: a resumed fit rebuilds it in a few steps.
 */
export interface FitResumePoint {
  readonly stage: FitProgress['stage'];
  /** Iterations of `stage` already done; the resumed fit runs the rest. */
  readonly iteration: number;
  /** The parameters after that iteration (bridge localise: every member's health). */
  readonly parameters: readonly number[];
  /** Bridge refine: the member being refined. */
  readonly member?: number;
}

export type FitOptimiser =
  | { readonly kind: 'lbfgs' }
  /** Adam steps in parameters scaled to their bounds ([lower, upper] → [0, 1]). */
  | { readonly kind: 'adam'; readonly learningRate: number };

/** Fit a shipped example model to data recorded from its hidden truth (seeded noise). */
export interface ExampleFitRequest {
  readonly example: 'heat-plate' | 'pid-plant';
  readonly seed: number;
  readonly iterations: number;
  /** L-BFGS (bounded, line search) when absent. */
  readonly optimiser?: FitOptimiser;
  readonly resume?: FitResumePoint;
}

export interface ExampleFitResult {
  readonly example: ExampleFitRequest['example'];
  readonly optimiser: FitOptimiser['kind'];
  readonly parameters: readonly {
    readonly name: string;
    readonly unit: string;
    readonly start: number;
    readonly fitted: number;
    readonly truth: number;
  }[];
  readonly lossStart: number;
  readonly loss: number;
  readonly iterations: number;
  readonly evaluations: number;
  readonly elapsedMs: number;
  readonly adapter: string;
}

export interface FitProgress {
  /** The bridge fit localises then refines; an example fit is one stage. */
  readonly stage: 'localise' | 'refine' | 'fit';
  readonly iteration: number;
  readonly maxIterations: number;
  readonly loss: number;
  readonly gradientNorm: number;
  readonly elapsedMs: number;
  /** The member the fit suspects now (lowest health), and that health. */
  readonly suspect: number;
  readonly suspectHealth: number;
  /** The parameters after this iteration, and where a resumed fit would start. */
  readonly resume: FitResumePoint;
}

export interface BridgeFitResult {
  readonly member: number;
  readonly health: number;
  readonly truth: { readonly member: number; readonly health: number };
  readonly loss: number;
  readonly evaluations: number;
  readonly elapsedMs: number;
  readonly adapter: string;
}

export type FitOutcome<R = BridgeFitResult> =
  | { readonly status: 'done'; readonly result: R }
  | { readonly status: 'cancelled' }
  | {
      readonly status: 'failed';
      /** `device_lost`: resume or run again — the worker requests a new device. */
      readonly reason: 'no_webgpu' | 'device_lost' | 'bad_request' | 'error';
      readonly message: string;
      /** `device_lost`: the last iteration the fit reported, where a resumed fit starts. */
      readonly resumeFrom?: FitResumePoint;
    };

export interface FitWorkerApi {
  protocolVersion(): number;
  /** Runs a fit; resolves when it ends, however it ends. One at a time: a second call fails. */
  fitBridge(
    request: BridgeFitRequest,
    onProgress: (progress: FitProgress) => void,
  ): Promise<FitOutcome>;
  fitExample(
    request: ExampleFitRequest,
    onProgress: (progress: FitProgress) => void,
  ): Promise<FitOutcome<ExampleFitResult>>;
  /** Stops the running fit at its next evaluation; it resolves `cancelled`. */
  cancel(): void;
  dispose(): void;
}
