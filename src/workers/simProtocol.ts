/**
 * The main thread ↔ simulation worker boundary (comlink). Only plain data crosses it: the API's
 * arguments and results below, and status events through a proxied callback.
 */
export const SIM_PROTOCOL_VERSION = 1;

export type SimBackendInfo =
  | {
      readonly kind: 'webgpu';
      readonly adapter: string;
      /** One-step comparison of the WGSL kernel with the float64 CPU reference at start-up. */
      readonly selfCheck: {
        readonly displacement: number;
        readonly velocity: number;
        readonly acceleration: number;
      };
    }
  | { readonly kind: 'cpu'; readonly reason: string };

export interface SimInitOptions {
  readonly seed: number;
  /** Set false to force the CPU step (for comparison, or when WebGPU misbehaves). */
  readonly preferGpu: boolean;
}

export interface SimStatus {
  readonly backend: SimBackendInfo;
  readonly running: boolean;
  /** Simulated seconds since start. */
  readonly simTime: number;
  /** Time steps taken (each is one kernel dispatch on WebGPU). */
  readonly steps: number;
  readonly stepsPerSecond: number;
  /** Simulated seconds per wall-clock second over the last report. */
  readonly realtimeFactor: number;
  /** Modelled vertical displacement at the left midspan joint, mm. */
  readonly midspanMm: number;
}

export type SimEvent =
  | { readonly type: 'status'; readonly status: SimStatus }
  | {
      readonly type: 'error';
      readonly reason: 'device_lost' | 'step_failed';
      readonly message: string;
    };

export interface SimWorkerApi {
  protocolVersion(): number;
  /** Requests a WebGPU device (or falls back to the CPU step) and says which it got. */
  init(options: SimInitOptions): Promise<SimBackendInfo>;
  /** Runs in real time, reporting status about four times a second. */
  start(onEvent: (event: SimEvent) => void): void;
  stop(): void;
  setDamage(damage: { readonly member: number; readonly health: number } | null): void;
  dispose(): void;
}
