/**
 * The main thread ↔ fit worker boundary (comlink). The worker owns its GPUDevice and runs one
 * fit at a time; progress comes back through a proxied callback, the outcome as plain data.
 */
export const FIT_PROTOCOL_VERSION = 1;

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
}

/** Fit a shipped example model to data recorded from its hidden truth (seeded noise). */
export interface ExampleFitRequest {
  readonly example: 'heat-plate' | 'pid-plant';
  readonly seed: number;
  readonly iterations: number;
}

export interface ExampleFitResult {
  readonly example: ExampleFitRequest['example'];
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
      /** `device_lost`: run again — the worker requests a new device. */
      readonly reason: 'no_webgpu' | 'device_lost' | 'bad_request' | 'error';
      readonly message: string;
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
