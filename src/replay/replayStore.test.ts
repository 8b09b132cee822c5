import 'fake-indexeddb/auto';
import { IDBFactory, IDBObjectStore } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Sample } from '../protocol/relay.ts';
import { createRandom } from '../twin/random.ts';
import { ReplayError } from './replayError.ts';
import { ReplayStore } from './replayStore.ts';
import type { ReplayStoreOptions } from './replayStore.ts';
import { manualTimer, regularSamples } from './testing.ts';

const channels = [0, 1, 2].map((id) => ({ id, name: `ch${id}`, unit: 'mm', source: 'test' }));
const open: ReplayStore[] = [];

async function openStore(overrides: Partial<ReplayStoreOptions> = {}) {
  const timer = manualTimer();
  const notices: string[] = [];
  const options: ReplayStoreOptions = {
    indexedDB: new IDBFactory(),
    timer,
    now: () => 1_700_000_000_000,
    onNotice: (message) => notices.push(message),
    ...overrides,
  };
  const store = await ReplayStore.open(options);
  open.push(store);
  return { store, timer, notices, options };
}

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(open.splice(0).map((store) => store.close().catch(() => undefined)));
});

const byTimeChannelValue = (a: readonly number[], b: readonly number[]) =>
  a[1]! - b[1]! || a[0]! - b[0]! || a[2]! - b[2]!;

/** Random samples on `n` channels with jittered, shuffled times (some duplicates of time). */
function randomSamples(seed: number, count: number, n = 3, spanMs = 10_000): Sample[] {
  const random = createRandom(seed);
  const out: Sample[] = [];
  for (let i = 0; i < count; i++) {
    const time = Math.round(random.uniform() * spanMs * 4) / 4;
    out.push([Math.floor(random.uniform() * n), time, random.normal(), time + 3]);
  }
  return out;
}

/**
 * Makes `put` on the chunk data store throw QuotaExceededError, as a full disk does, for the
 * first `failures` calls. Returns how many calls were made.
 */
function failChunkDataPuts(failures: number): { calls: number; restore(): void } {
  const original = Object.getOwnPropertyDescriptor(IDBObjectStore.prototype, 'put')!.value as (
    this: IDBObjectStore,
    ...args: unknown[]
  ) => IDBRequest<IDBValidKey>;
  const state = { calls: 0, restore: () => spy.mockRestore() };
  const spy = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (
    this: IDBObjectStore,
    ...args: unknown[]
  ) {
    if (this.name === 'chunkData' && state.calls++ < failures) {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    }
    return original.apply(this, args);
  });
  return state;
}

function bruteLatest(samples: readonly Sample[], channel: number, t: number) {
  let best: Sample | undefined;
  for (const s of samples)
    if (s[0] === channel && s[1] <= t && (best === undefined || s[1] > best[1])) best = s;
  return best;
}

describe('ReplayStore recordings', () => {
  it('creates, lists oldest first and deletes recordings with their chunks', async () => {
    let now = 2000;
    const { store } = await openStore({ now: () => now-- });
    const a = await store.createRecording({ twin: 'footbridge', channels, notes: 'first' });
    const b = await store.createRecording({ twin: 'footbridge', channels });
    expect(store.listRecordings().map((r) => r.id)).toEqual([b.id, a.id]);
    expect(a).toMatchObject({ twin: 'footbridge', notes: 'first', endedAt: null, windowMs: 1000 });
    store.append(a.id, regularSamples(3, 10, 3));
    await store.flush();
    await store.deleteRecording(a.id);
    expect(store.listRecordings().map((r) => r.id)).toEqual([b.id]);
    expect(() => store.append(a.id, [])).toThrow(/no recording .*createRecording/);
  });

  it('keeps recordings and samples across a reload: a new store on the same IndexedDB sees them', async () => {
    const { store, options } = await openStore();
    const rec = await store.createRecording({ twin: 't', channels });
    const samples = regularSamples(3, 50, 4);
    store.append(rec.id, samples);
    await store.flush(); // the open chunk is written provisionally; nothing is sealed by hand
    const reopened = await ReplayStore.open(options);
    open.push(reopened);
    expect(reopened.listRecordings().map((r) => r.id)).toEqual([rec.id]);
    const replayed: Sample[] = [];
    for await (const s of reopened.replay(rec.id, -Infinity)) replayed.push(s);
    expect(replayed).toHaveLength(samples.length);
    expect(await reopened.latestAt(rec.id, 3990, [2])).toEqual([
      { channel: 2, time: 3980, value: Math.sin(39.8 + 2), receiveTime: 3985 },
    ]);
  });

  it('throws a ReplayError with reason unknown_recording for an id it does not know', async () => {
    const { store } = await openStore();
    expect(() => store.latestAt('nope', 0, [0])).toThrow(ReplayError);
    try {
      store.append('nope', []);
    } catch (error) {
      expect((error as ReplayError).reason).toBe('unknown_recording');
    }
  });
});

