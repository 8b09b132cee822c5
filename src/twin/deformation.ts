import { FOOTBRIDGE, FOOTBRIDGE_SPAN, type Side } from './footbridge.ts';

/** Natural cubic spline through (xs, ys); xs strictly increasing. Returns an evaluator. */
export function naturalSpline(xs: readonly number[], ys: readonly number[]): (x: number) => number {
  const n = xs.length;
  const h = xs.slice(1).map((x, i) => x - xs[i]!);
  // Solve the tridiagonal system for second derivatives m (m0 = m_{n-1} = 0).
  const m = new Array<number>(n).fill(0);
  const a = new Array<number>(n).fill(0);
  const b = new Array<number>(n).fill(1);
  const c = new Array<number>(n).fill(0);
  const d = new Array<number>(n).fill(0);
  for (let i = 1; i < n - 1; i++) {
    a[i] = h[i - 1]!;
    b[i] = 2 * (h[i - 1]! + h[i]!);
    c[i] = h[i]!;
    d[i] = 6 * ((ys[i + 1]! - ys[i]!) / h[i]! - (ys[i]! - ys[i - 1]!) / h[i - 1]!);
  }
  for (let i = 1; i < n; i++) {
    const w = a[i]! / b[i - 1]!;
    b[i] = b[i]! - w * c[i - 1]!;
    d[i] = d[i]! - w * d[i - 1]!;
  }
  for (let i = n - 2; i > 0; i--) m[i] = (d[i]! - c[i]! * m[i + 1]!) / b[i]!;
  return (x: number) => {
    let i = 0;
    while (i < n - 2 && x > xs[i + 1]!) i++;
    const hi = h[i]!;
    const t = x - xs[i]!;
    const u = xs[i + 1]! - x;
    return (
      (m[i]! * u ** 3 + m[i + 1]! * t ** 3) / (6 * hi) +
      (ys[i]! / hi - (m[i]! * hi) / 6) * u +
      (ys[i + 1]! / hi - (m[i + 1]! * hi) / 6) * t
    );
  };
}

/** Displacement sensor readings (mm) the deformed shape is built from; NaN where missing. */
export interface DeflectionReadings {
  readonly vertical: Record<Side, readonly [number, number, number]>;
  readonly lateral: readonly [number, number, number];
}

export const DEFLECTION_CHANNELS = {
  vertical: {
    L: ['disp.z.L25', 'disp.z.L50', 'disp.z.L75'],
    R: ['disp.z.R25', 'disp.z.R50', 'disp.z.R75'],
  },
  lateral: ['disp.y.L25', 'disp.y.L50', 'disp.y.L75'],
} as const;

/**
 * The bridge's deflected shape from its displacement sensors: along each truss, a natural cubic
 * spline through the pinned supports (zero) and the quarter-, mid- and three-quarter-span
 * readings, vertically per side and laterally for the deck. Returns metres.
 */
export function deflectionProfile(readings: DeflectionReadings): {
  vertical(side: Side, x: number): number;
  lateral(x: number): number;
} {
  const xs = [0, 0.25, 0.5, 0.75, 1].map((f) => f * FOOTBRIDGE_SPAN);
  const fit = (values: readonly number[]) =>
    naturalSpline(xs, [0, ...values.map((v) => (Number.isFinite(v) ? v / 1000 : 0)), 0]);
  const left = fit(readings.vertical.L);
  const right = fit(readings.vertical.R);
  const lateral = fit(readings.lateral);
  return {
    vertical: (side, x) => (side === 'L' ? left(x) : right(x)),
    lateral,
  };
}

/** Writes each node's displacement (xyz, metres) into `out` (3 floats per node). */
export function nodeDisplacements(
  readings: DeflectionReadings,
  nodes: readonly { readonly position: readonly [number, number, number] }[],
  out: Float32Array,
): void {
  const profile = deflectionProfile(readings);
  nodes.forEach((node, i) => {
    const [x, y] = node.position;
    const side: Side = y < FOOTBRIDGE.width / 2 ? 'L' : 'R';
    out[i * 3] = 0;
    out[i * 3 + 1] = profile.lateral(x);
    out[i * 3 + 2] = profile.vertical(side, x);
  });
}
