import type { SimBackendInfo, SimEvent, SimStatus } from '../../workers/simProtocol.ts';
import type { ShadowFrame, ShadowResiduals } from './shadowFrame.ts';
import type { ShadowRunner } from './shadowRunner.ts';

export interface ShadowServiceOptions {
  readonly backend: SimBackendInfo;
  /** Wall clock in ms (performance.now in the worker, a fake in tests). */
  readonly now: () => number;
  /** Least wall time between shadow frames (ms); one GPU readback each. */
  readonly frameMs?: number;
  /** Least wall time between status events (ms). */
  readonly statusMs?: number;
  /** Most rows stepped per tick, so a slow backend falls behind rather than freezing the worker. */
  readonly maxRowsPerTick?: number;
  /** Wall time without a new row after which frames say `waitingForInputs` (ms). */
  readonly idleMs?: number;
}

/** The buffers a shadow event can transfer rather than copy. */
export function shadowTransferables(event: SimEvent): ArrayBuffer[] {
  if (event.type !== 'shadow' || event.frame.residuals === null) return [];
  const r = event.frame.residuals;
  return [r.measured, r.simulated, r.residual, r.nodeDisplacement].map(
    (a) => a.buffer as ArrayBuffer,
  );
}

/**
 * The simulation worker's loop around a ShadowRunner, without the worker: each `tick` steps the
 * rows that have arrived, and at most every `frameMs` reads the model back once and emits a
 * `shadow` frame; every `statusMs` a status. The worker calls `tick` from a timer.
 */
export class ShadowService {
  private readonly runner: ShadowRunner;
  private readonly emit: (event: SimEvent) => void;
  private readonly backend: SimBackendInfo;
  private readonly now: () => number;
  private readonly frameMs: number;
  private readonly statusMs: number;
  private readonly maxRowsPerTick: number;
  private readonly idleMs: number;
  private lastFrame = -Infinity;
  private lastStatus: { wall: number; steps: number } | null = null;
  private lastRowAt: number;
  private reading = false;
  private midspanMm = 0;
  running = true;

  constructor(
    runner: ShadowRunner,
    emit: (event: SimEvent) => void,
    options: ShadowServiceOptions,
  ) {
    this.runner = runner;
    this.emit = emit;
    this.backend = options.backend;
    this.now = options.now;
    this.frameMs = options.frameMs ?? 66;
    this.statusMs = options.statusMs ?? 250;
    this.maxRowsPerTick = options.maxRowsPerTick ?? 25;
    this.idleMs = options.idleMs ?? 1000;
    this.lastRowAt = -Infinity;
  }

  /** Steps what has arrived; resolves once any frame it started has been emitted. */
  async tick(): Promise<void> {
    const now = this.now();
    if (this.runner.step(this.maxRowsPerTick) > 0) this.lastRowAt = now;
    if (this.lastStatus === null) this.lastStatus = { wall: now, steps: this.runner.stats().steps };
    if (now - this.lastStatus.wall >= this.statusMs) this.emitStatus(now);
    if (this.reading || now - this.lastFrame < this.frameMs) return;
    this.lastFrame = now;
    this.reading = true;
    try {
      const residuals = await this.runner.readResiduals();
      if (residuals) this.midspanMm = midspan(residuals, this.runner.model.midspanNode);
      this.emit({ type: 'shadow', frame: this.frame(residuals) });
    } finally {
      this.reading = false;
    }
  }

  /** Forgets when the last row came, so `waitingForInputs` waits for the next one. */
  reset(): void {
    this.lastRowAt = -Infinity;
    this.midspanMm = 0;
  }

  private frame(residuals: ShadowResiduals | null): ShadowFrame {
    const missingInputs = this.runner.missingInputs;
    return {
      residuals,
      counters: this.runner.stats(),
      waitingForInputs: missingInputs.length > 0 || this.now() - this.lastRowAt > this.idleMs,
      missingInputs,
    };
  }

  private emitStatus(now: number): void {
    const { steps } = this.runner.stats();
    const last = this.lastStatus!;
    const seconds = (now - last.wall) / 1000;
    const dt = this.runner.model.dt;
    const status: SimStatus = {
      backend: this.backend,
      running: this.running,
      simTime: steps * dt,
      steps,
      stepsPerSecond: (steps - last.steps) / seconds,
      realtimeFactor: ((steps - last.steps) * dt) / seconds,
      midspanMm: this.midspanMm,
    };
    this.lastStatus = { wall: now, steps };
    this.emit({ type: 'status', status });
  }
}

function midspan(residuals: ShadowResiduals, node: number): number {
  return 1000 * residuals.nodeDisplacement[node * 3 + 2]!;
}
