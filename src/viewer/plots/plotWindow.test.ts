import { describe, expect, it } from 'vitest';
import {
  bucketGrid,
  covers,
  liveNeed,
  liveWindow,
  MAX_WINDOW_MS,
  MIN_WINDOW_MS,
  needsRequery,
  playbackNeed,
  playbackWindow,
  snapToGrid,
  zoomWindow,
  type TimeWindow,
} from './plotWindow.ts';

const T = 1_700_000_000_000;

/** What a query for `need` leaves held: its window snapped outwards to the grid. */
function held(query: TimeWindow, bucketMs: number) {
  const { k0, k1 } = snapToGrid(query, bucketMs);
  return { window: { t0: k0 * bucketMs, t1: k1 * bucketMs }, bucketMs };
}

describe('windows', () => {
  it('ends the live window at the head', () => {
    expect(liveWindow(T, 30_000, 0)).toEqual({ t0: T - 30_000, t1: T });
  });

  it('starts an "all" live window at the first sample of the recording', () => {
    expect(liveWindow(T, 'all', T - 600_000)).toEqual({ t0: T - 600_000, t1: T });
    expect(liveWindow(T, 'all', T)).toEqual({ t0: T - MIN_WINDOW_MS, t1: T });
  });

  it('centres the playback window on the cursor', () => {
    expect(playbackWindow(T, 10_000, T - 60_000, T + 60_000)).toEqual({
      t0: T - 5_000,
      t1: T + 5_000,
    });
  });

  it('shows the whole recording for "all" in playback', () => {
    expect(playbackWindow(T, 'all', T - 60_000, T + 60_000)).toEqual({
      t0: T - 60_000,
      t1: T + 60_000,
    });
  });

  it('zooms out on a wheel turn down and in on one up, by the same factor', () => {
    const out = zoomWindow(30_000, 100);
    const back = zoomWindow(out, -100);
    expect(out).toBeGreaterThan(30_000);
    expect(back).toBeCloseTo(30_000, 6);
    expect(zoomWindow(30_000, 3, 1)).toBeCloseTo(zoomWindow(30_000, 48, 0), 6);
  });

  it('keeps the zoomed span between one second and a day', () => {
    expect(zoomWindow(2_000, -10_000)).toBe(MIN_WINDOW_MS);
    expect(zoomWindow(MAX_WINDOW_MS, 10_000)).toBe(MAX_WINDOW_MS);
  });
});

describe('bucketGrid', () => {
  it('makes about one bucket per pixel, never fewer pixels than buckets', () => {
    const g = bucketGrid({ t0: T - 30_000, t1: T }, 600);
    expect(g.bucketMs).toBeGreaterThanOrEqual(50);
    expect(g.bucketMs).toBeLessThan(50 * 1.19);
    expect(g.k1 - g.k0 + 1).toBeLessThanOrEqual(601);
  });

  it('keeps the bucket width while a plot is resized by a few pixels', () => {
    const w = { t0: T - 30_000, t1: T };
    expect(bucketGrid(w, 590).bucketMs).toBe(bucketGrid(w, 596).bucketMs);
  });

  it('anchors buckets in device time, so a sliding window keeps its bucket edges', () => {
    const a = bucketGrid({ t0: T - 30_000, t1: T }, 600);
    const b = bucketGrid({ t0: T - 29_990, t1: T + 10 }, 600);
    expect(b.bucketMs).toBe(a.bucketMs);
    expect(a.k0).toBe(Math.floor((T - 30_000) / a.bucketMs));
    expect(b.k0 - a.k0).toBeLessThanOrEqual(1);
  });
});

describe('re-query decision', () => {
  const recording = { t0: T - 3_600_000, t1: T + 3_600_000 };
  const span = 30_000;
  const at = (cursor: number) => playbackWindow(cursor, span, recording.t0, recording.t1);

  it('asks for a query when nothing is held', () => {
    const need = playbackNeed(at(T), recording, 50)!;
    expect(needsRequery(null, need, 50)).toBe(true);
  });

  it('reads a quarter of the span beyond each side of the window', () => {
    const need = playbackNeed(at(T), recording, 50)!;
    expect(need.query).toEqual({ t0: T - 22_500, t1: T + 22_500 });
  });

  it('does not re-query while the window moves less than 15 % of its span', () => {
    const bucketMs = bucketGrid(at(T), 600).bucketMs;
    const h = held(playbackNeed(at(T), recording, bucketMs)!.query, bucketMs);
    for (const moved of [0, 0.05, 0.1, -0.1, 0.14]) {
      const need = playbackNeed(at(T + moved * span), recording, bucketMs)!;
      expect(needsRequery(h, need, bucketMs)).toBe(false);
    }
  });

  it('re-queries once the window has moved more than 15–20 % of its span', () => {
    const bucketMs = bucketGrid(at(T), 600).bucketMs;
    const h = held(playbackNeed(at(T), recording, bucketMs)!.query, bucketMs);
    for (const moved of [0.2, -0.2, 1]) {
      const need = playbackNeed(at(T + moved * span), recording, bucketMs)!;
      expect(needsRequery(h, need, bucketMs)).toBe(true);
    }
  });

  it('re-queries when the bucket width changes (zoom or resize)', () => {
    const need = playbackNeed(at(T), recording, 50)!;
    expect(needsRequery(held(need.query, 50), need, 100)).toBe(true);
  });

  it('does not re-query forever where the window reaches past the recording', () => {
    const short = { t0: T, t1: T + 20_000 };
    const window = playbackWindow(T + 1_000, span, short.t0, short.t1);
    const need = playbackNeed(window, short, 50)!;
    expect(need.query).toEqual(short);
    expect(needsRequery(held(need.query, 50), need, 50)).toBe(false);
  });

  it('needs nothing recorded live while the history covers the window', () => {
    const w = liveWindow(T, 10_000, 0);
    expect(liveNeed(w, T - 20_000, T - 60_000, 50)).toBeNull();
  });

  it('reads the part of a live window older than the history from the recording', () => {
    const w = liveWindow(T, 120_000, 0);
    const need = liveNeed(w, T - 20_000, T - 60_000, 200)!;
    expect(need.check).toEqual({ t0: T - 60_000, t1: T - 20_000 });
    expect(need.query).toEqual({ t0: T - 60_000, t1: T });
  });

  it('re-queries live once the history starts after what the last query read', () => {
    const bucketMs = 200;
    const first = liveNeed(liveWindow(T, 120_000, 0), T - 20_000, null, bucketMs)!;
    const h = held(first.query, bucketMs);
    const later = (s: number) =>
      liveNeed(liveWindow(T + s, 120_000, 0), T + s - 20_000, null, bucketMs)!;
    expect(needsRequery(h, later(10_000), bucketMs)).toBe(false);
    expect(needsRequery(h, later(21_000), bucketMs)).toBe(true);
  });

  it('treats edges within the tolerance as covered', () => {
    expect(covers({ t0: 10, t1: 20 }, { t0: 9, t1: 21 }, 1)).toBe(true);
    expect(covers({ t0: 10, t1: 20 }, { t0: 8, t1: 20 }, 1)).toBe(false);
  });
});
