import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { ReplayStore } from '../replay/replayStore.ts';
import { manualTimer, regularSamples } from '../replay/testing.ts';
import type { RecordingSummary, SampleWindow } from '../workers/recorderProtocol.ts';
import { encodeSampleBatch } from '../workers/sampleBatch.ts';
import { Playback, PlaybackError, type PlaybackSource, type PlaybackView } from './playback.ts';

const channels = [0, 1, 2].map((id) => ({ id, name: `ch${id}`, unit: 'mm', source: 'test' }));
const T0 = 1_700_000_000_000;
const stores: ReplayStore[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

/** A 30 s, 3-channel, 100 Hz recording in a real ReplayStore, and a source reading it. */
async function recorded(pageLimit?: number) {
  const store = await ReplayStore.open({ indexedDB: new IDBFactory(), timer: manualTimer() });
  stores.push(store);
  const meta = await store.createRecording({ twin: 't', channels });
  const samples = regularSamples(3, 100, 30, T0, (c, t) => c * 1000 + (t - T0) / 10);
  store.append(meta.id, samples);
  await store.endRecording(meta.id);
  const windows: [number, number][] = [];
  const source: PlaybackSource = {
    neighbour: (id, t, direction, chs) => store.neighbour(id, t, direction, chs),
    async window(id, t0, t1, chs, limit) {
      windows.push([t0, t1]);
      const page = await store.window(id, t0, t1, {
        ...(chs ? { channels: chs } : {}),
        limit: pageLimit ?? limit,
      });
      return { batch: encodeSampleBatch(page.samples), complete: page.complete, next: page.next };
    },
  };
  const summary: RecordingSummary = {
    id: meta.id,
    twin: 't',
    startedAt: T0,
    endedAt: T0 + 30_000,
    channels,
    notes: '',
    bytes: 1,
    storedSamples: samples.length,
    firstSampleTime: T0,
    lastSampleTime: samples.at(-1)![1],
    active: false,
  };
  return { store, source, summary, windows, samples };
}

/** Ticks every 16 ms of fake wall time, letting window reads settle between frames. */
async function run(playback: Playback, clock: { t: number }, ms: number) {
  for (let elapsed = 0; elapsed < ms; elapsed += 16) {
    clock.t += 16;
    playback.tick(clock.t);
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

async function settle(playback: Playback, clock: { t: number }) {
  for (let i = 0; i < 50; i++) {
    playback.tick(clock.t);
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

function expectShowsStore(playback: Playback, store: ReplayStore, id: string) {
  const cursor = (playback.state as Extract<PlaybackView, { mode: 'playback' }>).cursor;
  return store.latestAt(id, cursor, [0, 1, 2]).then((want) => {
    for (const ch of channels) {
      const shown = playback.telemetry.channel(ch.name)!;
      expect(shown.deviceTime, ch.name).toBe(want[ch.id]!.time);
      expect(shown.value, ch.name).toBe(want[ch.id]!.value);
    }
  });
}

describe('Playback', () => {
  it('opens paused at the first sample and shows the recorded values there', async () => {
    const { store, source, summary } = await recorded();
    const playback = new Playback(source, () => {});
    playback.open(summary);
    const clock = { t: 0 };
    await settle(playback, clock);
    expect(playback.state).toMatchObject({ mode: 'playback', cursor: T0, playing: false });
    expect(playback.state).toMatchObject({ buffering: false });
    await expectShowsStore(playback, store, summary.id);
  });

  it('advances the cursor at the chosen speed and shows what the store holds at the cursor', async () => {
    const { store, source, summary } = await recorded();
    const changes: PlaybackView[] = [];
    const playback = new Playback(source, (v) => changes.push(v));
    playback.open(summary);
    const clock = { t: 0 };
    await settle(playback, clock);
    playback.setSpeed(2);
    playback.play();
    await run(playback, clock, 1600);
    const v = playback.state as Extract<PlaybackView, { mode: 'playback' }>;
    // 100 ticks of 16 ms after the first at 2×: 3.2 s of device time, less any buffering wait.
    expect(v.cursor - T0).toBeGreaterThan(2500);
    expect(v.cursor - T0).toBeLessThanOrEqual(3200);
    playback.pause();
    await settle(playback, clock);
    await expectShowsStore(playback, store, summary.id);
    // Every sample up to the cursor reached the telemetry, once, in order.
    const ch1 = playback.telemetry.channel('ch1')!;
    expect(ch1.count).toBe(Math.floor((v.cursor - T0) / 10) + 1);
    expect(changes.some((c) => c.mode === 'playback' && c.playing)).toBe(true);
  });

  it('seeks backwards and forwards with fresh history before the cursor', async () => {
    const { store, source, summary } = await recorded();
    const playback = new Playback(source, () => {}, { historyMs: 5000 });
    playback.open(summary);
    const clock = { t: 0 };
    playback.seek(T0 + 20_000.5);
    await settle(playback, clock);
    await expectShowsStore(playback, store, summary.id);
    const history: number[] = [];
    playback.telemetry.channel('ch0')!.history.forEach((t) => history.push(t));
    expect(history[0]).toBe(T0 + 15_010);
    expect(history.at(-1)).toBe(T0 + 20_000);
    playback.seek(T0 + 7_777);
    await settle(playback, clock);
    await expectShowsStore(playback, store, summary.id);
    // History starts at the cursor − 5 s: samples 2 780 … 7 770 ms.
    expect(playback.telemetry.channel('ch2')!.count).toBe(500);
  });

  it('stops at the end, and play starts over from the beginning', async () => {
    const { source, summary } = await recorded();
    const playback = new Playback(source, () => {});
    playback.open(summary);
    const clock = { t: 0 };
    playback.seek(summary.lastSampleTime! - 100);
    await settle(playback, clock);
    playback.play();
    await run(playback, clock, 400);
    expect(playback.state).toMatchObject({ cursor: summary.lastSampleTime, playing: false });
    expect(playback.telemetry.latest('ch0')).toBe((summary.lastSampleTime! - T0) / 10);
    playback.play();
    expect(playback.state).toMatchObject({ cursor: T0, playing: true });
  });

  it('delivers every sample in order when reads come back in small pages', async () => {
    const { source, summary, windows } = await recorded(37);
    const playback = new Playback(source, () => {}, { readAheadMs: 1000 });
    playback.open(summary);
    playback.setSpeed(10);
    playback.play();
    const clock = { t: 0 };
    await run(playback, clock, 800);
    playback.pause();
    await settle(playback, clock);
    const v = playback.state as Extract<PlaybackView, { mode: 'playback' }>;
    const seen: number[] = [];
    playback.telemetry.channel('ch2')!.history.forEach((t) => seen.push(t));
    const expected = Math.floor((v.cursor - T0) / 10) + 1;
    expect(seen.length).toBe(Math.min(expected, 2048));
    expect(seen.every((t, i) => i === 0 || t - seen[i - 1]! === 10)).toBe(true);
    expect(windows.length).toBeGreaterThan(10);
  });

  it('discards a read that comes back after a seek made it stale', async () => {
    const { source, summary } = await recorded();
    const held: { resolve: () => void }[] = [];
    const slow: PlaybackSource = {
      neighbour: source.neighbour,
      window: (...args) =>
        new Promise<SampleWindow>((resolve) =>
          held.push({ resolve: () => void source.window(...args).then(resolve) }),
        ),
    };
    const playback = new Playback(slow, () => {});
    playback.open(summary); // reads around T0
    playback.seek(T0 + 25_000); // reads around T0 + 25 s
    for (const h of held.splice(0)) h.resolve();
    await new Promise((r) => setTimeout(r, 20));
    const clock = { t: 0 };
    for (let i = 0; i < 20; i++) {
      playback.tick(clock.t);
      for (const h of held.splice(0)) h.resolve();
      await new Promise((r) => setTimeout(r, 5));
    }
    const times: number[] = [];
    playback.telemetry.channel('ch0')!.history.forEach((t) => times.push(t));
    expect(times.length).toBeGreaterThan(0);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(T0 + 15_000);
  });

  it('shows the values at a seek target from latestAt before the history behind it is read', async () => {
    const { store, source, summary } = await recorded();
    const held: (() => void)[] = [];
    const views: PlaybackView[] = [];
    // History reads wait until released; latestAt answers at once.
    const slow: PlaybackSource = {
      neighbour: source.neighbour,
      latestAt: (id, t, chs) => store.latestAt(id, t, chs),
      window: (...args) =>
        new Promise<SampleWindow>((resolve) =>
          held.push(() => void source.window(...args).then(resolve)),
        ),
    };
    const playback = new Playback(slow, (v) => views.push(v), { pageLimit: 100 });
    playback.open(summary);
    const clock = { t: 0 };
    const target = T0 + 12_345.5;
    playback.seek(target);
    await new Promise((r) => setTimeout(r, 20));
    expect(playback.state).toMatchObject({ cursor: target, buffering: true, ready: true });
    await expectShowsStore(playback, store, summary.id);
    // History pages stream in (100 samples each, from 10 s back): the views keep the values at
    // the cursor instead of stepping through the older ones.
    for (let i = 0; i < 5; i++) {
      held.splice(0).forEach((release) => release());
      await new Promise((r) => setTimeout(r, 5));
      playback.tick(clock.t);
      await expectShowsStore(playback, store, summary.id);
    }
    expect(playback.state).toMatchObject({ buffering: true });
    // Once the reads pass the cursor, the history replaces the seed: 10 s of it.
    for (let i = 0; i < 400 && (playback.state as { buffering: boolean }).buffering; i++) {
      held.splice(0).forEach((release) => release());
      await new Promise((r) => setTimeout(r, 1));
      playback.tick(clock.t);
    }
    expect(playback.state).toMatchObject({ buffering: false, ready: true });
    await expectShowsStore(playback, store, summary.id);
    expect(playback.telemetry.channel('ch1')!.count).toBe(1000);
    expect(views.some((v) => v.mode === 'playback' && !v.ready)).toBe(true);
  });

  it('ignores a latestAt answer that comes back after a later seek', async () => {
    const { store, source, summary } = await recorded();
    const answers: (() => void)[] = [];
    const lagging: PlaybackSource = {
      ...source,
      latestAt: (id, t, chs) =>
        new Promise((resolve) => answers.push(() => void store.latestAt(id, t, chs).then(resolve))),
    };
    const playback = new Playback(lagging, () => {});
    playback.open(summary);
    await new Promise((r) => setTimeout(r, 5));
    answers.shift()!(); // the first sample's answer
    await new Promise((r) => setTimeout(r, 20));
    playback.seek(T0 + 5_000);
    expect(answers).toHaveLength(1);
    playback.seek(T0 + 22_000);
    answers.shift()!(); // the T0 + 5 s answer, now stale
    await new Promise((r) => setTimeout(r, 20));
    answers.shift()!(); // T0 + 22 s, asked once the stale one answered
    await new Promise((r) => setTimeout(r, 20));
    await settle(playback, { t: 0 });
    await expectShowsStore(playback, store, summary.id);
    expect(playback.telemetry.latest('ch0')).toBe(2_200);
  });

  it('keeps one latestAt and one window read in flight through a drag, and seeds its last cursor', async () => {
    const { store, source, summary } = await recorded();
    const seeds: { t: number; answer: () => void }[] = [];
    const reads: [number, number][] = [];
    const counting: PlaybackSource = {
      neighbour: source.neighbour,
      latestAt: (id, t, chs) =>
        new Promise((resolve) =>
          seeds.push({ t, answer: () => void store.latestAt(id, t, chs).then(resolve) }),
        ),
      window: (id, t0, t1, chs, limit) => {
        reads.push([t0, t1]);
        return source.window(id, t0, t1, chs, limit);
      },
    };
    const playback = new Playback(counting, () => {});
    playback.open(summary);
    // A drag: 20 seeks before the worker answers the first seed.
    for (let i = 1; i <= 20; i++) playback.seek(T0 + i * 1_000);
    await new Promise((r) => setTimeout(r, 20));
    expect(seeds.map((q) => q.t)).toEqual([T0]);
    // The history waits for the seed, so the worker answers the seed first.
    expect(reads).toEqual([]);
    seeds[0]!.answer();
    await new Promise((r) => setTimeout(r, 20));
    // The stale answer is dropped and the drag's last cursor asked for, once.
    expect(seeds.map((q) => q.t)).toEqual([T0, T0 + 20_000]);
    expect(reads).toEqual([]);
    expect(playback.state).toMatchObject({ cursor: T0 + 20_000, ready: false });
    seeds[1]!.answer();
    await new Promise((r) => setTimeout(r, 20));
    expect(playback.state).toMatchObject({ ready: true });
    await expectShowsStore(playback, store, summary.id);
    // Then the history behind the last cursor, from 10 s back; nothing for the cursors between.
    expect(reads[0]![0]).toBe(T0 + 10_000);
    await settle(playback, { t: 0 });
    expect(playback.state).toMatchObject({ ready: true, buffering: false });
    expect(reads.every(([t0]) => t0 >= T0 + 10_000)).toBe(true);
    await expectShowsStore(playback, store, summary.id);
  });

  it('asks only for latest-at values while the cursor is dragged, and reads the history on release', async () => {
    const { store, source, summary } = await recorded();
    const seeds: number[] = [];
    const reads: [number, number][] = [];
    const counting: PlaybackSource = {
      neighbour: source.neighbour,
      latestAt: (id, t, chs) => {
        seeds.push(t);
        return store.latestAt(id, t, chs);
      },
      window: (id, t0, t1, chs, limit) => {
        reads.push([t0, t1]);
        return source.window(id, t0, t1, chs, limit);
      },
    };
    const playback = new Playback(counting, () => {});
    playback.open(summary);
    const clock = { t: 0 };
    await settle(playback, clock);
    reads.length = 0;
    playback.holdHistory(true);
    for (const s of [5, 12, 20]) {
      playback.seek(T0 + s * 1_000);
      await settle(playback, clock);
      // Each cursor's values are shown from latestAt alone.
      expect(playback.state).toMatchObject({ cursor: T0 + s * 1_000, ready: true });
      await expectShowsStore(playback, store, summary.id);
    }
    expect(seeds.slice(-3)).toEqual([T0 + 5_000, T0 + 12_000, T0 + 20_000]);
    expect(reads).toEqual([]);
    // Released: the history behind the last cursor is read, and the display follows it.
    playback.holdHistory(false);
    await settle(playback, clock);
    expect(reads[0]![0]).toBe(T0 + 10_000);
    expect(playback.state).toMatchObject({ ready: true, buffering: false });
    await expectShowsStore(playback, store, summary.id);
    expect(playback.telemetry.channel('ch0')!.history.size).toBeGreaterThan(500);
  });

  it('holds no history without a latestAt source: the history is all there is to show', async () => {
    const { store, source, summary, windows } = await recorded();
    const playback = new Playback(source, () => {});
    playback.open(summary);
    playback.holdHistory(true);
    playback.seek(T0 + 12_000);
    await settle(playback, { t: 0 });
    expect(windows.some(([t0]) => t0 === T0 + 2_000)).toBe(true);
    await expectShowsStore(playback, store, summary.id);
  });

  it('pauses with a problem when the recording cannot be read, and says why', async () => {
    const { summary } = await recorded();
    const failing: PlaybackSource = {
      neighbour: () => Promise.resolve(null),
      window: () => Promise.reject(new Error('no recording "x"')),
    };
    const playback = new Playback(failing, () => {});
    playback.open(summary);
    playback.play();
    await new Promise((r) => setTimeout(r, 10));
    expect(playback.state).toMatchObject({
      playing: false,
      problem: 'cannot read the recording: no recording "x"',
    });
  });

  it('refuses an empty recording, a bad speed, and controls outside playback, with what to do', async () => {
    const { source, summary } = await recorded();
    const playback = new Playback(source, () => {});
    expect(() => playback.play()).toThrow(PlaybackError);
    expect(() =>
      playback.open({ ...summary, firstSampleTime: null, lastSampleTime: null }),
    ).toThrow(/holds no samples yet/);
    playback.open(summary);
    expect(() => playback.setSpeed(0)).toThrow(/positive number/);
    playback.live();
    expect(playback.state).toEqual({ mode: 'live' });
  });

  it('steps one sample back and forward, jumps, and loops a region', async () => {
    const { source, summary, store } = await recorded();
    const restarts: number[] = [];
    const passed: number[] = [];
    const playback = new Playback(source, () => {}, {
      onRestart: () => restarts.push(1),
      onSamples: (samples) => passed.push(samples.length),
    });
    const clock = { t: 0 };
    playback.open(summary, T0 + 10_000);
    await settle(playback, clock);
    expect(await playback.step('after')).toBe(T0 + 10_010);
    await settle(playback, clock);
    await expectShowsStore(playback, store, summary.id);
    expect(await playback.step('before')).toBe(T0 + 10_000);
    playback.jump(1500);
    expect((playback.state as Extract<PlaybackView, { mode: 'playback' }>).cursor).toBe(
      T0 + 11_500,
    );
    expect(() => playback.setLoop({ t0: T0 + 5000, t1: T0 + 5005 })).toThrow(PlaybackError);
    playback.setLoop({ t0: T0 + 20_000, t1: T0 + 20_200 });
    const v = playback.state as Extract<PlaybackView, { mode: 'playback' }>;
    expect(v.cursor).toBe(T0 + 20_000); // jumped into the loop
    playback.play();
    const before = restarts.length;
    await run(playback, clock, 600); // 3 rounds of a 200 ms loop at 1×
    const after = playback.state as Extract<PlaybackView, { mode: 'playback' }>;
    expect(after.playing).toBe(true);
    expect(after.cursor).toBeGreaterThanOrEqual(T0 + 20_000);
    expect(after.cursor).toBeLessThanOrEqual(T0 + 20_200);
    expect(restarts.length - before).toBeGreaterThanOrEqual(2);
    expect(passed.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it('follows a growing recording and waits at its end instead of stopping', async () => {
    const { source, summary } = await recorded();
    const playback = new Playback(source, () => {});
    const clock = { t: 0 };
    playback.open({ ...summary, active: true, lastSampleTime: T0 + 5000 }, T0 + 4900);
    playback.play();
    await run(playback, clock, 400);
    let v = playback.state as Extract<PlaybackView, { mode: 'playback' }>;
    expect(v.playing).toBe(true);
    expect(v.cursor).toBeLessThanOrEqual(T0 + 5000);
    playback.extend(T0 + 8000);
    await run(playback, clock, 800);
    v = playback.state as Extract<PlaybackView, { mode: 'playback' }>;
    expect(v.end).toBe(T0 + 8000);
    expect(v.cursor).toBeGreaterThan(T0 + 5000);
    playback.sealed();
    expect((playback.state as Extract<PlaybackView, { mode: 'playback' }>).growing).toBe(false);
  });
});