describe('ReplayStore flushing', () => {
  it('flushes automatically every second on the injected timer, in one relaxed transaction', async () => {
    const { store, timer } = await openStore();
    expect(timer.intervals).toEqual([1000]);
    const rec = await store.createRecording({ twin: 't', channels });
    const spy = vi.spyOn(IDBDatabase.prototype, 'transaction');
    store.append(rec.id, regularSamples(3, 100, 2.5));
    expect(store.pendingSamples).toBe(750);
    timer.tick();
    await vi.waitFor(() => expect(store.pendingSamples).toBe(0));
    const writes = spy.mock.calls.filter((call) => call[1] === 'readwrite');
    expect(writes).toHaveLength(1);
    expect(writes[0]![2]).toEqual({ durability: 'relaxed' });
  });

  it('loses nothing written before a crash: unflushed samples are only the ones since the last flush', async () => {
    const { store, options } = await openStore();
    const rec = await store.createRecording({ twin: 't', channels });
    store.append(rec.id, regularSamples(1, 100, 1.5));
    await store.flush();
    store.append(rec.id, regularSamples(1, 100, 0.2, 1500)); // never flushed: the "crash"
    const after = await ReplayStore.open(options);
    open.push(after);
    const [latest] = await after.latestAt(rec.id, Infinity, [0]);
    expect(latest?.time).toBe(1490);
  });

  it('stops the automatic flush when closed and writes what is pending', async () => {
    const { store, timer, options } = await openStore();
    const rec = await store.createRecording({ twin: 't', channels });
    store.append(rec.id, regularSamples(2, 10, 1));
    await store.close();
    expect(timer.active).toBe(0);
    const after = await ReplayStore.open(options);
    open.push(after);
    const series = await after.range(rec.id, 0, 1000, [0, 1], 2);
    expect(series.map((s) => s.count[0])).toEqual([10, 10]);
  });
});

