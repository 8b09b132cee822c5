import 'fake-indexeddb/auto';
import * as Comlink from 'comlink';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { manualTimer, regularSamples } from '../replay/testing.ts';
import { RECORDER_PROTOCOL_VERSION, type RecorderWorkerApi } from '../workers/recorderProtocol.ts';
import { RecorderService } from '../workers/recorderService.ts';
import { encodeSampleBatch } from '../workers/sampleBatch.ts';
import { startRecorder, type RecorderHost, type RecorderState } from './recorder.ts';

const channels = [0, 1].map((id) => ({ id, name: `ch${id}`, unit: 'mm', source: 'test' }));

/** What recorder.worker.ts exposes, over a service of our own. */
function workerApi(service: RecorderService): RecorderWorkerApi {
  return {
    protocolVersion: () => RECORDER_PROTOCOL_VERSION,
    open: () => service.list(),
    start: (request) => service.start(request),
    append: (batch) => service.append(batch),
    stop: () => service.stop(),
    list: () => service.list(),
    latestAt: (id, t, chs) => service.latestAt(id, t, chs),
    range: (id, t0, t1, chs, maxPoints) => service.range(id, t0, t1, chs, maxPoints),
    window: (id, t0, t1, chs, limit) => service.window(id, t0, t1, chs, limit),
    neighbour: (id, t, direction, chs) => service.neighbour(id, t, direction, chs),
    coverage: (id, t0, t1, buckets) => service.coverage(id, t0, t1, buckets),
    addAnnotation: (input) => service.addAnnotation(input),
    updateAnnotation: (id, patch) => service.updateAnnotation(id, patch),
    deleteAnnotation: (id) => service.deleteAnnotation(id),
    listAnnotations: (id) => service.listAnnotations(id),
    exportMcap: (id) => service.exportMcap(id),
    importMcap: (bytes, twin) => service.importMcap(bytes, twin),
    deleteRecording: (id) => service.deleteRecording(id),
    setNotes: (id, notes) => service.setNotes(id, notes),
    close: () => service.close(),
  };
}

const hosts: RecorderHost[] = [];
afterEach(() => hosts.splice(0).forEach((host) => host.dispose()));

async function connected() {
  const service = await RecorderService.open({
    indexedDB: new IDBFactory(),
    timer: manualTimer(),
    onEvent: () => {},
  });
  const { port1, port2 } = new MessageChannel();
  Comlink.expose(workerApi(service), port1);
  const states: RecorderState[] = [];
  const host = startRecorder((state) => states.push(state), {
    twin: 'footbridge',
    connect: () => ({ endpoint: port2, terminate: () => (port1.close(), port2.close()) }),
    requestPersistence: () => Promise.resolve(true),
  });
  hosts.push(host);
  return { service, host };
}

describe('RecorderHost', () => {
  it('forwards annotations and the timeline queries to the worker', async () => {
    const { service, host } = await connected();
    const rec = await service.start({ twin: 'footbridge', channels });
    service.append(encodeSampleBatch(regularSamples(2, 100, 1)));
    service.append(encodeSampleBatch(regularSamples(2, 100, 1, 3000)));
    await service.stop();

    const added = await host.addAnnotation({
      recordingId: rec.id,
      t0: 500,
      t1: 500,
      text: 'bookmark',
      author: 'operator',
      kind: 'note',
    });
    const moved = await host.updateAnnotation(added.id, { t0: 3500 });
    expect(moved).toMatchObject({ t0: 3500, t1: 3500, text: 'bookmark' });
    expect(await host.listAnnotations(rec.id)).toEqual([moved]);
    await host.deleteAnnotation(added.id);
    expect(await host.listAnnotations(rec.id)).toEqual([]);
    await expect(host.deleteAnnotation(added.id)).rejects.toThrow(/no annotation/);

    expect(await host.neighbour(rec.id, 990, 'after', [1])).toBe(3000);
    const coverage = await host.coverage(rec.id, 0, 4000, 4);
    expect(coverage.counts).toBeInstanceOf(Float64Array);
    expect([coverage.counts[1], coverage.counts[2]]).toEqual([0, 0]);
    expect(coverage.counts[3]).toBeCloseTo(200, 6);
  });
});
