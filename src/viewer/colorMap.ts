/** Diverging colour map for signed values (compression blue, zero pale, tension red), RGB 0–1. */
export function divergingColor(
  value: number,
  limit: number,
  out: { r: number; g: number; b: number },
): void {
  const t = Math.max(-1, Math.min(1, Number.isFinite(value) ? value / limit : 0));
  const pale = [0.93, 0.93, 0.9] as const;
  const end = t < 0 ? ([0.23, 0.51, 0.96] as const) : ([0.94, 0.27, 0.27] as const);
  const w = Math.abs(t);
  out.r = pale[0] + (end[0] - pale[0]) * w;
  out.g = pale[1] + (end[1] - pale[1]) * w;
  out.b = pale[2] + (end[2] - pale[2]) * w;
}

/** CSS gradient matching `divergingColor`, for legends. */
export const DIVERGING_GRADIENT =
  'linear-gradient(90deg, rgb(59,130,245), rgb(237,237,230), rgb(240,69,69))';

/** Sequential colour map for magnitudes 0…limit (dark blue → teal → yellow), RGB 0–1. */
export function sequentialColor(
  value: number,
  limit: number,
  out: { r: number; g: number; b: number },
): void {
  const t = Math.max(0, Math.min(1, Number.isFinite(value) ? Math.abs(value) / limit : 0));
  const stops = [
    [0.12, 0.16, 0.38],
    [0.13, 0.57, 0.55],
    [0.99, 0.91, 0.15],
  ] as const;
  const s = t < 0.5 ? 0 : 1;
  const w = t < 0.5 ? t * 2 : (t - 0.5) * 2;
  const a = stops[s];
  const b = stops[s + 1]!;
  out.r = a[0] + (b[0] - a[0]) * w;
  out.g = a[1] + (b[1] - a[1]) * w;
  out.b = a[2] + (b[2] - a[2]) * w;
}

/** CSS gradient matching `sequentialColor`, for legends. */
export const SEQUENTIAL_GRADIENT =
  'linear-gradient(90deg, rgb(31,41,97), rgb(33,145,140), rgb(252,232,38))';
