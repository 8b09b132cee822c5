import 'fake-indexeddb/auto';
import { IDBFactory, IDBObjectStore } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Sample } from '../protocol/relay.ts';
import { manualTimer, regularSamples } from '../replay/testing.ts';
import type { RecorderEvent, RecorderStatus } from './recorderProtocol.ts';
import { RecorderService, type RecorderServiceOptions } from './recorderService.ts';
import { encodeSampleBatch } from './sampleBatch.ts';

const channels = [0, 1, 2].map((id) => ({ id, name: `ch${id}`, unit: 'mm', source: 'test' }));
const open: RecorderService[] = [];

async function openService(overrides: Partial<RecorderServiceOptions> = {}) {
  const timer = manualTimer();
  const events: RecorderEvent[] = [];
  const options: RecorderServiceOptions = {
    indexedDB: new IDBFactory(),
    timer,
    now: () => 1_700_000_000_000,
    onEvent: (event) => events.push(event),
    storage: {
      estimate: () => Promise.resolve({ usage: 1234, quota: 10_000_000 }),
      persisted: () => Promise.resolve(true),
    },
    ...overrides,
  };
  const service = await RecorderService.open(options);
  open.push(service);
  const statuses = () =>
    events.flatMap((e): RecorderStatus[] => (e.type === 'status' ? [e.status] : []));
  const notices = () => events.flatMap((e) => (e.type === 'notice' ? [e.message] : []));
  return { service, timer, options, statuses, notices };
}

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(open.splice(0).map((s) => s.close().catch(() => undefined)));
});

const batch = (samples: Sample[]) => encodeSampleBatch(samples);

