import { describe, expect, it } from 'vitest';
import { RELAY_CLOSE_CODES, type ServerMessage } from '../../src/protocol/relay.ts';
import { createMemoryLogger } from '../logger.ts';
import { MockSocket } from '../testing/mockSocket.ts';
import { RelayHub, type RelayHubOptions } from './relayHub.ts';

/** A MockSocket that can be closed, as `ws` sockets can. */
class ClosableSocket extends MockSocket {
  closed: { code: number; reason: string } | undefined;
  close(code: number, reason: string): void {
    this.closed = { code, reason };
  }
}

function makeHub(options: Partial<RelayHubOptions> = {}) {
  const clock = { t: 1000 };
  const logger = createMemoryLogger();
  const hub = new RelayHub({ logger, now: () => clock.t, ...options });
  const pauses: boolean[] = [];
  hub.backpressure.subscribe((paused) => pauses.push(paused));
  return { hub, clock, logger, pauses };
}

type Samples = Extract<ServerMessage, { type: 'samples' }>;
const values = (messages: readonly Samples[]) =>
  messages.flatMap((m) => m.samples.map((s) => s[2]));
const live = (socket: MockSocket) => socket.ofType('samples').filter((m) => m.seq === undefined);
const lossless = (socket: MockSocket) =>
  socket.ofType('samples').filter((m) => m.seq !== undefined);

