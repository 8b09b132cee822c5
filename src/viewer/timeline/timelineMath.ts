/**
 * Pure helpers of the timeline: the span it shows, pixels ↔ device time, clock labels and tick
 * spacing. No DOM, so they are tested in Node.
 */

/** Device-time span the track shows (ms since the epoch), t1 > t0. */
export interface TimeSpan {
  readonly t0: number;
  readonly t1: number;
}

/** Device time at `x` pixels into a track `width` pixels wide (clamped to the span). */
export function timeAt(span: TimeSpan, x: number, width: number): number {
  const fraction = width > 0 ? Math.min(1, Math.max(0, x / width)) : 0;
  return span.t0 + fraction * (span.t1 - span.t0);
}

/** Fraction (0…1, unclamped) of the track at device time `t`. */
export function fractionOf(span: TimeSpan, t: number): number {
  const length = span.t1 - span.t0;
  return length > 0 ? (t - span.t0) / length : 1;
}

export type ClockMode = 'absolute' | 'relative';

const pad = (n: number, width = 2) => String(Math.trunc(n)).padStart(width, '0');

/** Wall-clock time of day with milliseconds, `14:03:07.250`, in local time. */
export function formatAbsolute(t: number): string {
  if (!Number.isFinite(t)) return '--:--:--.---';
  const d = new Date(t);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** Time since `origin`: `+1:02.250` (minutes:seconds), `+1:02:03.250` past an hour, `−` before. */
export function formatRelative(t: number, origin: number): string {
  if (!Number.isFinite(t) || !Number.isFinite(origin)) return '+-:--.---';
  const delta = Math.round(t - origin);
  const sign = delta < 0 ? '−' : '+';
  const abs = Math.abs(delta);
  const ms = abs % 1000;
  const s = Math.floor(abs / 1000) % 60;
  const m = Math.floor(abs / 60_000) % 60;
  const h = Math.floor(abs / 3_600_000);
  const tail = `${pad(s)}.${pad(ms, 3)}`;
  return h > 0 ? `${sign}${h}:${pad(m)}:${tail}` : `${sign}${m}:${tail}`;
}

export function formatTime(t: number, mode: ClockMode, origin: number): string {
  return mode === 'absolute' ? formatAbsolute(t) : formatRelative(t, origin);
}

const TICK_STEPS_MS = [
  10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000,
  600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000,
];

/**
 * Tick times for a track `width` px wide, about every `minSpacingPx`: round steps of device time
 * (in relative mode counted from `origin`, so they fall on whole seconds since the start).
 */
export function ticks(
  span: TimeSpan,
  width: number,
  mode: ClockMode,
  origin: number,
  minSpacingPx = 90,
): { step: number; times: number[] } {
  const length = span.t1 - span.t0;
  if (!(length > 0) || !(width > 0)) return { step: 0, times: [] };
  const wanted = (length * minSpacingPx) / width;
  const step =
    TICK_STEPS_MS.find((s) => s >= wanted) ?? Math.ceil(wanted / 86_400_000) * 86_400_000;
  // Absolute ticks fall on whole local clock steps; relative ones on steps from the origin.
  const base = mode === 'relative' ? origin : new Date(span.t0).getTimezoneOffset() * 60_000;
  const first = base + Math.ceil((span.t0 - base) / step) * step;
  const times: number[] = [];
  for (let t = first; t <= span.t1 && times.length < 1000; t += step) times.push(t);
  return { step, times };
}

/** A tick's label: short, to the precision the step needs. */
export function tickLabel(t: number, step: number, mode: ClockMode, origin: number): string {
  const full = formatTime(t, mode, origin);
  // Drop milliseconds for steps of a second or more, seconds too for steps of a minute or more.
  if (step >= 60_000) return full.replace(/:\d\d\.\d{3}$/, '');
  if (step >= 1000) return full.replace(/\.\d{3}$/, '');
  return full;
}

/** The loop region a drag from `a` to `b` selects, or null when it is too short to mean one. */
export function dragRegion(a: number, b: number, minMs = 10): TimeSpan | null {
  const t0 = Math.min(a, b);
  const t1 = Math.max(a, b);
  return t1 - t0 >= minMs ? { t0, t1 } : null;
}
