import { describe, expect, it } from 'vitest';
import { MinMaxBuckets, type RangeSeries } from '../../replay/minMaxBuckets.ts';
import { SampleRing } from '../../telemetry/liveTelemetry.ts';
import { countPoints } from './plotData.ts';
import { PlotFeed, type FeedInput, type HistorySource, type RecordingRef } from './plotFeed.ts';

const T = 1_700_000_000_000;
const WIDTH = 600;

/** Live histories: one ring per channel, filled at 100 Hz up to `head`. */
function histories(names: readonly string[], head: number, capacity = 2048): HistorySource {
  const rings = new Map(
    names.map((name) => {
      const ring = new SampleRing(capacity);
      for (let t = head - capacity * 10 + 10; t <= head; t += 10) ring.push(t, Math.sin(t / 1000));
      return [name, { history: ring }] as const;
    }),
  );
  return { channel: (name) => rings.get(name) };
}

interface Call {
  readonly recordingId: string;
  readonly t0: number;
  readonly t1: number;
  readonly ids: readonly number[];
  readonly maxPoints: number;
  resolve(series: RangeSeries[]): void;
  reject(error: Error): void;
}

/** A recorder whose range queries wait until the test answers them (from a 100 Hz ramp). */
function deferredRecorder() {
  const calls: Call[] = [];
  const range = (
    recordingId: string,
    t0: number,
    t1: number,
    ids: readonly number[],
    maxPoints: number,
  ) =>
    new Promise<RangeSeries[]>((resolve, reject) =>
      calls.push({ recordingId, t0, t1, ids, maxPoints, resolve, reject }),
    );
  const answer = async (call: Call) => {
    const buckets = Math.floor(call.maxPoints / 2);
    call.resolve(
      call.ids.map((id) => {
        const acc = new MinMaxBuckets(id, call.t0, call.t1, buckets);
        for (let t = Math.ceil(call.t0 / 10) * 10; t <= call.t1; t += 10) acc.add(t, id);
        return acc.result();
      }),
    );
    await Promise.resolve();
    await Promise.resolve();
  };
  return { calls, range, answer };
}

const settle = async () => {
  for (let i = 0; i < 3; i++) await Promise.resolve();
};

const recording = (channelIds: (number | null)[], id = 'rec-1'): RecordingRef => ({
  id,
  channelIds,
  start: T - 3_600_000,
});

const playbackAt = (cursor: number, rec: RecordingRef): FeedInput => ({
  mode: 'playback',
  cursor,
  start: T - 3_600_000,
  end: T + 3_600_000,
  recording: rec,
});

describe('PlotFeed live', () => {
  it('draws the live history without a query while it covers the window', () => {
    const recorder = deferredRecorder();
    const feed = new PlotFeed(['a'], { history: histories(['a'], T), range: recorder.range });
    const { window, data } = feed.update(
      { mode: 'live', head: T, recording: recording([1]) },
      10_000,
      WIDTH,
      0,
    );
    expect(window).toEqual({ t0: T - 10_000, t1: T });
    expect(countPoints(data!, 1, window.t0, window.t1)).toBeGreaterThan(WIDTH * 0.8);
    expect(recorder.calls).toHaveLength(0);
  });

  it('rebuilds live data at most every 100 ms', () => {
    const feed = new PlotFeed(['a'], {
      history: histories(['a'], T),
      range: deferredRecorder().range,
    });
    const live: FeedInput = { mode: 'live', head: T, recording: null };
    expect(feed.update(live, 10_000, WIDTH, 0).data).not.toBeNull();
    expect(feed.update(live, 10_000, WIDTH, 50).data).toBeNull();
    expect(feed.update(live, 10_000, WIDTH, 100).data).not.toBeNull();
  });

  it('reads what is older than the history from the recording being written, and merges it', async () => {
    const recorder = deferredRecorder();
    // 2048 samples at 100 Hz: the history holds the last 20.48 s of a 2-minute window.
    const feed = new PlotFeed(['a'], { history: histories(['a'], T), range: recorder.range });
    const live: FeedInput = { mode: 'live', head: T, recording: recording([4]) };
    const before = feed.update(live, 120_000, WIDTH, 0);
    expect(recorder.calls).toHaveLength(1);
    expect(recorder.calls[0]!.t0).toBeLessThanOrEqual(T - 120_000);
    expect(recorder.calls[0]!.ids).toEqual([4]);
    const drawnBefore = countPoints(before.data!, 1, before.window.t0, before.window.t1);
    await recorder.answer(recorder.calls[0]!);
    const after = feed.update(live, 120_000, WIDTH, 10);
    expect(countPoints(after.data!, 1, after.window.t0, after.window.t1)).toBeGreaterThan(
      drawnBefore * 4,
    );
    // Still covered a moment later: no second query.
    feed.update({ ...live, head: T + 1_000 }, 120_000, WIDTH, 200);
    expect(recorder.calls).toHaveLength(1);
  });
});

