import { McapWriter, TempBuffer } from '@mcap/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sample } from '../../protocol/relay.ts';
import { createRandom } from '../../twin/random.ts';
import { ReplayError } from '../replayError.ts';
import type { ReplayStore } from '../replayStore.ts';
import { exportMcap } from './mcapExport.ts';
import { importMcap } from './mcapImport.ts';
import {
  CHANNELS,
  footbridgeSamples,
  openStore,
  recordFixture,
  replayAll,
  STARTED_AT,
} from './testing.ts';

const stores: ReplayStore[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

async function store() {
  const s = await openStore();
  stores.push(s);
  return s;
}

/** A file written by another tool: JSON and protobuf topics side by side. */
async function foreignFile(): Promise<Uint8Array> {
  const buffer = new TempBuffer();
  const writer = new McapWriter({ writable: buffer, chunkSize: 4096 });
  await writer.start({ profile: 'ros2', library: 'test' });
  const protoSchema = await writer.registerSchema({
    name: 'foxglove.CompressedImage',
    encoding: 'protobuf',
    data: new Uint8Array([1, 2, 3]),
  });
  const channel = (topic: string, messageEncoding: string, schemaId = 0) =>
    writer.registerChannel({ topic, messageEncoding, schemaId, metadata: new Map() });
  const temp = await channel('/imu/temperature', 'json');
  const camera = await channel('/camera/image', 'protobuf', protoSchema);
  const status = await channel('/status', 'json');
  const odom = await channel('/odom', 'cdr');
  const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
  for (let i = 0; i < 200; i++) {
    const t = 1_000_000_000n + BigInt(i) * 10_000_000n; // 1 s + i × 10 ms
    const add = (channelId: number, data: Uint8Array, publishTime = t) =>
      writer.addMessage({ channelId, sequence: i, logTime: t, publishTime, data });
    await add(temp, json({ temperature: 21 + i / 100 }), 0n);
    if (i % 10 === 0) await add(camera, new Uint8Array(64).fill(i));
    if (i % 50 === 0) await add(status, json({ level: 'OK', message: 'fine' }));
    if (i % 4 === 0) await add(odom, new Uint8Array([0, 1, 0, 0, i]));
  }
  await writer.end();
  return buffer.get();
}

describe('importMcap', () => {
  it('round-trips a Twinbench export exactly: channels, samples, times, recording fields', async () => {
    const s = await store();
    const samples = footbridgeSamples(); // 3 channels × 100 Hz × 5 s
    samples.push([0, STARTED_AT + 5_001, NaN, STARTED_AT + 5_002]);
    samples.push([1, STARTED_AT + 5_001, -0, STARTED_AT + 5_002]);
    samples.push([7, STARTED_AT + 5_001, -Infinity, STARTED_AT + 5_002.000001]);
    const original = await recordFixture(s, samples);

    const report = await importMcap(s, await exportMcap(s, original));

    expect(report).toMatchObject({
      reader: 'indexed',
      channels: 3,
      samples: 1503,
      skipped: [],
      errors: [],
    });
    const [before, after] = [original, report.recordingId!].map((id) =>
      s.listRecordings().find((r) => r.id === id)!,
    );
    expect(after).toMatchObject({
      twin: before!.twin,
      notes: before!.notes,
      channels: CHANNELS,
      startedAt: before!.startedAt,
      endedAt: before!.endedAt,
    });
    const imported = await replayAll(s, report.recordingId!);
    const kept = await replayAll(s, original);
    expect(imported).toHaveLength(1503);
    // Object.is per field: exact float64 equality, -0 and NaN included.
    const differences = imported.filter((sample, i) =>
      sample.some((field, k) => !Object.is(field, kept[i]![k])),
    );
    expect(differences).toEqual([]);
  });

  it('lets the caller name the twin and notes', async () => {
    const s = await store();
    const id = await recordFixture(s, footbridgeSamples(10, 1));
    const report = await importMcap(s, await exportMcap(s, id), {
      twin: 'tower',
      notes: 'from the field laptop',
    });
    expect(s.listRecordings().find((r) => r.id === report.recordingId)).toMatchObject({
      twin: 'tower',
      notes: 'from the field laptop',
    });
  });

  it('imports the json topics and reports protobuf, cdr and non-numeric json as skipped', async () => {
    const s = await store();

    const report = await importMcap(s, await foreignFile());

    expect(report).toMatchObject({ reader: 'indexed', channels: 1, samples: 200, errors: [] });
    expect(report.skipped).toEqual([
      { topic: '/camera/image', encoding: 'protobuf', reason: 'unsupported_encoding', count: 20 },
      { topic: '/status', encoding: 'json', reason: 'not_numeric', count: 4 },
      { topic: '/odom', encoding: 'cdr', reason: 'unsupported_encoding', count: 50 },
    ]);
    const meta = s.listRecordings().find((r) => r.id === report.recordingId)!;
    expect(meta.channels).toEqual([
      { id: 0, name: '/imu/temperature', unit: '', source: 'mcap:/imu/temperature' },
    ]);
    const samples = await replayAll(s, meta.id);
    // Publish time 0 means "not set": device time falls back to the log time.
    expect(samples[0]).toEqual([0, 1000, 21, 1000]);
    expect(samples[199]).toEqual([0, 2990, 22.99, 2990]);
  });

  it.each([
    ['one 1 MiB chunk, cut inside it', undefined],
    ['16 KiB chunks, cut between and inside them', 16 * 1024],
  ])('imports what precedes the cut at 60 %% of a file (%s)', async (_, chunkSize) => {
    const s = await store();
    const samples = footbridgeSamples();
    const id = await recordFixture(s, samples);
    const bytes = await exportMcap(s, id, chunkSize === undefined ? {} : { chunkSize });
    const cut = bytes.subarray(0, Math.floor(bytes.byteLength * 0.6));

    const report = await importMcap(s, cut);

    expect(report.reader).toBe('stream');
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]!.reason).toBe('truncated');
    expect(report.errors[0]!.message).toMatch(/cut short/);
    // The index (about 20 % of the file) is at the end, so 60 % of the bytes hold > 60 % of the
    // messages; all of them are back, including the whole ones inside the cut chunk.
    expect(report.samples).toBeGreaterThan(samples.length * 0.6);
    expect(report.samples).toBeLessThan(samples.length);
    const imported = await replayAll(s, report.recordingId!);
    expect(imported).toHaveLength(report.samples);
    const key = (x: Sample) => x.join(',');
    const originals = new Set(samples.map(key));
    expect(imported.filter((x) => !originals.has(key(x)))).toEqual([]);
  });

  it('names the missing decompressor for compressed chunks, and uses one when given', async () => {
    const buffer = new TempBuffer();
    // Stored as-is but labelled zstd: enough to exercise the handler without a zstd package.
    const writer = new McapWriter({
      writable: buffer,
      compressChunk: (data) => ({ compression: 'zstd', compressedData: data }),
    });
    await writer.start();
    const ch = await writer.registerChannel({
      topic: 'x',
      messageEncoding: 'json',
      schemaId: 0,
      metadata: new Map(),
    });
    await writer.addMessage({
      channelId: ch,
      sequence: 0,
      logTime: 2_000_000n,
      publishTime: 1_000_000n,
      data: new TextEncoder().encode('{"value":4}'),
    });
    await writer.end();
    const s = await store();

    await expect(importMcap(s, buffer.get())).rejects.toThrow(/Pass decompressHandlers/);
    const report = await importMcap(s, buffer.get(), {
      decompressHandlers: { zstd: (data) => data },
    });
    expect(report).toMatchObject({ reader: 'indexed', samples: 1, errors: [] });
    expect(await replayAll(s, report.recordingId!)).toEqual([[0, 1, 4, 2]]);
  });

  it('imports an unchunked file without a summary by reading it from the start', async () => {
    const buffer = new TempBuffer();
    const writer = new McapWriter({
      writable: buffer,
      useChunks: false,
      useChunkIndex: false,
      useStatistics: false,
      useSummaryOffsets: false,
      repeatChannels: false,
      repeatSchemas: false,
    });
    await writer.start();
    const ch = await writer.registerChannel({
      topic: 'x',
      messageEncoding: 'json',
      schemaId: 0,
      metadata: new Map(),
    });
    for (let i = 0; i < 10; i++) {
      const t = BigInt(i) * 1_000_000n;
      await writer.addMessage({
        channelId: ch,
        sequence: i,
        logTime: t + 500n,
        publishTime: t,
        data: new TextEncoder().encode(String(i * 1.5)),
      });
    }
    await writer.end();
    const s = await store();

    const report = await importMcap(s, buffer.get());

    expect(report).toMatchObject({ reader: 'stream', samples: 10, errors: [] });
    expect((await replayAll(s, report.recordingId!))[3]).toEqual([0, 3, 4.5, 3.0005]);
  });

  it('gives a clear error for bytes that are not MCAP and keeps the store unchanged', async () => {
    const s = await store();
    const random = createRandom(7);
    const noise = Uint8Array.from({ length: 4096 }, () => Math.floor(random.uniform() * 256));

    const attempt = importMcap(s, noise);

    await expect(attempt).rejects.toBeInstanceOf(ReplayError);
    await expect(attempt).rejects.toThrow(/not an MCAP file: missing magic/);
    await expect(importMcap(s, new Uint8Array(0))).rejects.toThrow(/an empty file/);
    expect(s.listRecordings()).toEqual([]);
  });

  it('gives a clear error when the magic is there but nothing after it can be read', async () => {
    const s = await store();
    const bytes = await foreignFile();
    const damaged = bytes.slice(0, 64);
    damaged.fill(0xff, 8);

    await expect(importMcap(s, damaged)).rejects.toThrow(/nothing could be read/);
    await expect(importMcap(s, bytes.subarray(0, 12))).rejects.toThrow(
      /before its header record is complete/,
    );
    expect(s.listRecordings()).toEqual([]);
  });

  it('returns no recording for a file with no importable channel', async () => {
    const buffer = new TempBuffer();
    const writer = new McapWriter({ writable: buffer });
    await writer.start();
    const ch = await writer.registerChannel({
      topic: '/scan',
      messageEncoding: 'ros1msg',
      schemaId: 0,
      metadata: new Map(),
    });
    await writer.addMessage({
      channelId: ch,
      sequence: 0,
      logTime: 1n,
      publishTime: 1n,
      data: new Uint8Array(8),
    });
    await writer.end();
    const s = await store();

    const report = await importMcap(s, buffer.get());

    expect(report).toMatchObject({ recordingId: null, channels: 0, samples: 0 });
    expect(report.skipped).toEqual([
      { topic: '/scan', encoding: 'ros1msg', reason: 'unsupported_encoding', count: 1 },
    ]);
    expect(s.listRecordings()).toEqual([]);
  });
});
