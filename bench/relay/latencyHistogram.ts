/**
 * Latencies in fixed buckets: 0.05 ms wide up to 2 s, 1 ms wide up to 60 s (beyond: the last
 * bucket). Adding one is an index computation and an increment, so counting every sample costs
 * the clients of every path the same and little; quantiles are exact to the bucket width.
 */
const FINE_MS = 0.05;
const FINE_LIMIT_MS = 2000;
const FINE_BUCKETS = FINE_LIMIT_MS / FINE_MS;
const COARSE_MS = 1;
const COARSE_BUCKETS = 58_000;

export class LatencyHistogram {
  private readonly fine = new Float64Array(FINE_BUCKETS);
  private readonly coarse = new Float64Array(COARSE_BUCKETS);
  count = 0;

  /** Adds `n` samples of latency `ms` (negative clock noise counts as 0). */
  add(ms: number, n = 1): void {
    this.count += n;
    if (ms < FINE_LIMIT_MS) {
      this.fine[ms > 0 ? (ms / FINE_MS) | 0 : 0]! += n;
    } else {
      const i = ((ms - FINE_LIMIT_MS) / COARSE_MS) | 0;
      this.coarse[i < COARSE_BUCKETS ? i : COARSE_BUCKETS - 1]! += n;
    }
  }

  /** Non-empty buckets as `[upper edge ms, count]`, for IPC. */
  toJSON(): [number, number][] {
    const out: [number, number][] = [];
    this.fine.forEach((n, i) => n > 0 && out.push([(i + 1) * FINE_MS, n]));
    this.coarse.forEach((n, i) => n > 0 && out.push([FINE_LIMIT_MS + (i + 1) * COARSE_MS, n]));
    return out;
  }
}

/** The `q` quantile (upper bucket edge) of buckets from one or more histograms' toJSON. */
export function quantileOf(buckets: readonly (readonly [number, number])[], q: number): number {
  const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return NaN;
  const rank = q * total;
  let seen = 0;
  for (const [edge, n] of sorted) {
    seen += n;
    if (seen >= rank) return edge;
  }
  return sorted[sorted.length - 1]![0];
}
