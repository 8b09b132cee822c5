/** Small statistics helpers for the viewer bench's figures. */

/** The q-quantile (nearest rank) of `xs`; NaN when empty. */
export function quantile(xs: readonly number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

/** Three significant digits, as the other benches print; null for NaN (JSON has no NaN). */
export function round(x: number, digits = 3): number | null {
  return Number.isFinite(x) ? Number(x.toPrecision(digits)) : null;
}
