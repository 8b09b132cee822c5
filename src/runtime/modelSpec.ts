/**
 * A model as the runtime sees it: WGSL kernels plus everything the manifest says about them,
 * resolved into plain data (no classes, no functions), so it crosses a worker boundary by
 * structured clone and the same value drives the browser worker, Node tests and the CLI.
 *
 * The manifest loader (`src/runtime/manifest/`) produces it from YAML; tests may build one by hand.
 *
 * Time stepping: each step runs `schedule` in order. Kernels read the current state and write
 * the next one; after the step the runtime swaps them (ping-pong). Step t (0-based) goes from
 * state t to state t+1; state 0 is the initial state. Within one step every buffer is written
 * by at most one dispatch, so replaying a step's dispatches from its starting state reproduces
 * every intermediate value the reverse pass needs.
 */
export interface ModelSpec {
  readonly name: string;
  readonly description?: string;
  /** Seconds per step; kernels see it through the clock uniform. */
  readonly dt: number;
  /** Default number of steps for `run`. */
  readonly steps: number;
  readonly kernels: readonly KernelSpec[];
  readonly buffers: readonly BufferSpec[];
  readonly parameters: readonly ParameterSpec[];
  readonly inputs: readonly InputSpec[];
  readonly schedule: readonly DispatchSpec[];
  readonly observables: readonly ObservableSpec[];
  readonly loss: LossSpec;
}

export interface KernelSpec {
  readonly name: string;
  /** Where the source came from (manifest-relative path), for error messages. */
  readonly file: string;
  readonly source: string;
}

/**
 * A storage buffer of f32 (or u32 for index tables). Roles:
 * - `state`: has a current and a next copy, swapped after every step; `initial` is state 0.
 * - `parameter`: constant over a run; the optimiser may write some of its elements.
 * - `input`: a time series of `length` values per step, filled from channels. Kernels see one
 *   row: at step t the runtime copies row t of the series into the bound buffer, so a kernel
 *   reads `heaters[h]`, not `heaters[t * width + h]`.
 * - `constant`: fixed data (geometry, index tables).
 * - `scratch`: written and read within one step (forces, fluxes); not carried between steps.
 *
 * Gradients flow through every f32 buffer of role state, parameter, input and scratch: the
 * runtime marks the variables bound to them differentiable, so `// @diff` comments are optional
 * in model kernels. Constants get no gradient.
 */
export interface BufferSpec {
  readonly name: string;
  readonly role: 'state' | 'parameter' | 'input' | 'constant' | 'scratch';
  readonly type: 'f32' | 'u32';
  /** Elements (of `type`) in the buffer; for `input`, elements per step (the row width). */
  readonly length: number;
  /**
   * Initial contents: every element, or one value for all. Omitted means zeros. For `input`,
   * one row, used at every step the caller gives no series for.
   */
  readonly initial?: readonly number[] | { readonly fill: number };
}

/** A fitted or tunable slice of a `parameter` buffer. */
export interface ParameterSpec {
  readonly name: string;
  readonly buffer: string;
  /** First element and how many (a field of `count` values, or 1 for a scalar). */
  readonly offset: number;
  readonly count: number;
  readonly lower: number;
  readonly upper: number;
  /** Starting value of the fit (every element of the slice); defaults to the buffer's initial contents. */
  readonly initial?: number;
  readonly unit?: string;
}

/** An input series bound to telemetry: column `column` of input buffer `buffer` is `channel`. */
export interface InputSpec {
  readonly buffer: string;
  readonly column: number;
  readonly channel: string;
  readonly interpolation: 'linear' | 'hold';
}

/**
 * One kernel dispatch of a step. `bindings` maps each WGSL variable of the entry point to a
 * buffer; a `state` buffer is bound as `current` (read) or `next` (written). The runtime binds
 * the clock uniform to the variable named in `clock`, which the kernel declares as
 * `var<uniform> clock: Clock` with `struct Clock { step: u32, time: f32, dt: f32 }`
 * (time = step · dt, at the start of the step).
 *
 * Rules (checked when the model is compiled, with a `ModelError` naming the dispatch):
 * every variable the entry point uses is bound; only `scratch` and `state`-as-`next` buffers
 * are written; each of those is written by at most one dispatch per step, and every state
 * buffer by exactly one; a dispatch may read a scratch buffer or a state's `next` copy only
 * after the dispatch that writes it; no buffer is bound to two variables of one dispatch when
 * either is written or gets gradients. A scratch buffer written with `+=` is zeroed before
 * its dispatch.
 */
export interface DispatchSpec {
  readonly kernel: string;
  readonly entry: string;
  readonly workgroups: readonly [number, number, number];
  readonly bindings: Readonly<Record<string, BindingRef>>;
  readonly clock?: string;
}

export interface BindingRef {
  readonly buffer: string;
  readonly phase?: 'current' | 'next';
}

/**
 * A scalar the model predicts: element `index` of f32 state buffer `buffer`, compared with
 * `channel`. An observable without a channel is reported by `run` but not fitted.
 */
export interface ObservableSpec {
  readonly name: string;
  readonly buffer: string;
  readonly index: number;
  readonly channel?: string;
  /** Multiplies the state value (unit conversion) before comparison. */
  readonly scale?: number;
}

/**
 * Σ over observation times t in the window and observables o of
 *   weight_o · (scale_o · state_t[o] − measured_o(t))²
 * plus regularisation terms on parameters. Observations are taken after every `every`-th step
 * (state n·every, n ≥ 1). Measured values that are NaN (gaps) are left out of the sum.
 */
export interface LossSpec {
  readonly kind: 'weighted_squared_error';
  readonly every: number;
  /**
   * Steps [start, end) whose resulting states are observed; defaults to the whole run. Step s
   * results in state s + 1, so the window holds the observations after n steps, start < n ≤ end.
   */
  readonly window?: { readonly start: number; readonly end: number };
  /** Observable name → weight; observables not named weigh 1. */
  readonly weights?: Readonly<Record<string, number>>;
  readonly regularisation: readonly RegularisationSpec[];
}

/**
 * - `l2`: weight · Σ (p − towards)²
 * - `smoothness`: weight · Σ over neighbours (p_i − p_j)², the field laid out as `shape` (row-major).
 */
export type RegularisationSpec =
  | {
      readonly kind: 'l2';
      readonly parameter: string;
      readonly weight: number;
      readonly towards: number;
    }
  | {
      readonly kind: 'smoothness';
      readonly parameter: string;
      readonly weight: number;
      readonly shape: readonly number[];
    };

/** Measured data for a fit: each channel's samples at the observation times, in order. */
export interface ObservationData {
  /** Step counts after which each row was observed (positive multiples of `loss.every`, increasing). */
  readonly steps: readonly number[];
  /** channel → one value per row. */
  readonly channels: Readonly<Record<string, Float64Array>>;
}