describe('RelayHub delivery policies', () => {
  it('tells a live-drop client how many samples were dropped right before a batch', () => {
    const { hub } = makeHub({ maxQueuedSamples: 3, highWaterBytes: 100 });
    const socket = new MockSocket();
    hub.addClient(socket).subscribe('*');
    socket.bufferedAmount = 1000;
    for (let i = 1; i <= 5; i++) hub.ingest('a', i, i, 'test');
    hub.flush();
    socket.bufferedAmount = 0;
    hub.flush();
    hub.ingest('a', 6, 6, 'test');
    hub.flush();
    expect(live(socket).map((m) => [m.samples.map((s) => s[2]), m.dropped])).toEqual([
      [[3, 4, 5], 2],
      [[6], undefined],
    ]);
  });

  it('sends a live-coalesce client every sample while it keeps up and the newest per channel while it is behind', () => {
    const { hub } = makeHub({ highWaterBytes: 100 });
    const socket = new MockSocket();
    hub.addClient(socket).subscribe('*', 'live-coalesce');
    hub.ingest('a', 1, 1, 'test');
    hub.ingest('a', 2, 2, 'test');
    hub.flush();
    socket.bufferedAmount = 1000;
    for (let i = 3; i <= 10; i++) hub.ingest(i % 2 === 0 ? 'a' : 'b', i, i, 'test');
    hub.flush();
    hub.ingest('a', 11, 11, 'test');
    socket.bufferedAmount = 0;
    hub.flush();
    const [first, second] = live(socket);
    expect(first).toEqual({ type: 'samples', samples: [expect.anything(), expect.anything()] });
    expect(values([second!])).toEqual([9, 11]);
    expect(second!.dropped).toBe(7);
    hub.broadcastStats();
    expect(socket.ofType('stats')[0]).toMatchObject({ dropped: 7 });
  });

  it('keeps at most a window of unacknowledged lossless batches in flight and sends more as they are acknowledged', () => {
    const { hub } = makeHub({ losslessWindowBatches: 2, losslessBatchSamples: 3 });
    const socket = new MockSocket();
    const client = hub.addClient(socket);
    client.subscribe('*', 'lossless');
    for (let i = 1; i <= 10; i++) hub.ingest('a', i, i, 'test');
    hub.flush();
    expect(lossless(socket).map((m) => [m.seq, m.samples.length])).toEqual([
      [1, 3],
      [2, 3],
    ]);
    hub.flush();
    expect(lossless(socket)).toHaveLength(2);
    expect(client.hubClient.ack(1)).toBe('ok');
    hub.flush();
    expect(lossless(socket).map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(client.hubClient.ack(1)).toBe('stale');
    expect(client.hubClient.ack(9)).toBe('ahead');
    expect(client.hubClient.ack(3)).toBe('ok');
    hub.flush();
    expect(values(lossless(socket))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(client.hubClient.inFlight).toBe(1);
    expect(live(socket)).toEqual([]);
  });

  it('holds lossless batches while the socket is backed up and drops nothing below the bound', () => {
    const { hub } = makeHub({ highWaterBytes: 100, maxLosslessSamples: 100 });
    const socket = new MockSocket();
    const client = hub.addClient(socket);
    client.subscribe('*', 'lossless');
    socket.bufferedAmount = 1000;
    for (let i = 1; i <= 100; i++) hub.ingest('a', i, i, 'test');
    hub.flush();
    expect(lossless(socket)).toEqual([]);
    socket.bufferedAmount = 0;
    hub.flush();
    expect(values(lossless(socket))).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(client.hubClient.lost).toBe(0);
  });

  it('drops the oldest lossless samples past the bound and tells the client how many, never silently', () => {
    const { hub } = makeHub({ maxLosslessSamples: 5, losslessWindowBatches: 1 });
    const socket = new MockSocket();
    const client = hub.addClient(socket);
    client.subscribe('*', 'lossless');
    hub.ingest('a', 1, 1, 'test');
    hub.flush();
    // The client does not acknowledge batch 1 while eight more samples arrive (MQTT cannot wait).
    for (let i = 2; i <= 9; i++) hub.ingest('a', i, i, 'test');
    hub.flush();
    hub.broadcastStats();
    expect(socket.ofType('stats').at(-1)).toMatchObject({ lost: 3 });
    expect(socket.ofType('error')).toEqual([
      expect.objectContaining({
        reason: 'samples_lost',
        message: expect.stringMatching(/^lost 3 samples/) as unknown,
      }),
    ]);
    client.hubClient.ack(1);
    hub.flush();
    expect(lossless(socket).map((m) => [m.seq, m.dropped, m.samples.map((s) => s[2])])).toEqual([
      [1, undefined, [1]],
      [2, 3, [5, 6, 7, 8, 9]],
    ]);
  });

  it('lets one client receive some channels lossless and others live', () => {
    const { hub } = makeHub();
    const socket = new MockSocket();
    const client = hub.addClient(socket);
    client.subscribe('*');
    client.subscribe(['rec'], 'lossless');
    hub.ingest('rec', 1, 1, 'test');
    hub.ingest('view', 1, 2, 'test');
    hub.flush();
    expect(values(lossless(socket))).toEqual([1]);
    expect(values(live(socket))).toEqual([2]);
    client.subscribe(['rec']);
    hub.ingest('rec', 2, 3, 'test');
    hub.flush();
    expect(values(live(socket))).toEqual([2, 3]);
  });
});

describe('RelayHub backpressure', () => {
  it('signals backpressure when a lossless queue passes the high-water mark and lifts it below the low-water mark', () => {
    const { hub, pauses } = makeHub({
      losslessPauseAbove: 10,
      losslessResumeBelow: 4,
      losslessWindowBatches: 1,
      losslessBatchSamples: 4,
    });
    const socket = new MockSocket();
    const client = hub.addClient(socket);
    client.subscribe('*', 'lossless');
    for (let i = 1; i <= 10; i++) hub.ingest('a', i, i, 'test');
    expect(hub.backpressure.paused).toBe(false);
    hub.ingest('a', 11, 11, 'test');
    // At once, not at the next flush.
    expect(pauses).toEqual([true]);
    hub.flush(); // sends 4, 7 left: still above the low-water mark
    client.hubClient.ack(client.hubClient.lastSeq);
    hub.flush(); // 3 left
    expect(pauses).toEqual([true, false]);
    expect(client.hubClient.queued).toBe(3);
  });

  it('lifts backpressure when the lagging lossless client leaves', () => {
    const { hub, pauses } = makeHub({ losslessPauseAbove: 2, losslessResumeBelow: 1 });
    const socket = new MockSocket();
    const client = hub.addClient(socket);
    client.subscribe('*', 'lossless');
    for (let i = 1; i <= 3; i++) hub.ingest('a', i, i, 'test');
    hub.removeClient(client);
    expect(pauses).toEqual([true, false]);
  });

  it('never raises backpressure for live clients, however far behind', () => {
    const { hub, pauses } = makeHub({ losslessPauseAbove: 2, losslessResumeBelow: 1 });
    const socket = new MockSocket();
    hub.addClient(socket).subscribe('*');
    socket.bufferedAmount = 1 << 30;
    for (let i = 1; i <= 100; i++) hub.ingest('a', i, i, 'test');
    hub.flush();
    expect(pauses).toEqual([]);
  });

  it('closes a lossless client that acknowledges nothing for losslessStallMs, which lifts the pause', () => {
    const { hub, clock, pauses } = makeHub({
      losslessStallMs: 5000,
      losslessPauseAbove: 5,
      losslessResumeBelow: 1,
      losslessWindowBatches: 1,
      losslessBatchSamples: 1,
    });
    const socket = new ClosableSocket();
    const client = hub.addClient(socket);
    client.subscribe('*', 'lossless');
    for (let i = 1; i <= 10; i++) hub.ingest('a', i, i, 'test');
    hub.flush();
    clock.t += 5000;
    hub.flush();
    expect(socket.closed).toBeUndefined();
    clock.t += 1;
    hub.flush();
    expect(socket.closed).toEqual({
      code: RELAY_CLOSE_CODES.losslessStalled,
      reason: expect.stringMatching(
        /^lossless client stalled: no acknowledgement for 5 s/,
      ) as unknown,
    });
    expect(hub.clientCount).toBe(0);
    expect(pauses).toEqual([true, false]);
  });

  it('closes a client that reads nothing with 4008 once its control queue overflows, and only that one', () => {
    const { hub } = makeHub({ highWaterBytes: 100, maxControlMessages: 3 });
    const stuck = new ClosableSocket();
    const fine = new ClosableSocket();
    hub.addClient(stuck).subscribe('*');
    hub.addClient(fine).subscribe('*');
    stuck.bufferedAmount = 1000;
    for (let tick = 0; tick < 5; tick++) {
      hub.ingest('a', tick, tick, 'test');
      hub.flush();
      hub.broadcastStats();
    }
    expect(stuck.closed?.code).toBe(RELAY_CLOSE_CODES.controlQueueOverflow);
    expect(fine.closed).toBeUndefined();
    expect(hub.clientCount).toBe(1);
    expect(values(fine.ofType('samples'))).toEqual([0, 1, 2, 3, 4]);
  });
});
