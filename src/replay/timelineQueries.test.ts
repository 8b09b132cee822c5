import 'fake-indexeddb/auto';
import { IDBFactory, IDBObjectStore } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Sample } from '../protocol/relay.ts';
import { createRandom } from '../twin/random.ts';
import { ReplayStore } from './replayStore.ts';
import type { ReplayStoreOptions } from './replayStore.ts';
import { manualTimer, regularSamples } from './testing.ts';

const channels = [0, 1, 2].map((id) => ({ id, name: `ch${id}`, unit: 'mm', source: 'test' }));
const open: ReplayStore[] = [];

async function recording(chunking?: ReplayStoreOptions['chunking']) {
  const store = await ReplayStore.open({
    indexedDB: new IDBFactory(),
    timer: manualTimer(),
    ...(chunking === undefined ? {} : { chunking }),
  });
  open.push(store);
  const rec = await store.createRecording({ twin: 't', channels });
  return { store, id: rec.id };
}

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(open.splice(0).map((store) => store.close().catch(() => undefined)));
});

/** Counts chunk-data reads (decodes) from here on. */
function countChunkReads(): () => number {
  const original = Object.getOwnPropertyDescriptor(IDBObjectStore.prototype, 'get')!.value as (
    this: IDBObjectStore,
    ...args: unknown[]
  ) => IDBRequest;
  let reads = 0;
  vi.spyOn(IDBObjectStore.prototype, 'get').mockImplementation(function (
    this: IDBObjectStore,
    ...args: unknown[]
  ) {
    if (this.name === 'chunkData') reads++;
    return original.apply(this, args);
  });
  return () => reads;
}

function bruteNeighbour(
  samples: readonly Sample[],
  t: number,
  direction: 'before' | 'after',
  wanted: readonly number[] | null,
): number | null {
  let best: number | null = null;
  for (const [channel, time] of samples) {
    if (wanted !== null && !wanted.includes(channel)) continue;
    if (
      direction === 'before'
        ? time < t && (best === null || time > best)
        : time > t && (best === null || time < best)
    )
      best = time;
  }
  return best;
}

describe('neighbour', () => {
  it('matches a brute-force scan on out-of-order data across chunks, late chunks and memory', async () => {
    const { store, id } = await recording({ windowMs: 250, maxSamples: 25 });
    const random = createRandom(3);
    const samples: Sample[] = [];
    for (let i = 0; i < 3000; i++) {
      // Whole quarter-ms times, so many queries land exactly on a sample; a gap in 4000..6000.
      let time = Math.round(random.uniform() * 40_000) / 4;
      if (time >= 4000 && time < 6000) time += 2000;
      samples.push([Math.floor(random.uniform() * 3), time, random.normal(), time + 1]);
    }
    store.append(id, samples.slice(0, 2000));
    await store.flush();
    store.append(id, samples.slice(2000)); // late samples for sealed windows, still in memory
    expect(store.lateSamples).toBeGreaterThan(0);

    const times = [
      -Infinity,
      -1,
      0,
      5000,
      10_000,
      20_000,
      Infinity,
      ...samples.slice(0, 40).map((s) => s[1]),
      ...Array.from({ length: 40 }, () => random.uniform() * 10_400 - 200),
    ];
    for (const wanted of [null, [1], [0, 2], []] as const) {
      for (const t of times) {
        for (const direction of ['before', 'after'] as const) {
          const got = await store.neighbour(id, t, direction, wanted);
          expect({ t, direction, wanted, got }).toEqual({
            t,
            direction,
            wanted,
            got: bruteNeighbour(samples, t, direction, wanted),
          });
        }
      }
    }
  });

  it('steps over a gap and across chunk boundaries, and is null past either end', async () => {
    const { store, id } = await recording();
    store.append(id, [...regularSamples(2, 100, 2), ...regularSamples(2, 100, 1, 5000)]);
    await store.endRecording(id);

    expect(await store.neighbour(id, 3000, 'before', null)).toBe(1990);
    expect(await store.neighbour(id, 3000, 'after', null)).toBe(5000);
    expect(await store.neighbour(id, 1990, 'after', [1])).toBe(5000);
    expect(await store.neighbour(id, 1000, 'before', [0])).toBe(990); // previous chunk's last
    expect(await store.neighbour(id, 990, 'after', [0])).toBe(1000); // next chunk's first
    expect(await store.neighbour(id, 0, 'before', null)).toBeNull();
    expect(await store.neighbour(id, 5990, 'after', null)).toBeNull();
    expect(await store.neighbour(id, -Infinity, 'after', null)).toBe(0);
    expect(await store.neighbour(id, Infinity, 'before', [1])).toBe(5990);
    expect(await store.neighbour(id, 1000, 'before', [2])).toBeNull(); // a channel with no samples
  });

  it('takes the nearest sample of any of the channels asked for', async () => {
    const { store, id } = await recording();
    store.append(id, [
      [0, 100, 1, 100],
      [1, 140, 1, 140],
      [2, 150, 1, 150],
      [0, 300, 1, 300],
      [2, 210, 1, 210],
    ]);
    await store.flush();
    expect(await store.neighbour(id, 200, 'before', [0, 1])).toBe(140);
    expect(await store.neighbour(id, 200, 'before', null)).toBe(150);
    expect(await store.neighbour(id, 150, 'after', [0, 1])).toBe(300);
    expect(await store.neighbour(id, 150, 'after', null)).toBe(210);
  });

  it('answers from the chunk index, decoding only a chunk that straddles t', async () => {
    const { store, id } = await recording({ windowMs: 1000, maxSamples: 8192 });
    store.append(id, regularSamples(1, 100, 100)); // 100 chunks of 100 samples
    await store.endRecording(id);
    const reads = countChunkReads();

    expect(await store.neighbour(id, 50_000, 'before', null)).toBe(49_990);
    expect(await store.neighbour(id, 49_995, 'after', [0])).toBe(50_000);
    expect(reads()).toBe(0); // t between chunks: their t0 and t1 answer

    expect(await store.neighbour(id, 50_505, 'before', [0])).toBe(50_500);
    expect(await store.neighbour(id, 50_505, 'after', null)).toBe(50_510);
    expect(reads()).toBe(2); // one straddling chunk each
  });

  it('refuses NaN and an unknown direction', async () => {
    const { store, id } = await recording();
    expect(() => store.neighbour(id, NaN, 'after', null)).toThrow(/needs a time, got NaN/);
    expect(() => store.neighbour(id, 0, 'left' as 'after', null)).toThrow(
      /direction must be 'before' or 'after', got "left"/,
    );
    expect(() => store.neighbour('nope', 0, 'after', null)).toThrow(/no recording "nope"/);
  });
});