describe('ReplayStore queries', () => {
  it('latestAt matches a brute-force scan on random out-of-order data, flushed or not, null before the first sample', async () => {
    const { store } = await openStore({ chunking: { windowMs: 250, maxSamples: 40 } });
    const rec = await store.createRecording({ twin: 't', channels });
    const samples = randomSamples(7, 3000);
    // Part written, part in memory, with late samples for sealed windows in both.
    store.append(rec.id, samples.slice(0, 2000));
    await store.flush();
    store.append(rec.id, samples.slice(2000));
    expect(store.lateSamples).toBeGreaterThan(0);
    const random = createRandom(99);
    const times = [
      -1,
      0,
      10_000,
      20_000,
      ...Array.from({ length: 60 }, () => random.uniform() * 10_400 - 200),
    ];
    for (const t of times) {
      const got = await store.latestAt(rec.id, t, [0, 1, 2]);
      const want = [0, 1, 2].map((c) => {
        const s = bruteLatest(samples, c, t);
        return s === undefined ? null : s[1];
      });
      expect(got.map((g) => g?.time ?? null)).toEqual(want);
      for (const g of got) if (g !== null) expect(g.receiveTime).toBe(g.time + 3);
    }
    await store.flush();
    for (const t of times.slice(0, 20)) {
      const got = await store.latestAt(rec.id, t, [1]);
      expect(got[0]?.time ?? null).toBe(bruteLatest(samples, 1, t)?.[1] ?? null);
    }
  });

  it('range gives per-bucket min, max and count equal to brute force, summarizing whole chunks from the index', async () => {
    const { store } = await openStore({ chunking: { windowMs: 100, maxSamples: 1000 } });
    const rec = await store.createRecording({ twin: 't', channels });
    const samples = randomSamples(11, 4000, 2, 20_000);
    store.append(rec.id, samples);
    await store.flush();
    for (const [t0, t1, maxPoints] of [
      [0, 20_000, 40],
      [1234.5, 7777, 200],
      [5000, 5000, 10],
    ] as const) {
      const series = await store.range(rec.id, t0, t1, [0, 1], maxPoints);
      for (const s of series) {
        const buckets = Math.floor(maxPoints / 2);
        const min = new Array<number>(buckets).fill(NaN);
        const max = new Array<number>(buckets).fill(NaN);
        const count = new Array<number>(buckets).fill(0);
        const width = (t1 - t0) / buckets;
        for (const [c, t, v] of samples) {
          if (c !== s.channel || t < t0 || t > t1) continue;
          const b = width > 0 ? Math.min(buckets - 1, Math.floor((t - t0) / width)) : 0;
          count[b]!++;
          if (!(v >= min[b]!)) min[b] = v;
          if (!(v <= max[b]!)) max[b] = v;
        }
        expect([...s.count]).toEqual(count);
        expect([...s.min]).toEqual(min);
        expect([...s.max]).toEqual(max);
      }
    }
    const wide = await store.range(rec.id, 0, 20_000, [0], 40);
    expect(wide[0]!.chunksSummarized).toBeGreaterThan(wide[0]!.chunksRead);
  });

  it('range counts unflushed samples and provisionally written ones exactly once', async () => {
    const { store } = await openStore();
    const rec = await store.createRecording({ twin: 't', channels });
    store.append(rec.id, regularSamples(1, 100, 0.5));
    await store.flush(); // the open chunk is now in IndexedDB and still in memory
    store.append(rec.id, regularSamples(1, 100, 0.2, 500));
    const [s] = await store.range(rec.id, 0, 1000, [0], 2);
    expect(s!.count[0]).toBe(70);
  });

  it('replay yields every sample from t0 on in time order across channels', async () => {
    const { store } = await openStore({ chunking: { windowMs: 200, maxSamples: 30 } });
    const rec = await store.createRecording({ twin: 't', channels });
    const samples = randomSamples(5, 2500, 3, 5000);
    store.append(rec.id, samples.slice(0, 1500));
    await store.flush();
    store.append(rec.id, samples.slice(1500));
    const out: Sample[] = [];
    for await (const s of store.replay(rec.id, 1000)) out.push(s);
    const want = samples
      .filter((s) => s[1] >= 1000)
      .map((s) => [s[0], s[1]] as const)
      .sort((a, b) => a[1] - b[1] || a[0] - b[0]);
    expect(out.map((s) => [s[0], s[1]])).toEqual(want);
  });

  it('window pages through [t0, t1) of chosen channels in time order, resuming where a limit cut it', async () => {
    const { store } = await openStore({ chunking: { windowMs: 200, maxSamples: 30 } });
    const rec = await store.createRecording({ twin: 't', channels });
    const samples = randomSamples(6, 3000, 3, 5000);
    store.append(rec.id, samples);
    const want = samples
      .filter((s) => s[1] >= 1200 && s[1] < 3700 && s[0] !== 1)
      .map((s) => [s[0], s[1], s[2]] as const)
      .sort(byTimeChannelValue);
    const got: (readonly [number, number, number])[] = [];
    let t = 1200;
    let pages = 0;
    for (;;) {
      const page = await store.window(rec.id, t, 3700, { channels: [0, 2], limit: 97 });
      pages++;
      expect(page.samples.length).toBeLessThanOrEqual(97);
      got.push(...page.samples.map((s) => [s[0], s[1], s[2]] as const));
      if (page.complete) break;
      expect(page.next).toBeGreaterThan(t);
      t = page.next;
    }
    expect(pages).toBeGreaterThan(5);
    expect(got.sort(byTimeChannelValue)).toEqual(want);
    await expect(store.window(rec.id, 5, 4)).rejects.toThrow(/t0 ≤ t1/);
  });

  it('firstSampleTime is the earliest sample, stored or still in memory, and null for an empty recording', async () => {
    const { store } = await openStore({ chunking: { windowMs: 200, maxSamples: 30 } });
    const rec = await store.createRecording({ twin: 't', channels });
    expect(await store.firstSampleTime(rec.id)).toBeNull();
    store.append(rec.id, [[1, 5000, 1, 5001]]);
    expect(await store.firstSampleTime(rec.id)).toBe(5000);
    await store.flush();
    store.append(rec.id, [[2, 4200.5, 1, 4300]]);
    expect(await store.firstSampleTime(rec.id)).toBe(4200.5);
    await store.flush();
    expect(await store.firstSampleTime(rec.id)).toBe(4200.5);
  });
});

