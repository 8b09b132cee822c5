/**
 * Decides, from the first frames a scene draws, whether the GPU is too slow to afford
 * multisample antialiasing. On a software rasterizer (SwiftShader) or a weak integrated GPU,
 * MSAA is most of a frame's cost: the viewer bench's 10k-entity tower drew 0.8 frames/s with it
 * and 1.6 without it on SwiftShader.
 */
export interface FrameRateJudgeOptions {
  /** Frames not counted at the start: they include shader compilation and first uploads. */
  readonly warmupFrames?: number;
  /** Frame intervals whose median decides. */
  readonly window?: number;
  /** A median interval above this (ms) is slow: below 10 frames/s by default. */
  readonly slowMs?: number;
}

export type FrameRateVerdict =
  | { readonly slow: true; readonly medianMs: number }
  | { readonly slow: false; readonly medianMs: number };

export class FrameRateJudge {
  private readonly warmup: number;
  private readonly window: number;
  private readonly slowMs: number;
  private seen = 0;
  private last: number | null = null;
  private readonly intervals: number[] = [];
  private verdict: FrameRateVerdict | null = null;

  constructor(options: FrameRateJudgeOptions = {}) {
    this.warmup = options.warmupFrames ?? 3;
    this.window = options.window ?? 8;
    this.slowMs = options.slowMs ?? 100;
    if (!(this.window >= 1 && this.slowMs > 0 && this.warmup >= 0))
      throw new RangeError(
        'FrameRateJudge: window must be ≥ 1, slowMs > 0 and warmupFrames ≥ 0; pass other options.',
      );
  }

  /**
   * Notes a drawn frame at `now` (ms). `hidden`: the page was hidden, so the gap before this
   * frame says nothing about the GPU and is not counted. Returns the verdict once there is one,
   * and the same verdict after that.
   */
  frame(now: number, hidden = false): FrameRateVerdict | null {
    if (this.verdict) return this.verdict;
    this.seen += 1;
    const previous = this.last;
    this.last = now;
    if (hidden || previous === null || this.seen <= this.warmup) return null;
    this.intervals.push(now - previous);
    if (this.intervals.length < this.window) return null;
    const sorted = [...this.intervals].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    const medianMs = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    this.verdict = { slow: medianMs > this.slowMs, medianMs };
    return this.verdict;
  }
}