describe('coverage', () => {
  // 3 channels at 100 Hz over 0–2 s and 5–7 s: nothing in between.
  const gapped = () => [...regularSamples(3, 100, 2), ...regularSamples(3, 100, 2, 5000)];

  const sum = (counts: Float64Array) => counts.reduce((a, b) => a + b, 0);

  it('shows a gap where no samples were appended, from the index alone', async () => {
    const { store, id } = await recording();
    store.append(id, gapped());
    await store.endRecording(id);
    const reads = countChunkReads();

    const { counts, bucketMs } = await store.coverage(id, 0, 7000, 70);

    expect(reads()).toBe(0);
    expect(bucketMs).toBe(100);
    expect(counts).toHaveLength(70);
    const empty = [...counts.keys()].filter((k) => counts[k] === 0);
    expect(empty).toEqual(Array.from({ length: 30 }, (_, k) => 20 + k)); // 2000..5000 ms
    // Estimated inside chunks (the 30 samples a bucket holds, give or take the spread).
    for (const k of [...counts.keys()].filter((k) => counts[k] !== 0)) {
      expect(counts[k]).toBeGreaterThan(25);
      expect(counts[k]).toBeLessThan(35);
    }
    expect(sum(counts)).toBeCloseTo(1200, 6);
  });

  it('counts samples still in memory exactly, and provisionally written ones once', async () => {
    const { store, id } = await recording();
    store.append(id, regularSamples(3, 100, 0.5));
    await store.flush(); // the open chunk is in IndexedDB and still in memory
    store.append(id, regularSamples(3, 100, 0.3, 500));

    const { counts } = await store.coverage(id, 0, 1000, 10);

    expect([...counts]).toEqual([30, 30, 30, 30, 30, 30, 30, 30, 0, 0]);
  });

  it('counts only the part of a window that was asked for', async () => {
    const { store, id } = await recording();
    store.append(id, gapped());
    await store.endRecording(id);

    const { counts, bucketMs } = await store.coverage(id, 1500, 5500, 4);

    expect(bucketMs).toBe(1000);
    expect(counts[1]).toBe(0);
    expect(counts[2]).toBe(0);
    // 1500..1990 and 5000..5490: 50 samples a channel each side, give or take the spread.
    expect(counts[0]).toBeGreaterThan(140);
    expect(counts[0]).toBeLessThan(160);
    expect(counts[3]).toBeGreaterThan(140);
    expect(counts[3]).toBeLessThan(160);
  });

  it('reads a long index page by page and counts one-sample chunks exactly', async () => {
    const { store, id } = await recording({ windowMs: 1, maxSamples: 8192 });
    store.append(id, regularSamples(1, 1000, 5)); // 5000 chunks, more than a page
    await store.endRecording(id);

    const { counts } = await store.coverage(id, 0, 5000, 50);

    expect(new Set(counts.subarray(0, 49))).toEqual(new Set([100]));
    expect(counts[49]).toBe(100);
  });

  it('refuses bucket counts out of range and empty spans', async () => {
    const { store, id } = await recording();
    for (const buckets of [0, 100_001, 2.5, NaN]) {
      expect(() => store.coverage(id, 0, 10, buckets)).toThrow(
        /whole number of buckets from 1 to 100000/,
      );
    }
    expect(() => store.coverage(id, 10, 10, 5)).toThrow(/finite t0 < t1, got 10\.\.10/);
    expect(() => store.coverage(id, 10, 5, 5)).toThrow(/t0 < t1/);
    expect(() => store.coverage(id, 0, Infinity, 5)).toThrow(/finite/);
    expect((await store.coverage(id, 0, 10, 100_000)).counts).toHaveLength(100_000);
  });
});
