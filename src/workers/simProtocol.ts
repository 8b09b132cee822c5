/**
 * The main thread ↔ simulation worker boundary (comlink). Only plain data crosses it: the API's
 * arguments and results below, and events through a proxied callback.
 *
 * The worker runs the shadow model: the page forwards the relay's channel table and samples
 * (live or replayed), the worker steps the model on the measured inputs as they arrive and
 * reports the sensors' residuals. Version 2 replaced the free-running model with its own random
 * loads by the shadow (`setChannels`, `feed`, `resetShadow`, `setModelDamage`, `shadow` events).
 */
import type { ShadowChannel, ShadowFrame } from '../sim/shadow/shadowFrame.ts';

export type { ShadowChannel, ShadowFrame } from '../sim/shadow/shadowFrame.ts';

export const SIM_PROTOCOL_VERSION = 2;

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
  /** Set false to force the CPU step (for comparison, or when WebGPU misbehaves). */
  readonly preferGpu: boolean;
}

export interface SimStatus {
  readonly backend: SimBackendInfo;
  readonly running: boolean;
  /** Model seconds stepped since start (device time the shadow has followed). */
  readonly simTime: number;
  /** Time steps taken (each is one kernel dispatch on WebGPU). */
  readonly steps: number;
  readonly stepsPerSecond: number;
  /** Model seconds per wall-clock second over the last report: 1 when keeping up with live data. */
  readonly realtimeFactor: number;
  /** The shadow model's vertical displacement at the left midspan joint, mm. */
  readonly midspanMm: number;
}

/** A model damage: a member index and its remaining stiffness fraction in (0, 1]. */
export interface ModelDamage {
  readonly member: number;
  readonly health: number;
}

export type SimEvent =
  | { readonly type: 'status'; readonly status: SimStatus }
  /** About 15 times a second; its typed arrays are transferred. */
  | { readonly type: 'shadow'; readonly frame: ShadowFrame }
  | {
      readonly type: 'error';
      readonly reason: 'device_lost' | 'step_failed';
      readonly message: string;
    };

export interface SimWorkerApi {
  protocolVersion(): number;
  /** Requests a WebGPU device (or falls back to the CPU step) and says which it got. */
  init(options: SimInitOptions): Promise<SimBackendInfo>;
  /** Steps the shadow as inputs arrive, with `shadow` frames and a status about 4 times a second. */
  start(onEvent: (event: SimEvent) => void): void;
  stop(): void;
  /** The relay's channel table (kept across `init`). */
  setChannels(channels: readonly ShadowChannel[]): void;
  /**
   * Relay samples as a flat batch (`encodeSampleBatch`, src/workers/sampleBatch.ts); transfer its
   * buffer. Throws a RangeError when its length is not a multiple of 4.
   */
  feed(batch: Float64Array): void;
  /** Back to rest, pending rows dropped: call on a seek or a switch between live and replay. */
  resetShadow(): void;
  /** The model's own damage (null: the design), e.g. a fitted one the user applied. */
  setModelDamage(damage: ModelDamage | null): void;
  dispose(): void;
}
