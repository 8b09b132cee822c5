import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../logger.ts';
import { MockSocket } from '../testing/mockSocket.ts';
import { RelayHub, type HubClientAdapter, type RelayHubOptions } from './relayHub.ts';

function makeHub(options: Partial<RelayHubOptions> = {}) {
  let now = 1000;
  const logger = createMemoryLogger();
  const hub = new RelayHub({ logger, now: () => now++, ...options });
  return { hub, logger };
}

describe('RelayHub', () => {
  it('sends the channel table to a new client', () => {
    const { hub } = makeHub({ unitOf: (name) => (name.startsWith('disp') ? 'mm' : '') });
    hub.ingest('disp.z.L50', 1, 0.5, 'mqtt:t/disp.z.L50');
    const socket = new MockSocket();
    hub.addClient(socket);
    expect(socket.messages()).toEqual([
      {
        type: 'channels',
        channels: [{ id: 0, name: 'disp.z.L50', unit: 'mm', source: 'mqtt:t/disp.z.L50' }],
      },
    ]);
  });

  it('gives channels stable ids in order of first appearance', () => {
    const { hub } = makeHub();
    for (const name of ['b', 'a', 'b', 'c', 'a']) hub.ingest(name, 1, 1, 'test');
    expect(hub.channels().map((c) => [c.id, c.name])).toEqual([
      [0, 'b'],
      [1, 'a'],
      [2, 'c'],
    ]);
  });

  it('batches samples into one message per flush, in arrival order, stamped with the receive time', () => {
    const { hub } = makeHub();
    const socket = new MockSocket();
    hub.addClient(socket).subscribe('*');
    socket.clear();
    hub.ingest('a', 10, 1.5, 'test');
    hub.ingest('b', 11, 2.5, 'test');
    hub.ingest('a', 20, 3.5, 'test');
    expect(socket.sent).toEqual([]);
    hub.flush();
    const samples = socket.ofType('samples');
    expect(samples).toHaveLength(1);
    expect(samples[0]!.samples).toEqual([
      [0, 10, 1.5, 1000],
      [1, 11, 2.5, 1001],
      [0, 20, 3.5, 1002],
    ]);
    socket.clear();
    hub.flush();
    expect(socket.ofType('samples')).toEqual([]);
  });

  it('sends a live queue as soon as it is half full instead of waiting for the tick', async () => {
    const { hub } = makeHub({ flushIntervalMs: 60_000, maxQueuedSamples: 100 });
    const socket = new MockSocket();
    hub.addClient(socket).subscribe('*');
    hub.start();
    try {
      socket.clear();
      for (let i = 0; i < 49; i++) hub.ingest('a', i, i, 'test');
      await new Promise((resolve) => setImmediate(resolve));
      expect(socket.ofType('samples')).toEqual([]);
      hub.ingest('a', 49, 49, 'test');
      await new Promise((resolve) => setImmediate(resolve));
      expect(socket.ofType('samples').flatMap((m) => m.samples)).toHaveLength(50);
    } finally {
      hub.stop();
    }
  });

  it('announces new channels to every client before the samples that use them', () => {
    const { hub } = makeHub();
    const watcher = new MockSocket();
    const idle = new MockSocket();
    hub.addClient(watcher).subscribe('*');
    hub.addClient(idle);
    watcher.clear();
    idle.clear();
    hub.ingest('x', 1, 1, 'test');
    hub.flush();
    expect(watcher.messages().map((m) => m.type)).toEqual(['channels', 'samples']);
    expect(idle.messages()).toEqual([
      { type: 'channels', channels: [{ id: 0, name: 'x', unit: '', source: 'test' }] },
    ]);
    watcher.clear();
    hub.ingest('x', 2, 1, 'test');
    hub.flush();
    expect(watcher.messages().map((m) => m.type)).toEqual(['samples']);
  });

  it('sends each client only the channels it subscribed to', () => {
    const { hub } = makeHub();
    const some = new MockSocket();
    const none = new MockSocket();
    hub.addClient(some).subscribe(['a', 'later']);
    hub.addClient(none);
    for (const name of ['a', 'b', 'later']) hub.ingest(name, 1, 1, 'test');
    hub.flush();
    expect(some.ofType('samples')[0]!.samples.map((s) => s[0])).toEqual([0, 2]);
    expect(none.ofType('samples')).toEqual([]);
  });

  it('lets a client unsubscribe from a list or from "*"', () => {
    const { hub } = makeHub();
    const listed = new MockSocket();
    const all = new MockSocket();
    const listedClient = hub.addClient(listed);
    listedClient.subscribe(['a', 'b']);
    listedClient.unsubscribe(['a']);
    const allClient = hub.addClient(all);
    allClient.subscribe('*');
    allClient.unsubscribe(['b']);
    for (const name of ['a', 'b', 'c']) hub.ingest(name, 1, 1, 'test');
    hub.flush();
    expect(listed.ofType('samples')[0]!.samples.map((s) => s[0])).toEqual([1]);
    expect(all.ofType('samples')[0]!.samples.map((s) => s[0])).toEqual([0, 2]);
    allClient.subscribe(['b']);
    hub.ingest('b', 2, 1, 'test');
    hub.flush();
    expect(all.ofType('samples')[1]!.samples.map((s) => s[0])).toEqual([1]);
  });

  it('drops oldest samples for a client that falls behind, counts them, and keeps others whole', () => {
    const { hub, logger } = makeHub({ maxQueuedSamples: 5, highWaterBytes: 1000 });
    const slow = new MockSocket();
    const fast = new MockSocket();
    hub.addClient(slow).subscribe('*');
    hub.addClient(fast).subscribe('*');
    slow.bufferedAmount = 5000;
    for (let i = 0; i < 8; i++) {
      hub.ingest('a', i, i, 'test');
      if (i % 4 === 3) hub.flush();
    }
    expect(slow.ofType('samples')).toEqual([]);
    expect(fast.ofType('samples').flatMap((m) => m.samples.map((s) => s[1]))).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7,
    ]);
    expect(logger.lines.some((l) => l.level === 'warn' && l.line.includes('not keeping up'))).toBe(
      true,
    );

    slow.bufferedAmount = 0;
    hub.flush();
    expect(slow.ofType('samples')[0]!.samples.map((s) => s[1])).toEqual([3, 4, 5, 6, 7]);
    hub.broadcastStats();
    expect(slow.ofType('stats')[0]).toMatchObject({ dropped: 3, clients: 2 });
    expect(fast.ofType('stats')[0]).toMatchObject({ dropped: 0 });
  });

  it('stops sending to a removed client', () => {
    const { hub } = makeHub();
    const socket = new MockSocket();
    const client = hub.addClient(socket);
    client.subscribe('*');
    hub.removeClient(client);
    socket.clear();
    hub.ingest('a', 1, 1, 'test');
    hub.flush();
    hub.broadcastStats();
    expect(socket.sent).toEqual([]);
    expect(hub.clientCount).toBe(0);
  });

  it('sends stats with the sources and the client count', () => {
    const sources = [{ name: 'mqtt', connected: true, received: 5, malformed: 1 }];
    const { hub } = makeHub({ sourceStats: () => sources });
    const socket = new MockSocket();
    hub.addClient(socket);
    hub.broadcastStats();
    expect(socket.ofType('stats')).toEqual([{ type: 'stats', sources, clients: 1, dropped: 0 }]);
  });

  it('refuses new channels once the table is full, and says so once', () => {
    const { hub, logger } = makeHub({ maxChannels: 2 });
    expect(hub.ingest('a', 1, 1, 'test')).toBe(true);
    expect(hub.ingest('b', 1, 1, 'test')).toBe(true);
    expect(hub.ingest('c', 1, 1, 'test')).toBe(false);
    expect(hub.ingest('d', 1, 1, 'test')).toBe(false);
    expect(hub.ingest('a', 2, 1, 'test')).toBe(true);
    expect(logger.lines.filter((l) => l.line.includes('channel table is full'))).toHaveLength(1);
  });
});