describe('ReplayStore retention', () => {
  it('evicts the oldest chunks of the oldest recording over the global quota and says so', async () => {
    let now = 0;
    const { store, notices } = await openStore({
      quota: { globalBytes: 100 * 24 * 3 }, // 300 samples
      now: () => (now += 1000),
    });
    const old = await store.createRecording({ twin: 'old', channels });
    const fresh = await store.createRecording({ twin: 'fresh', channels });
    store.append(old.id, regularSamples(1, 100, 2)); // 200 samples
    await store.endRecording(old.id);
    store.append(fresh.id, regularSamples(1, 100, 2)); // 200 more: 100 over
    await store.endRecording(fresh.id);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/evicted 1 oldest chunks .* of recording "old".*global quota/);
    const [first] = await store.range(old.id, 0, 2000, [0], 2);
    expect(first!.count[0]).toBe(100);
    expect(store.listRecordings().map((r) => r.bytes)).toEqual([2400, 4800]);
    expect(await store.latestAt(old.id, 500, [0])).toEqual([null]);
  });

  it('enforces the per-recording quota on that recording alone', async () => {
    const { store, notices } = await openStore({ quota: { perRecordingBytes: 150 * 24 } });
    const rec = await store.createRecording({ twin: 't', channels });
    store.append(rec.id, regularSamples(1, 100, 3.5));
    await store.flush();
    expect(notices.join('\n')).toMatch(/evicted 2 oldest chunks .*exceeds its quota/);
    expect(store.listRecordings()[0]!.bytes).toBeLessThanOrEqual(150 * 24);
  });

  it('keeps the batch in memory on QuotaExceededError, evicts, retries once and loses nothing', async () => {
    let now = 0;
    const { store, notices } = await openStore({ now: () => (now += 1000) });
    const old = await store.createRecording({ twin: 'old', channels });
    store.append(old.id, regularSamples(1, 100, 3));
    await store.endRecording(old.id);
    const live = await store.createRecording({ twin: 'live', channels });
    const samples = regularSamples(2, 100, 2);
    store.append(live.id, samples);
    const quota = failChunkDataPuts(1);
    await store.flush();
    expect(quota.calls).toBeGreaterThan(1);
    expect(notices[0]).toMatch(/quota was exceeded writing .* kept in memory/);
    expect(notices[1]).toMatch(/evicted .* of recording "old"/);
    expect(store.pendingSamples).toBe(0);
    const out: Sample[] = [];
    for await (const s of store.replay(live.id, -Infinity)) out.push(s);
    expect(out).toHaveLength(samples.length);
  });

  it('throws quota_exceeded and keeps the batch when the retry fails too, then writes it later', async () => {
    const { store, notices } = await openStore();
    const rec = await store.createRecording({ twin: 't', channels });
    store.append(rec.id, regularSamples(1, 100, 1.5));
    const quota = failChunkDataPuts(Infinity);
    await expect(store.flush()).rejects.toMatchObject({ reason: 'quota_exceeded' });
    expect(notices[0]).toMatch(/kept in memory/);
    expect(store.pendingSamples).toBe(150);
    quota.restore();
    await store.flush();
    expect(store.pendingSamples).toBe(0);
    const [s] = await store.range(rec.id, 0, 2000, [0], 2);
    expect(s!.count[0]).toBe(150);
  });
});