describe('RecorderService', () => {
  it('keeps batches appended while the recording is still being created', async () => {
    const { service } = await openService();
    const started = service.start({ twin: 'footbridge', channels });
    service.append(batch(regularSamples(3, 100, 1)));
    const rec = await started;
    service.append(batch(regularSamples(3, 100, 1, 1000)));
    expect(service.status()).toMatchObject({
      recordingId: rec.id,
      samplesRecorded: 600,
      firstTime: 0,
      lastTime: 1990,
      dropped: 0,
    });
    const [latest] = await service.latestAt(rec.id, 1500, [1]);
    expect(latest).toEqual({ channel: 1, time: 1500, value: Math.sin(15 + 1), receiveTime: 1505 });
  });

  it('reports what a completed flush covered, with the storage estimate, after each tick', async () => {
    const { service, statuses } = await openService();
    const rec = await service.start({ twin: 'footbridge', channels });
    service.append(batch(regularSamples(3, 100, 2)));
    await service.tick();
    service.append(batch(regularSamples(3, 100, 0.5, 2000))); // after the flush: not yet stored
    expect(statuses().at(-1)).toMatchObject({
      recordingId: rec.id,
      samplesRecorded: 600,
      samplesPersisted: 600,
      persistedThrough: 1990,
      bytes: 600 * 24,
      storage: { usage: 1234, quota: 10_000_000, persisted: true },
    });
    expect(service.status()).toMatchObject({ samplesRecorded: 750, samplesPersisted: 600 });
  });

  it('survives a reload: a new service on the same IndexedDB lists the recording with its samples', async () => {
    const { service, options } = await openService();
    const rec = await service.start({ twin: 'footbridge', channels });
    service.append(batch(regularSamples(3, 100, 3)));
    await service.tick(); // what the timer does; the page then goes away without stop()
    const after = await RecorderService.open(options);
    open.push(after);
    const [listed] = await after.list();
    expect(listed).toMatchObject({
      id: rec.id,
      twin: 'footbridge',
      endedAt: null,
      active: false,
      storedSamples: 900,
      lastSampleTime: 2990,
      channels,
    });
    expect(await after.latestAt(rec.id, 2345, [0, 2])).toEqual([
      { channel: 0, time: 2340, value: Math.sin(23.4), receiveTime: 2345 },
      { channel: 2, time: 2340, value: Math.sin(23.4 + 2), receiveTime: 2345 },
    ]);
  });

  it('exports a recording as MCAP and imports it back as a new recording with the same samples', async () => {
    const { service } = await openService();
    const rec = await service.start({ twin: 'footbridge', channels });
    // Epoch times: MCAP reads a publish time of 0 as "not set".
    service.append(batch(regularSamples(3, 100, 3, 1_700_000_000_000)));
    await service.stop();
    const bytes = await service.exportMcap(rec.id);
    const report = await service.importMcap(bytes, 'footbridge');
    expect(report).toMatchObject({ reader: 'indexed', channels: 3, samples: 900, errors: [] });
    const copy = report.recordingId!;
    const [a, b] = await Promise.all([
      service.window(rec.id, -Infinity, Infinity, null, 10_000),
      service.window(copy, -Infinity, Infinity, null, 10_000),
    ]);
    expect(b.batch).toEqual(a.batch);
    expect((await service.list()).map((r) => r.id)).toEqual([rec.id, copy]);
  });

  it('deletes finished recordings but not the one being written, and keeps notes', async () => {
    const { service, options } = await openService();
    const old = await service.start({ twin: 'footbridge', channels });
    service.append(batch(regularSamples(3, 100, 1)));
    const current = await service.start({ twin: 'footbridge', channels });
    await expect(service.deleteRecording(current.id)).rejects.toThrow(/being written; stop it/);
    expect(await service.setNotes(old.id, 'wind gusts after 14:00')).toMatchObject({
      notes: 'wind gusts after 14:00',
    });
    await service.deleteRecording(old.id);
    expect((await service.list()).map((r) => r.id)).toEqual([current.id]);
    await service.setNotes(current.id, 'second');
    await service.close();
    const after = await RecorderService.open(options);
    open.push(after);
    expect((await after.list()).map((r) => [r.id, r.notes])).toEqual([[current.id, 'second']]);
  });

  it('ends the previous recording when a new one starts, and stop() seals everything', async () => {
    const { service } = await openService();
    const first = await service.start({ twin: 'footbridge', channels });
    service.append(batch(regularSamples(3, 100, 1)));
    const second = await service.start({ twin: 'footbridge', channels: channels.slice(0, 2) });
    service.append(batch(regularSamples(2, 100, 1, 5000)));
    const ended = await service.stop();
    expect(ended).toMatchObject({ id: second.id, storedSamples: 200, lastSampleTime: 5990 });
    expect(ended?.endedAt).not.toBeNull();
    const list = await service.list();
    expect(list.map((r) => [r.id, r.storedSamples, r.endedAt !== null])).toEqual([
      [first.id, 300, true],
      [second.id, 200, true],
    ]);
    service.append(batch(regularSamples(1, 10, 1)));
    expect(service.status()).toMatchObject({ recordingId: null, dropped: 10 });
  });

  it('a stop() while the recording is being created still keeps and ends it', async () => {
    const { service } = await openService();
    const started = service.start({ twin: 'footbridge', channels });
    service.append(batch(regularSamples(1, 100, 1)));
    expect(await service.stop()).toBeNull();
    const rec = await started;
    expect(rec).toMatchObject({ active: false, storedSamples: 100 });
    expect(rec.endedAt).not.toBeNull();
  });

  it('says once that a flush failed, keeps the samples, and says when writing works again', async () => {
    const { service, notices } = await openService();
    const rec = await service.start({ twin: 'footbridge', channels });
    service.append(batch(regularSamples(3, 100, 1)));
    const put = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('disk on fire', 'UnknownError');
    });
    await service.tick();
    await service.tick();
    expect(notices()).toEqual([
      expect.stringMatching(/could not write.*stay in memory.*disk on fire/),
    ]);
    expect(service.status().samplesPersisted).toBe(0);
    put.mockRestore();
    await service.tick();
    expect(notices().at(-1)).toMatch(/works again; nothing was lost/);
    expect(service.status()).toMatchObject({ samplesPersisted: 300, persistedThrough: 990 });
    expect((await service.list())[0]).toMatchObject({ id: rec.id, storedSamples: 300 });
  });

  it('forwards the store’s eviction notices to the page', async () => {
    // 3 channels × 100 Hz × 24 B = 7.2 kB a second; the quota holds about 4 s.
    const { service, notices } = await openService({ quota: { perRecordingBytes: 30_000 } });
    const rec = await service.start({ twin: 'footbridge', channels });
    service.append(batch(regularSamples(3, 100, 8)));
    await service.tick();
    expect(notices()).toEqual([
      expect.stringMatching(/evicted \d+ oldest chunks.*exceeds its quota/),
    ]);
    const [summary] = await service.list();
    expect(summary).toMatchObject({ id: rec.id, lastSampleTime: 7990 });
    expect(summary!.bytes).toBeLessThanOrEqual(30_000);
  });

  it('stores, changes, lists and deletes annotations, which survive a reload', async () => {
    const { service, options } = await openService();
    const rec = await service.start({ twin: 'footbridge', channels });
    const alert = await service.addAnnotation({
      recordingId: rec.id,
      t0: 1500,
      t1: 2500,
      text: 'ch1 over its limit',
      author: 'shadow',
      kind: 'alert',
      channels: ['ch1'],
    });
    const bookmark = await service.addAnnotation({
      recordingId: rec.id,
      t0: 800,
      t1: 800,
      text: '',
      author: 'operator',
      kind: 'note',
    });
    expect(alert).toMatchObject({ recordingId: rec.id, createdAt: 1_700_000_000_000 });
    expect(await service.updateAnnotation(bookmark.id, { text: 'truck crossing' })).toEqual({
      ...bookmark,
      text: 'truck crossing',
    });
    await expect(service.addAnnotation({ ...bookmark, recordingId: 'nope' })).rejects.toMatchObject(
      { reason: 'unknown_recording' },
    );
    await service.close();

    const after = await RecorderService.open(options);
    open.push(after);
    expect((await after.listAnnotations(rec.id)).map((a) => [a.id, a.text])).toEqual([
      [bookmark.id, 'truck crossing'],
      [alert.id, 'ch1 over its limit'],
    ]);
    await after.deleteAnnotation(alert.id);
    expect((await after.listAnnotations(rec.id)).map((a) => a.id)).toEqual([bookmark.id]);
    await after.deleteRecording(rec.id);
    await expect(after.listAnnotations(rec.id)).rejects.toThrow(/no recording/);
  });

  it('answers neighbour and coverage for the recording being written', async () => {
    const { service } = await openService();
    const rec = await service.start({ twin: 'footbridge', channels });
    service.append(batch(regularSamples(3, 100, 1)));
    await service.tick();
    service.append(batch(regularSamples(3, 100, 1, 3000))); // after a gap, not yet flushed

    expect(await service.neighbour(rec.id, 990, 'after', null)).toBe(3000);
    expect(await service.neighbour(rec.id, 3000, 'before', [2])).toBe(990);
    expect(await service.neighbour(rec.id, 3990, 'after', null)).toBeNull();
    const { counts, bucketMs } = await service.coverage(rec.id, 0, 4000, 4);
    expect(bucketMs).toBe(1000);
    expect(counts[1]).toBe(0);
    expect(counts[2]).toBe(0);
    expect(counts[3]).toBe(300);
    expect(counts[0]).toBeCloseTo(300, 6);
  });
});
