/** Shared fixtures for the MCAP tests: a store on a fresh fake IndexedDB and a realistic recording. */
// The globals (IDBRequest, IDBKeyRange) that idb and the store use; each store gets its own factory.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import type { ChannelInfo, Sample } from '../../protocol/relay.ts';
import { createRandom } from '../../twin/random.ts';
import { ReplayStore } from '../replayStore.ts';
import { manualTimer } from '../testing.ts';

export const STARTED_AT = 1_700_000_000_000;

export const CHANNELS: readonly ChannelInfo[] = [
  { id: 0, name: 'disp.z.L50', unit: 'mm', source: 'mqtt:twinbench/footbridge/sensors/disp.z.L50' },
  {
    id: 1,
    name: 'accel.y.L25',
    unit: 'm/s²',
    source: 'mqtt:twinbench/footbridge/sensors/accel.y.L25',
  },
  { id: 7, name: 'strain.count', unit: 'count', source: 'kafka:footbridge.strain' },
];

export function openStore(): Promise<ReplayStore> {
  return ReplayStore.open({
    indexedDB: new IDBFactory(),
    timer: manualTimer(),
    now: () => STARTED_AT + 60_000,
  });
}

/**
 * `channels` at `hz` for `seconds`: epoch device times with sub-ms jitter, receive times a few
 * ms later, a displacement sine, a noisy acceleration and a large integer counter.
 */
export function footbridgeSamples(
  hz = 100,
  seconds = 5,
  channels: readonly ChannelInfo[] = CHANNELS,
): Sample[] {
  const random = createRandom(42);
  const out: Sample[] = [];
  const n = Math.round(hz * seconds);
  for (let i = 0; i < n; i++) {
    for (const [k, channel] of channels.entries()) {
      const time = STARTED_AT + (i * 1000) / hz + random.uniform() * 0.5;
      const receiveTime = time + 3 + random.uniform() * 20;
      const value =
        k === 0 ? 12.5 * Math.sin(time / 300) : k === 1 ? random.normal() * 0.02 : 2 ** 40 + i * 7;
      out.push([channel.id, time, value, receiveTime]);
    }
  }
  return out;
}

/** Everything `store.replay` yields for the recording. */
export async function replayAll(store: ReplayStore, recordingId: string): Promise<Sample[]> {
  const out: Sample[] = [];
  for await (const sample of store.replay(recordingId, -Infinity)) out.push(sample);
  return out;
}

/** A recording of `samples` on `channels`, ended. */
export async function recordFixture(
  store: ReplayStore,
  samples: readonly Sample[] = footbridgeSamples(),
  channels: readonly ChannelInfo[] = CHANNELS,
): Promise<string> {
  const rec = await store.createRecording({
    twin: 'footbridge',
    channels,
    notes: 'load test, 3 walkers',
    startedAt: STARTED_AT,
  });
  store.append(rec.id, samples);
  await store.endRecording(rec.id, STARTED_AT + 5_000.25);
  return rec.id;
}
