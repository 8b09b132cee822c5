/**
 * Which stretch of device time a plot shows, how finely it is bucketed, and when the decimated
 * data under it must be read again. Pure: times are ms since the epoch, widths CSS pixels.
 */

/** A plot's visible span in ms, or the whole recording (`'all'`). */
export type WindowSpan = number | 'all';

/** Device-time interval, t0 ≤ t1 (ms since the epoch). */
export interface TimeWindow {
  readonly t0: number;
  readonly t1: number;
}

export const DEFAULT_WINDOW_MS = 30_000;
export const MIN_WINDOW_MS = 1_000;
export const MAX_WINDOW_MS = 24 * 3_600_000;

export const WINDOW_PRESETS: readonly { readonly label: string; readonly span: WindowSpan }[] = [
  { label: '10 s', span: 10_000 },
  { label: '30 s', span: 30_000 },
  { label: '2 min', span: 120_000 },
  { label: '10 min', span: 600_000 },
  { label: 'All', span: 'all' },
];

/**
 * Data are fetched this fraction of the span beyond each side of the visible window, and fetched
 * again once the window has moved `REQUERY_FRACTION` of its span: the rest of the padding covers
 * what scrolls into view while the new query runs.
 */
export const PREFETCH_FRACTION = 0.25;
export const REQUERY_FRACTION = 0.15;

export function clampWindowMs(ms: number): number {
  return Math.min(MAX_WINDOW_MS, Math.max(MIN_WINDOW_MS, ms));
}

/**
 * The span after a wheel turn: exponential, so each notch zooms by the same factor (about 22 % a
 * 100-pixel notch); down/positive zooms out. `deltaMode` is the WheelEvent's (1: lines, 2: pages).
 */
export function zoomWindow(spanMs: number, deltaY: number, deltaMode = 0): number {
  const pixels = deltaY * (deltaMode === 1 ? 16 : deltaMode === 2 ? 400 : 1);
  return clampWindowMs(spanMs * Math.exp(pixels * 0.002));
}

/** Live: the span ending at the newest sample; `'all'` starts at `earliest` (the recording's first sample). */
export function liveWindow(head: number, span: WindowSpan, earliest: number): TimeWindow {
  const length = span === 'all' ? Math.max(MIN_WINDOW_MS, head - earliest) : span;
  return { t0: head - length, t1: head };
}

/**
 * Playback: the span centred on the cursor, so scrubbing shows what comes before and after it
 * (as Foxglove's plots do); `'all'` is the whole recording with the cursor moving across it.
 */
export function playbackWindow(
  cursor: number,
  span: WindowSpan,
  start: number,
  end: number,
): TimeWindow {
  if (span === 'all') return { t0: start, t1: Math.max(end, start + MIN_WINDOW_MS) };
  return { t0: cursor - span / 2, t1: cursor + span / 2 };
}

/** Buckets of `bucketMs` on a grid fixed in device time: bucket k covers [k·bucketMs, (k+1)·bucketMs). */
export interface BucketGrid {
  readonly bucketMs: number;
  /** First and last bucket (inclusive) that touch the window. */
  readonly k0: number;
  readonly k1: number;
}

/**
 * About one bucket per pixel. The width is rounded up to a quarter-octave step so that it stays
 * the same while a live window slides or a plot is resized by a few pixels (every change of
 * width means a new query), and the grid is anchored at time 0 so a sliding window's buckets do
 * not change their contents from one frame to the next.
 */
export function bucketGrid(window: TimeWindow, widthPx: number): BucketGrid {
  const raw = Math.max(1e-3, (window.t1 - window.t0) / Math.max(1, widthPx));
  const bucketMs = 2 ** (Math.ceil(Math.log2(raw) * 4 - 1e-9) / 4);
  return {
    bucketMs,
    k0: Math.floor(window.t0 / bucketMs),
    k1: Math.floor(window.t1 / bucketMs),
  };
}

/** Snaps a window outwards to whole buckets: [k0, k1) with at least one bucket. */
export function snapToGrid(window: TimeWindow, bucketMs: number): { k0: number; k1: number } {
  const k0 = Math.floor(window.t0 / bucketMs);
  return { k0, k1: Math.max(k0 + 1, Math.ceil(window.t1 / bucketMs)) };
}

export function intersect(a: TimeWindow, b: TimeWindow): TimeWindow | null {
  const t0 = Math.max(a.t0, b.t0);
  const t1 = Math.min(a.t1, b.t1);
  return t1 >= t0 ? { t0, t1 } : null;
}

export function expand(w: TimeWindow, by: number): TimeWindow {
  return { t0: w.t0 - by, t1: w.t1 + by };
}

/** Whether `outer` holds `inner`, allowing either edge to fall short by `tolerance`. */
export function covers(outer: TimeWindow, inner: TimeWindow, tolerance = 0): boolean {
  return outer.t0 <= inner.t0 + tolerance && outer.t1 >= inner.t1 - tolerance;
}

/** The stretch of the recording a query should read for the visible window. */
export interface RecordedNeed {
  /** What must already be held for the data on screen to be complete soon (re-query when not). */
  readonly check: TimeWindow;
  /** What to read when querying again. */
  readonly query: TimeWindow;
  /** How far either edge of `check` may fall short before it counts as uncovered. */
  readonly tolerance: number;
}

/**
 * Playback: the visible window within the recording. A query reads `PREFETCH_FRACTION` of the
 * span beyond each side; a new one is due once the window has moved `REQUERY_FRACTION` of its
 * span from where the last one was centred (or the recording grew by a noticeable part of it).
 */
export function playbackNeed(
  visible: TimeWindow,
  recording: TimeWindow,
  bucketMs: number,
): RecordedNeed | null {
  const span = visible.t1 - visible.t0;
  const inside = intersect(visible, recording);
  if (!inside) return null;
  const check = intersect(expand(inside, (PREFETCH_FRACTION - REQUERY_FRACTION) * span), recording);
  const query = intersect(expand(inside, PREFETCH_FRACTION * span), recording);
  if (!check || !query) return null;
  return { check, query, tolerance: Math.max(bucketMs, 0.02 * span) };
}

/**
 * Live: live histories are short (about 20 s at 100 Hz), so the part of the window older than
 * `historyFrom` comes from the recording being written. A query reads from the window's start to
 * the head; it is due again once the history no longer reaches back to where that query ended.
 * Null when the history covers the whole window.
 */
export function liveNeed(
  visible: TimeWindow,
  historyFrom: number,
  recordingStart: number | null,
  bucketMs: number,
): RecordedNeed | null {
  const from = recordingStart === null ? visible.t0 : Math.max(visible.t0, recordingStart);
  if (!(historyFrom > from + bucketMs)) return null;
  const check = { t0: from, t1: Math.min(historyFrom, visible.t1) };
  if (check.t1 <= check.t0) return null;
  return { check, query: { t0: from, t1: visible.t1 }, tolerance: bucketMs };
}

/** A new query is due: nothing held yet, another bucket width, or `need.check` not covered. */
export function needsRequery(
  held: { readonly window: TimeWindow; readonly bucketMs: number } | null,
  need: RecordedNeed,
  bucketMs: number,
): boolean {
  if (!held || held.bucketMs !== bucketMs) return true;
  return !covers(held.window, need.check, need.tolerance);
}
