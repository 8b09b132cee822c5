import { McapIndexedReader, McapWriter, TempBuffer } from '@mcap/core';
import { afterEach, describe, expect, it } from 'vitest';
import { msToNs } from '../../protocol/nanoTime.ts';
import type { Annotation, NewAnnotation } from '../annotations.ts';
import type { ReplayStore } from '../replayStore.ts';
import { ANNOTATION_TOPIC, exportMcap } from './mcapExport.ts';
import { importMcap } from './mcapImport.ts';
import { footbridgeSamples, openStore, recordFixture, STARTED_AT } from './testing.ts';

const stores: ReplayStore[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

async function fixture() {
  const store = await openStore();
  stores.push(store);
  const id = await recordFixture(store, footbridgeSamples(100, 5));
  const add = (t0: number, extra: Partial<NewAnnotation> = {}) =>
    store.addAnnotation({
      recordingId: id,
      t0: STARTED_AT + t0,
      t1: STARTED_AT + t0,
      text: '',
      author: 'operator',
      kind: 'note',
      ...extra,
    });
  const annotations = [
    await add(500, { text: 'first walker on the span' }),
    await add(1200.125, {
      t1: STARTED_AT + 2600.5,
      text: 'disp.z.L50 over 12 mm',
      author: 'shadow',
      kind: 'alert',
      channels: ['disp.z.L50'],
    }),
    await add(4000, { text: 'ünïcödé ✓ "quoted"\nsecond line' }),
  ];
  return { store, id, annotations };
}

async function readAnnotations(bytes: Uint8Array) {
  const reader = await McapIndexedReader.Initialize({ readable: new TempBuffer(bytes) });
  const channel = [...reader.channelsById.values()].find((c) => c.topic === ANNOTATION_TOPIC);
  const messages = [];
  for await (const m of reader.readMessages({ topics: [ANNOTATION_TOPIC] })) {
    messages.push({
      logTime: m.logTime,
      publishTime: m.publishTime,
      data: JSON.parse(new TextDecoder().decode(m.data)) as unknown,
    });
  }
  return { reader, channel, messages };
}

const withoutRecording = ({ recordingId: _, ...rest }: Annotation) => rest;
const content = ({ id: _, recordingId: __, ...rest }: Annotation) => rest;

describe('MCAP annotations', () => {
  it('writes each annotation as a json message at its t0 on the annotation topic', async () => {
    const { store, id, annotations } = await fixture();

    const { reader, channel, messages } = await readAnnotations(await exportMcap(store, id));

    expect(ANNOTATION_TOPIC).toBe('/twinbench/annotations');
    expect(channel).toMatchObject({ messageEncoding: 'json' });
    const schema = reader.schemasById.get(channel!.schemaId)!;
    expect(schema).toMatchObject({ name: 'twinbench.Annotation', encoding: 'jsonschema' });
    expect(JSON.parse(new TextDecoder().decode(schema.data))).toMatchObject({
      required: ['id', 't0', 't1', 'text', 'author', 'kind', 'createdAt'],
    });
    expect(messages).toEqual(
      annotations.map((a) => ({
        logTime: msToNs(a.t0),
        publishTime: msToNs(a.t0),
        data: withoutRecording(a),
      })),
    );
    // 1500 samples and 3 annotations.
    expect(reader.statistics?.messageCount).toBe(1503n);
  });

  it('keeps annotations whatever the channel filter, but only those overlapping the window', async () => {
    const { store, id, annotations } = await fixture();

    const { messages } = await readAnnotations(
      await exportMcap(store, id, { t0: STARTED_AT + 2000, t1: STARTED_AT + 4000, channels: [1] }),
    );

    // The range 1200–2600 overlaps; the bookmark at 4000 sits on the window's end.
    expect(messages.map((m) => m.data)).toEqual(
      [annotations[1]!, annotations[2]!].map(withoutRecording),
    );
  });

  it('writes no annotation channel for a recording without annotations', async () => {
    const store = await openStore();
    stores.push(store);
    const id = await recordFixture(store, footbridgeSamples(10, 1));
    const { channel } = await readAnnotations(await exportMcap(store, id));
    expect(channel).toBeUndefined();
  });

  it('round-trips: import gives the new recording equal annotations, not a numeric channel', async () => {
    const { store, id, annotations } = await fixture();

    const report = await importMcap(store, await exportMcap(store, id));

    expect(report).toMatchObject({ channels: 3, samples: 1500, annotations: 3, skipped: [] });
    const copy = report.recordingId!;
    expect(
      store
        .listRecordings()
        .find((r) => r.id === copy)!
        .channels.map((c) => c.name),
    ).toEqual(['disp.z.L50', 'accel.y.L25', 'strain.count']);
    const imported = await store.listAnnotations(copy);
    expect(imported.map(content)).toEqual(annotations.map(content));
    for (const a of imported) expect(a.recordingId).toBe(copy);
    // New ids, so the original keeps its own.
    expect(imported.map((a) => a.id)).not.toContain(annotations[0]!.id);
    expect(await store.listAnnotations(id)).toEqual(annotations);
  });

  it('skips a bad annotation, saying why, and imports the rest', async () => {
    const buffer = new TempBuffer();
    const writer = new McapWriter({ writable: buffer });
    await writer.start({ profile: '', library: 'test' });
    const channel = (topic: string) =>
      writer.registerChannel({ topic, messageEncoding: 'json', schemaId: 0, metadata: new Map() });
    const values = await channel('/strain');
    const notes = await channel(ANNOTATION_TOPIC);
    const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
    const add = (channelId: number, ms: number, data: Uint8Array) =>
      writer.addMessage({
        channelId,
        sequence: 0,
        logTime: msToNs(ms),
        publishTime: msToNs(ms),
        data,
      });
    const good = { t0: 1000, t1: 1000, text: 'ok', author: 'operator', kind: 'note', createdAt: 5 };
    await add(values, 1000, json({ value: 1 }));
    await add(notes, 1000, json({ id: 'x', ...good }));
    await add(notes, 2000, json({ ...good, t0: 2000, t1: 1500 }));
    await add(notes, 3000, new TextEncoder().encode('{"t0": 3000,'));
    await add(notes, 4000, json({ ...good, t0: 4000, t1: 4000, kind: 'todo' }));
    await writer.end();
    const store = await openStore();
    stores.push(store);

    const report = await importMcap(store, buffer.get());

    expect(report).toMatchObject({ channels: 1, samples: 1, annotations: 1, errors: [] });
    expect(report.skipped).toEqual([
      {
        topic: ANNOTATION_TOPIC,
        encoding: 'json',
        reason: 'invalid_annotation',
        count: 3,
        detail: expect.stringMatching(/t1 \(1500\) is before t0 \(2000\)/) as unknown,
      },
    ]);
    const [imported] = await store.listAnnotations(report.recordingId!);
    expect(imported).toMatchObject({ ...good, recordingId: report.recordingId });
    expect(imported!.id).not.toBe('x');
  });

  it('imports a file holding only annotations as a recording without channels', async () => {
    const { store, id, annotations } = await fixture();

    const report = await importMcap(store, await exportMcap(store, id, { channels: [] }));

    expect(report).toMatchObject({ channels: 0, samples: 0, annotations: 3 });
    expect((await store.listAnnotations(report.recordingId!)).map(content)).toEqual(
      annotations.map(content),
    );
  });
});
