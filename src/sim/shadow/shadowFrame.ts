/**
 * What the shadow model reports, as plain data: it crosses the simulation worker boundary
 * (`src/workers/simProtocol.ts`) and feeds the alert rules on the main thread.
 */

/** A relay channel as the shadow needs it: the id samples carry and the name it is known by. */
export interface ShadowChannel {
  readonly id: number;
  readonly name: string;
}

/** Measured against simulated sensors at one device time. */
export interface ShadowResiduals {
  /** Device time of the comparison, ms since the Unix epoch. */
  readonly time: number;
  /** Sensor ids, the order of the arrays below. */
  readonly sensors: readonly string[];
  /** The plant's readings at `time`; NaN where a sample never arrived. */
  readonly measured: Float64Array;
  /** The shadow model's readings at `time`, driven by the measured inputs. */
  readonly simulated: Float64Array;
  /** measured − simulated, in each sensor's unit. */
  readonly residual: Float64Array;
  /** Shadow model displacement per node (x, y, z in m), for the ghost bridge. */
  readonly nodeDisplacement: Float32Array;
  /**
   * The model started (or restarted) less than its settling time ago: the plant's vibration at
   * the start has not decayed out of the model yet, so residuals say nothing about the plant.
   */
  readonly settling: boolean;
  /**
   * The share of input values the model did not receive (held from an earlier row, or sample
   * periods without a row), averaged over one decay time of its damping, when this state was
   * read. Rows late or lost — a starved worker or network — drive the model with loads the
   * plant never had.
   */
  readonly inputFill: number;
  /**
   * `inputFill` is above the runner's `degradedFill`: the residuals reflect inputs the model
   * missed as well as the plant.
   */
  readonly degraded: boolean;
  /**
   * How much larger a residual must be to fire an alert from this frame: 1, or while degraded
   * 1 + inputFill / degradedFill (2 at the onset, growing with the share of inputs missed).
   */
  readonly thresholdScale: number;
}

export interface ShadowCounters {
  /** Input rows the model has taken (the first after a start sets its state). */
  readonly rowsStepped: number;
  /** Rows dropped unstepped: more than `maxLagMs` behind the newest, or before any full row. */
  readonly rowsSkipped: number;
  /** Rows stepped with at least one input held from an earlier row. */
  readonly rowsHeld: number;
  /** Input samples for a time the model had already passed (out of order or duplicates). */
  readonly lateSamples: number;
  /** Starts from the static state: the first row, and after each gap or reset. */
  readonly restarts: number;
  /** Time steps taken (each one kernel dispatch on WebGPU). */
  readonly steps: number;
}

/** The simulation worker's shadow report, sent 10–20 times a second. */
export interface ShadowFrame {
  /** The latest comparison; null until the model has stepped. */
  readonly residuals: ShadowResiduals | null;
  readonly counters: ShadowCounters;
  /** No input row has arrived for a while, or some input channels are not in the channel table. */
  readonly waitingForInputs: boolean;
  /** Input channels the channel table lacks; the model cannot step without them. */
  readonly missingInputs: readonly string[];
}
