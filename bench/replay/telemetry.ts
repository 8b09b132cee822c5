/**
 * Synthetic 100 Hz telemetry, written straight into `encodeSampleBatch`'s layout
 * (`[channel, deviceTime, value, receiveTime, …]`): each channel a sinusoid of its own amplitude,
 * frequency and offset plus noise, so the stored floats have full, incompressible mantissas as
 * real sensor values do (Chromium compresses IndexedDB values; zeros would flatter both sides).
 */
import { SAMPLE_STRIDE } from '../../src/workers/sampleBatch.ts';

export const SAMPLE_PERIOD_MS = 10;
/** 2026-01-01T00:00:00Z: device times are epoch milliseconds, as the relay's are. */
export const START_TIME = 1_767_225_600_000;

/** mulberry32: small, fast and seedable, so both sides of the bench get the same samples. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Telemetry {
  /** Ticks (10 ms steps) already produced. */
  private tick = 0;
  private readonly offset: Float64Array;
  private readonly amplitude: Float64Array;
  private readonly noise: Float64Array;
  /** Each channel's phasor, rotated by its own angle per tick (no Math.sin per sample). */
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  private readonly stepCos: Float64Array;
  private readonly stepSin: Float64Array;
  private readonly rand: () => number;

  constructor(
    readonly channels: number,
    seed: number,
  ) {
    this.rand = random(seed);
    const r = this.rand;
    this.offset = Float64Array.from({ length: channels }, () => (r() - 0.5) * 200);
    this.amplitude = Float64Array.from({ length: channels }, () => 0.5 + r() * 20);
    this.noise = Float64Array.from({ length: channels }, (_, c) => this.amplitude[c]! * 0.02);
    const phase = Float64Array.from({ length: channels }, () => r() * 2 * Math.PI);
    this.cos = phase.map(Math.cos);
    this.sin = phase.map(Math.sin);
    // 0.2–5 Hz: bridge modes and traffic loading.
    const angle = Float64Array.from(
      { length: channels },
      () => 2 * Math.PI * (0.2 + r() * 4.8) * (SAMPLE_PERIOD_MS / 1000),
    );
    this.stepCos = angle.map(Math.cos);
    this.stepSin = angle.map(Math.sin);
  }

  /** Device time of the first tick not yet produced. */
  get nextTime(): number {
    return START_TIME + this.tick * SAMPLE_PERIOD_MS;
  }

  /** The next `ticks` ticks of every channel, tick by tick as the relay forwards them. */
  batch(ticks: number): Float64Array {
    const out = new Float64Array(ticks * this.channels * SAMPLE_STRIDE);
    const r = this.rand;
    let k = 0;
    for (let i = 0; i < ticks; i++, this.tick++) {
      const time = START_TIME + this.tick * SAMPLE_PERIOD_MS;
      // The relay stamps a batch when it arrives: 15–25 ms after the device sampled it.
      const receiveTime = time + 15 + r() * 10;
      for (let c = 0; c < this.channels; c++) {
        const cos = this.cos[c]!;
        const sin = this.sin[c]!;
        this.cos[c] = cos * this.stepCos[c]! - sin * this.stepSin[c]!;
        this.sin[c] = sin * this.stepCos[c]! + cos * this.stepSin[c]!;
        out[k++] = c;
        out[k++] = time;
        out[k++] = this.offset[c]! + this.amplitude[c]! * sin + this.noise[c]! * (r() + r() - 1);
        out[k++] = receiveTime;
      }
    }
    return out;
  }
}