describe('PlotFeed playback', () => {
  it('queries about two points per pixel around the cursor and draws the answer', async () => {
    const recorder = deferredRecorder();
    const feed = new PlotFeed(['a', 'b'], { history: histories([], T), range: recorder.range });
    const rec = recording([1, 2]);
    const first = feed.update(playbackAt(T, rec), 30_000, WIDTH, 0);
    expect(first.window).toEqual({ t0: T - 15_000, t1: T + 15_000 });
    expect(first.data).toEqual([[], [], [], [], []]);
    const call = recorder.calls[0]!;
    expect(call.recordingId).toBe('rec-1');
    expect(call.ids).toEqual([1, 2]);
    expect(call.t0).toBeLessThanOrEqual(T - 15_000 - 7_500);
    expect(call.t1).toBeGreaterThanOrEqual(T + 15_000 + 7_500);
    // One bucket (two points) per pixel over 1.5 spans.
    expect(call.maxPoints / 2).toBeGreaterThan(WIDTH * 1.5 * 0.8);
    expect(call.maxPoints / 2).toBeLessThanOrEqual(WIDTH * 1.5 + 2);
    await recorder.answer(call);
    const next = feed.update(playbackAt(T, rec), 30_000, WIDTH, 16);
    expect(countPoints(next.data!, 1, T - 15_000, T + 15_000)).toBeGreaterThan(WIDTH * 0.8);
    expect(next.data![3]!.some((v) => v === 2)).toBe(true);
    // Nothing new to draw on the next frame.
    expect(feed.update(playbackAt(T, rec), 30_000, WIDTH, 32).data).toBeNull();
  });

  it('keeps one query in flight and re-queries only after the window moved over 15 %', async () => {
    const recorder = deferredRecorder();
    const feed = new PlotFeed(['a'], { history: histories([], T), range: recorder.range });
    const rec = recording([1]);
    feed.update(playbackAt(T, rec), 30_000, WIDTH, 0);
    // Scrubbing far away while the first query runs starts no second one.
    feed.update(playbackAt(T + 60_000, rec), 30_000, WIDTH, 16);
    expect(recorder.calls).toHaveLength(1);
    await recorder.answer(recorder.calls[0]!);
    feed.update(playbackAt(T + 60_000, rec), 30_000, WIDTH, 32);
    expect(recorder.calls).toHaveLength(2);
    await recorder.answer(recorder.calls[1]!);
    feed.update(playbackAt(T + 60_000 + 3_000, rec), 30_000, WIDTH, 48);
    expect(recorder.calls).toHaveLength(2);
    feed.update(playbackAt(T + 60_000 + 6_000, rec), 30_000, WIDTH, 64);
    expect(recorder.calls).toHaveLength(3);
  });

  it('re-queries after a zoom', async () => {
    const recorder = deferredRecorder();
    const feed = new PlotFeed(['a'], { history: histories([], T), range: recorder.range });
    const rec = recording([1]);
    feed.update(playbackAt(T, rec), 30_000, WIDTH, 0);
    await recorder.answer(recorder.calls[0]!);
    feed.update(playbackAt(T, rec), 10_000, WIDTH, 16);
    expect(recorder.calls).toHaveLength(2);
  });

  it('drops the answer of a query made for another recording', async () => {
    const recorder = deferredRecorder();
    const feed = new PlotFeed(['a'], { history: histories([], T), range: recorder.range });
    feed.update(playbackAt(T, recording([1], 'old')), 30_000, WIDTH, 0);
    const other = recording([1], 'new');
    feed.update(playbackAt(T, other), 30_000, WIDTH, 16);
    await recorder.answer(recorder.calls[0]!);
    const after = feed.update(playbackAt(T, other), 30_000, WIDTH, 32);
    expect(after.data).toBeNull(); // the empty table was drawn when the recording changed
    expect(recorder.calls).toHaveLength(2);
    expect(recorder.calls[1]!.recordingId).toBe('new');
  });

  it('queries nothing for channels the recording lacks', () => {
    const recorder = deferredRecorder();
    const feed = new PlotFeed(['x'], { history: histories([], T), range: recorder.range });
    const { data } = feed.update(playbackAt(T, recording([null])), 30_000, WIDTH, 0);
    expect(recorder.calls).toHaveLength(0);
    expect(countPoints(data!, 1)).toBe(0);
  });

  it('reports a failed query and tries again after a pause', async () => {
    const recorder = deferredRecorder();
    const feed = new PlotFeed(
      ['a'],
      { history: histories([], T), range: recorder.range },
      { retryMs: 1000 },
    );
    const rec = recording([1]);
    feed.update(playbackAt(T, rec), 30_000, WIDTH, 0);
    recorder.calls[0]!.reject(new Error('recording deleted'));
    await settle();
    expect(feed.problem).toBe('cannot read the recording: recording deleted');
    feed.update(playbackAt(T, rec), 30_000, WIDTH, 500);
    expect(recorder.calls).toHaveLength(1);
    feed.update(playbackAt(T, rec), 30_000, WIDTH, 1_100);
    expect(recorder.calls).toHaveLength(2);
    await recorder.answer(recorder.calls[1]!);
    expect(feed.problem).toBeNull();
  });

  it('drops a query still running when disposed', async () => {
    const recorder = deferredRecorder();
    const feed = new PlotFeed(['a'], { history: histories([], T), range: recorder.range });
    feed.update(playbackAt(T, recording([1])), 30_000, WIDTH, 0);
    feed.dispose();
    await recorder.answer(recorder.calls[0]!);
    expect(feed.querying).toBe(false);
  });
});
