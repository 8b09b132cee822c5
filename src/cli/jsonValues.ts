/**
 * Numbers for the CLI's JSON: GPU values are float32, so seven significant digits say all they
 * hold (`1000 · f32` would otherwise print as 998.4567165374756). Non-finite values become null,
 * as JSON has no NaN.
 */
export function f32Value(v: number): number | null {
  return Number.isFinite(v) ? Number(v.toPrecision(7)) : null;
}

export function f32Values(values: ArrayLike<number>): (number | null)[] {
  return Array.from(values, f32Value);
}

/** A float64 value (a loss, a fitted parameter) for JSON: full precision, null when not finite. */
export function f64Value(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

export interface Summary {
  readonly length: number;
  readonly min: number | null;
  readonly max: number | null;
  readonly mean: number | null;
  /** Elements that are NaN or infinite (a diverged model), left out of min, max and mean. */
  readonly nonFinite: number;
}

/** Min, max and mean of a buffer's finite elements. */
export function summarise(values: ArrayLike<number>): Summary {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let finite = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    finite += 1;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return {
    length: values.length,
    min: finite ? f32Value(min) : null,
    max: finite ? f32Value(max) : null,
    mean: finite ? f32Value(sum / finite) : null,
    nonFinite: values.length - finite,
  };
}

/** A fixed-width text table: the first row is the header; numbers are right-aligned. */
export function table(rows: readonly (readonly (string | number | null)[])[]): string[] {
  const text = rows.map((row) => row.map((c) => (c === null ? '–' : String(c))));
  const widths = text[0]!.map((_, i) => Math.max(...text.map((r) => r[i]?.length ?? 0)));
  const numeric = text[0]!.map((_, i) => rows.slice(1).some((row) => typeof row[i] === 'number'));
  return text.map((row) =>
    row
      .map((c, i) => (numeric[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}
