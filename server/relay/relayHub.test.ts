import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../logger.ts';
import { MockSocket } from '../testing/mockSocket.ts';
import { RelayHub, type RelayHubOptions } from './relayHub.ts';

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
