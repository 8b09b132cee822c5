import { bottomNode, buildFootbridge, FOOTBRIDGE } from '../twin/footbridge.ts';
import { FootbridgeLoads } from '../twin/footbridgeLoads.ts';
import { footbridgeTimeStep } from '../twin/footbridgeSim.ts';
import { STATE_STRIDE, packTruss, setMemberHealth, type PackedTruss } from '../twin/trussModel.ts';
import type { SimBackend } from './simBackend.ts';

const SAMPLE_RATE = 100;
/** Most samples taken in one tick, so a slow backend falls behind instead of freezing the worker. */
const MAX_SAMPLES_PER_TICK = 10;

export interface RunnerReport {
  readonly simTime: number;
  readonly steps: number;
  readonly midspanMm: number;
}

/**
 * Runs the footbridge model with its load model in (approximately) real time on any SimBackend.
 * `tick(now)` advances by the samples the wall clock asks for.
 */
export class FootbridgeRunner {
  readonly truss: PackedTruss;
  readonly dt: number;
  readonly substeps: number;
  private readonly loads: FootbridgeLoads;
  private readonly load: Float32Array;
  private backend: SimBackend | null = null;
  private startedAt = 0;
  private samples = 0;
  private damagedMember: number | null = null;
  private readonly midspanNode = bottomNode('L', FOOTBRIDGE.panels / 2);
  private midspanMm = 0;

  constructor(seed: number) {
    this.truss = packTruss(buildFootbridge());
    const { dt, substeps } = footbridgeTimeStep(this.truss, SAMPLE_RATE);
    this.dt = dt;
    this.substeps = substeps;
    this.loads = new FootbridgeLoads(this.truss.nodeCount, { seed });
    this.load = new Float32Array(this.truss.nodeCount * 4);
  }

  attach(backend: SimBackend, now: number): void {
    this.backend = backend;
    this.startedAt = now - (this.samples * 1000) / SAMPLE_RATE;
  }

  setDamage(damage: { member: number; health: number } | null): void {
    if (this.damagedMember !== null) setMemberHealth(this.truss, this.damagedMember, 1);
    if (damage) setMemberHealth(this.truss, damage.member, damage.health);
    this.damagedMember = damage?.member ?? null;
    this.backend?.updateMembers(this.truss);
  }

  /** Advances to wall-clock time `now` (ms). Returns the number of samples taken. */
  tick(now: number): number {
    if (!this.backend) return 0;
    const due = Math.floor(((now - this.startedAt) * SAMPLE_RATE) / 1000) - this.samples;
    const count = Math.min(Math.max(due, 0), MAX_SAMPLES_PER_TICK);
    for (let i = 0; i < count; i++) {
      this.loads.advance(1 / SAMPLE_RATE, this.load);
      this.backend.advance(this.load, this.substeps);
    }
    this.samples += count;
    if (due > MAX_SAMPLES_PER_TICK * 4) {
      // Too far behind to catch up: let the clock go and stay live.
      this.startedAt = now - (this.samples * 1000) / SAMPLE_RATE;
    }
    return count;
  }

  async refresh(): Promise<void> {
    if (!this.backend) return;
    const state = await this.backend.readState();
    this.midspanMm = 1000 * state[this.midspanNode * STATE_STRIDE + 2]!;
  }

  report(): RunnerReport {
    return {
      simTime: this.samples / SAMPLE_RATE,
      steps: this.samples * this.substeps,
      midspanMm: this.midspanMm,
    };
  }

  dispose(): void {
    this.backend?.dispose();
    this.backend = null;
  }
}
