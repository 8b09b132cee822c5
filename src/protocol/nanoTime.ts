/**
 * Millisecond floats (Twinbench) ↔ integer nanoseconds (MCAP, the Foxglove protocol), exact by
 * construction.
 *
 * `BigInt(Math.round(ms * 1e6))` and `Number(ns) / 1e6` each round once more than needed: past
 * 2^53 ns (about 104 days, so every epoch time) `ms * 1e6` is no longer an integer and the
 * division can land one ulp off. Splitting at the decimal point avoids both: `ms - floor(ms)` is
 * exact in float64, and the way back parses the decimal `"<ms>.<6 digits>"`, which JavaScript
 * rounds once, to the nearest double. So every time that is the nearest double to a whole number
 * of nanoseconds round-trips exactly — which includes every epoch-ms time (their ulp exceeds
 * 1 ns) and every decimal with at most six digits after the point. Finer detail (below 1 ns)
 * is what MCAP cannot hold; it is rounded to the nearest nanosecond.
 */
const NS_PER_MS = 1_000_000n;

/** Nanoseconds for a time in ms; the wire times are uint64, so it must be finite and ≥ 0. */
export function msToNs(ms: number): bigint {
  if (!(ms >= 0) || !Number.isFinite(ms)) {
    throw new RangeError(
      `MCAP and Foxglove times are unsigned nanoseconds; ${ms} ms cannot be written. Shift the times to be ≥ 0.`,
    );
  }
  let whole = Math.floor(ms);
  let fraction = Math.round((ms - whole) * 1e6);
  if (fraction === 1_000_000) {
    whole += 1;
    fraction = 0;
  }
  return BigInt(whole) * NS_PER_MS + BigInt(fraction);
}

/** The nearest float64 ms to `ns` nanoseconds. */
export function nsToMs(ns: bigint): number {
  const whole = ns / NS_PER_MS;
  const fraction = ns % NS_PER_MS;
  if (fraction === 0n) return Number(whole);
  return Number(`${whole}.${fraction.toString().padStart(6, '0')}`);
}