/** An adapter that records what the hub hands it; wants the channels named in `wanted`. */
function recordingAdapter(wanted: Set<string> = new Set()) {
  const calls: { kind: string; detail: unknown }[] = [];
  const adapter: HubClientAdapter & { calls: typeof calls; bufferedAmount: number } = {
    calls,
    bufferedAmount: 0,
    wants: (channel) => wanted.has(channel.name),
    channels: (change) => calls.push({ kind: 'channels', detail: change.added.map((c) => c.name) }),
    samples: (samples) => calls.push({ kind: 'samples', detail: samples }),
    stats: (stats) => calls.push({ kind: 'stats', detail: stats }),
  };
  return adapter;
}

describe('RelayHub client adapters', () => {
  it('hands a new client the whole table, then only the channels it has not seen', () => {
    const { hub } = makeHub();
    hub.ingest('a', 1, 1, 'test');
    const early = recordingAdapter();
    hub.attach(early);
    hub.ingest('b', 1, 1, 'test');
    const late = recordingAdapter();
    hub.attach(late);
    hub.flush();
    hub.flush();
    expect(early.calls).toEqual([
      { kind: 'channels', detail: ['a'] },
      { kind: 'channels', detail: ['b'] },
    ]);
    // `late` joined after `b` appeared: it heard of it when it joined; the flush adds nothing.
    expect(late.calls).toEqual([
      { kind: 'channels', detail: ['a', 'b'] },
      { kind: 'channels', detail: [] },
    ]);
  });

  it('asks wants() when a channel appears and again after subscriptionsChanged()', () => {
    const { hub } = makeHub();
    const wanted = new Set(['a']);
    const adapter = recordingAdapter(wanted);
    const client = hub.attach(adapter);
    hub.ingest('a', 10, 1, 'test');
    hub.ingest('b', 11, 2, 'test');
    hub.flush();
    wanted.clear();
    wanted.add('b');
    client.subscriptionsChanged();
    hub.ingest('a', 12, 3, 'test');
    hub.ingest('b', 13, 4, 'test');
    hub.flush();
    const samples = adapter.calls.filter((c) => c.kind === 'samples').map((c) => c.detail);
    expect(samples).toEqual([[[0, 10, 1, 1000]], [[1, 13, 4, 1001]]]);
  });

  it('hands every client its stats: sources, client count, drops and queue depth', () => {
    const { hub } = makeHub({ maxQueuedSamples: 2, highWaterBytes: 10 });
    const slow = recordingAdapter(new Set(['a']));
    const client = hub.attach(slow);
    slow.bufferedAmount = 100;
    for (let i = 0; i < 5; i++) hub.ingest('a', i, i, 'test');
    hub.flush();
    hub.broadcastStats();
    expect(slow.calls.at(-1)).toEqual({
      kind: 'stats',
      detail: { sources: [], clients: 1, dropped: 3, queued: 2 },
    });
    expect([client.dropped, client.queued]).toEqual([3, 2]);
  });

  it('keeps serving other clients when one adapter throws', () => {
    const { hub, logger } = makeHub();
    const broken = recordingAdapter(new Set(['a']));
    broken.samples = () => {
      throw new Error('boom');
    };
    hub.attach(broken);
    const healthy = recordingAdapter(new Set(['a']));
    hub.attach(healthy);
    for (let i = 0; i < 3; i++) {
      hub.ingest('a', i, i, 'test');
      hub.flush();
    }
    expect(healthy.calls.filter((c) => c.kind === 'samples')).toHaveLength(3);
    expect(logger.lines.filter((l) => l.level === 'error')).toEqual([
      {
        level: 'error',
        line: 'a client adapter threw; other clients are unaffected: boom',
      },
    ]);
  });

  it('serves JSON relay clients and other adapters from one table', () => {
    const { hub } = makeHub();
    const socket = new MockSocket();
    hub.addClient(socket).subscribe('*');
    const other = recordingAdapter(new Set(['a']));
    hub.attach(other);
    hub.ingest('a', 1, 2, 'test');
    hub.flush();
    expect(socket.ofType('samples')[0]!.samples).toEqual([[0, 1, 2, 1000]]);
    expect(other.calls.find((c) => c.kind === 'samples')?.detail).toEqual([[0, 1, 2, 1000]]);
    expect(hub.clientCount).toBe(2);
  });

  it('detaches a client once, however often it is asked', () => {
    const { hub } = makeHub();
    const adapter = recordingAdapter(new Set(['a']));
    const client = hub.attach(adapter);
    hub.detach(client);
    hub.detach(client);
    hub.ingest('a', 1, 1, 'test');
    hub.flush();
    hub.broadcastStats();
    expect(adapter.calls).toEqual([{ kind: 'channels', detail: [] }]);
    expect(hub.clientCount).toBe(0);
  });
});
