/**
 * Per-device clock offset and drift from (device time, relay receive time) pairs.
 *
 * Model: receive ≈ a + b·(device − reference). `b − 1` is the drift (ppm scale), `a` the relay
 * time at the reference device time. Receive times carry network and queueing delay: positive,
 * heavy-tailed, with bursts when a broker stalls. Least squares would follow those bursts, so the
 * fit is Theil–Sen — the slope is the median of pairwise slopes and the intercept the median of
 * residuals — which tolerates up to ~29 % outliers, needs no tuning constant (unlike IRLS with a
 * Huber scale) and is deterministic. It is O(n²), so it runs on a bounded window of the latest
 * pairs (256 by default: 32 640 slopes, well under a millisecond).
 *
 * The intercept includes the median delay: device times map to "when the relay typically hears
 * of it", which is the timeline the relay's other sources live on.
 */

export interface ClockPair {
  readonly deviceTime: number;
  readonly receiveTime: number;
}

export interface ClockFit {
  /** Relay time at `reference` device time (ms). */
  readonly offsetAtReference: number;
  readonly reference: number;
  /** Relay ms per device ms; 1 + drift. */
  readonly slope: number;
  /** Median absolute residual of the pairs (ms): the jitter the fit saw. */
  readonly jitterMs: number;
  readonly pairs: number;
}

export class ClockFitError extends Error {
  override readonly name = 'ClockFitError';
  readonly reason = 'not_enough_pairs' as const;
  constructor(message: string) {
    super(`Clock fit: ${message}`);
  }
}

/** Device time → relay time under a fit. */
export function toRelayTime(fit: ClockFit, deviceTime: number): number {
  return fit.offsetAtReference + fit.slope * (deviceTime - fit.reference);
}

/** Theil–Sen fit of the pairs. With a single pair (or one distinct device time) the slope is 1. */
export function fitClock(pairs: readonly ClockPair[]): ClockFit {
  const n = pairs.length;
  if (n === 0)
    throw new ClockFitError('no (device, receive) pairs yet; add samples before fitting.');
  // Work relative to the first pair: epoch-ms values (~1.7e12) would cost precision in slopes.
  const reference = pairs[0]!.deviceTime;
  const receiveReference = pairs[0]!.receiveTime;
  const x = pairs.map((p) => p.deviceTime - reference);
  const y = pairs.map((p) => p.receiveTime - receiveReference);
  // A typed array sorts numerically in native code: ~10× faster than number[] with a comparator.
  const slopes = new Float64Array((n * (n - 1)) / 2);
  let count = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = x[j]! - x[i]!;
      if (dx !== 0) slopes[count++] = (y[j]! - y[i]!) / dx;
    }
  }
  const slope = count > 0 ? median(slopes.subarray(0, count)) : 1;
  const residuals = Float64Array.from(x, (xi, i) => y[i]! - slope * xi);
  const intercept = median(residuals);
  const jitterMs = median(residuals.map((r) => Math.abs(r - intercept)));
  return { offsetAtReference: receiveReference + intercept, reference, slope, jitterMs, pairs: n };
}

/** Keeps the latest `window` pairs of one device and fits them on demand. */
export class ClockEstimator {
  private readonly pairs: ClockPair[] = [];
  private cached: ClockFit | undefined;

  constructor(private readonly window = 256) {}

  add(deviceTime: number, receiveTime: number): void {
    if (!Number.isFinite(deviceTime) || !Number.isFinite(receiveTime)) return;
    this.pairs.push({ deviceTime, receiveTime });
    if (this.pairs.length > this.window) this.pairs.shift();
    this.cached = undefined;
  }

  /** The current fit, or null before the first pair. */
  fit(): ClockFit | null {
    if (this.pairs.length === 0) return null;
    this.cached ??= fitClock(this.pairs);
    return this.cached;
  }
}

/** Median of `values` (sorted in place). */
function median(values: Float64Array): number {
  values.sort();
  const mid = values.length >> 1;
  return values.length % 2 === 1 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
}
