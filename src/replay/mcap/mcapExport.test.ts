import { McapIndexedReader, TempBuffer } from '@mcap/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sample } from '../../protocol/relay.ts';
import { ReplayError } from '../replayError.ts';
import type { ReplayStore } from '../replayStore.ts';
import { exportMcap } from './mcapExport.ts';
import { msToNs } from '../../protocol/nanoTime.ts';
import { numericValueOf } from './sampleMessage.ts';
import { CHANNELS, footbridgeSamples, openStore, recordFixture, STARTED_AT } from './testing.ts';

const stores: ReplayStore[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

async function fixture(samples: readonly Sample[] = footbridgeSamples()) {
  const store = await openStore();
  stores.push(store);
  return { store, id: await recordFixture(store, samples) };
}

interface ReadBack {
  topic: string;
  logTime: bigint;
  publishTime: bigint;
  value: number | undefined;
}

async function readIndexed(bytes: Uint8Array) {
  const reader = await McapIndexedReader.Initialize({ readable: new TempBuffer(bytes) });
  const messages: ReadBack[] = [];
  for await (const m of reader.readMessages()) {
    messages.push({
      topic: reader.channelsById.get(m.channelId)!.topic,
      logTime: m.logTime,
      publishTime: m.publishTime,
      value: numericValueOf(JSON.parse(new TextDecoder().decode(m.data))),
    });
  }
  const metadata = [];
  for await (const record of reader.readMetadata()) metadata.push(record);
  return { reader, messages, metadata };
}

const byTimes = (a: ReadBack, b: ReadBack) =>
  a.topic.localeCompare(b.topic) || Number(a.publishTime - b.publishTime);

function expected(samples: readonly Sample[]): ReadBack[] {
  return samples.map(([channel, time, value, receiveTime]) => ({
    topic: CHANNELS.find((c) => c.id === channel)!.name,
    logTime: msToNs(receiveTime),
    publishTime: msToNs(time),
    value,
  }));
}

describe('exportMcap', () => {
  it('writes a chunked, indexed file the indexed reader reads back sample for sample', async () => {
    const samples = footbridgeSamples(); // 3 channels × 100 Hz × 5 s
    const { store, id } = await fixture(samples);

    const bytes = await exportMcap(store, id, { chunkSize: 16 * 1024 });
    const { reader, messages } = await readIndexed(bytes);

    expect(reader.chunkIndexes.length).toBeGreaterThan(3);
    expect(reader.statistics?.messageCount).toBe(1500n);
    expect(messages).toHaveLength(1500);
    expect(messages.toSorted(byTimes)).toEqual(expected(samples).toSorted(byTimes));
    // Log time order, as readers promise.
    for (let i = 1; i < messages.length; i++) {
      expect(messages[i]!.logTime >= messages[i - 1]!.logTime).toBe(true);
    }
  });

  it('describes channels, schema and recording so other tools can show them', async () => {
    const { store, id } = await fixture();
    const { reader, metadata } = await readIndexed(await exportMcap(store, id));

    const channels = [...reader.channelsById.values()];
    expect(
      channels.map((c) => [c.topic, c.messageEncoding, Object.fromEntries(c.metadata)]),
    ).toEqual(
      CHANNELS.map((c) => [
        c.name,
        'json',
        { unit: c.unit, source: c.source, 'twinbench.channelId': String(c.id) },
      ]),
    );
    const schema = reader.schemasById.get(channels[0]!.schemaId)!;
    expect(schema.name).toBe('twinbench.Sample');
    expect(schema.encoding).toBe('jsonschema');
    expect(JSON.parse(new TextDecoder().decode(schema.data))).toMatchObject({
      properties: { value: { type: ['number', 'null'] } },
    });
    expect(metadata).toHaveLength(1);
    expect(metadata[0]!.name).toBe('twinbench.recording');
    expect(Object.fromEntries(metadata[0]!.metadata)).toMatchObject({
      id,
      twin: 'footbridge',
      notes: 'load test, 3 walkers',
      startedAt: String(STARTED_AT),
      startedAtIso: '2023-11-14T22:13:20.000Z',
      endedAt: String(STARTED_AT + 5_000.25),
    });
  });

  it('exports a device-time window of chosen channels only', async () => {
    const samples = footbridgeSamples();
    const { store, id } = await fixture(samples);
    const t0 = STARTED_AT + 1_000;
    const t1 = STARTED_AT + 2_500;

    const { reader, messages } = await readIndexed(
      await exportMcap(store, id, { t0, t1, channels: [0, 7] }),
    );

    const wanted = samples.filter(([c, t]) => (c === 0 || c === 7) && t >= t0 && t <= t1);
    expect(wanted.length).toBeGreaterThan(250);
    expect([...reader.channelsById.values()].map((c) => c.topic)).toEqual([
      'disp.z.L50',
      'strain.count',
    ]);
    expect(messages.toSorted(byTimes)).toEqual(expected(wanted).toSorted(byTimes));
  });

  it('names the fix for an unknown recording, channel or an inverted window', async () => {
    const { store, id } = await fixture(footbridgeSamples(10, 1));
    await expect(exportMcap(store, 'nope')).rejects.toThrow(/no recording "nope"/);
    await expect(exportMcap(store, id, { channels: [3] })).rejects.toThrow(
      /no channel 3; its channels are 0, 1, 7/,
    );
    await expect(exportMcap(store, id, { t0: 5, t1: 1 })).rejects.toBeInstanceOf(ReplayError);
  });
});
