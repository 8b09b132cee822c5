import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  RELAY_CLOSE_CODES,
  RELAY_WS_PATH,
  encodeMessage,
  parseServerMessage,
  type ClientMessage,
  type ServerMessage,
} from '../../src/protocol/relay.ts';
import { createMemoryLogger } from '../logger.ts';
import { waitFor } from '../testing/waitFor.ts';
import { DISABLED_COMMAND_SINK } from './commandSink.ts';
import { RelayHub, type RelayHubOptions } from './relayHub.ts';
import { attachRelayWsServer } from './wsServer.ts';

// Real sockets, no broker: the hub is fed directly, as an MQTT source feeds it (it cannot wait).
// A slow client is one whose TCP socket stops reading (`_socket.pause()`): the relay's writes
// fill the kernel buffers, then `ws`'s own, and the hub sees it backed up.

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Samples = Extract<ServerMessage, { type: 'samples' }>;

/** A JSON relay client over a real `ws` socket that can stop reading and acknowledge by hand. */
class TestClient {
  readonly messages: ServerMessage[] = [];
  /** Values of every sample received, in order. */
  readonly values: number[] = [];
  closeCode: number | undefined;
  closeReason = '';
  /** Acknowledge each lossless batch as it arrives. */
  autoAck = false;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const parsed = parseServerMessage(data.toString('utf8'));
      if (!parsed.ok) throw new Error(`relay sent something unreadable: ${parsed.error}`);
      const message = parsed.message;
      if (message.type !== 'samples') {
        this.messages.push(message);
        return;
      }
      for (const sample of message.samples) this.values.push(sample[2]);
      // Kept without its samples (`values` has them): the batch's seq and drop report.
      this.messages.push({ ...message, samples: [] });
      if (this.autoAck && message.seq !== undefined) this.send({ type: 'ack', seq: message.seq });
    });
    ws.on('close', (code, reason) => {
      this.closeCode = code;
      this.closeReason = reason.toString();
    });
  }

  static async connect(port: number): Promise<TestClient> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${RELAY_WS_PATH}`);
    const client = new TestClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    cleanups.push(() => client.close());
    return client;
  }

  send(message: ClientMessage): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(encodeMessage(message));
  }

  /** Stops reading from the TCP socket: what the relay sends piles up in buffers. */
  stopReading(): void {
    (this.ws as unknown as { _socket: Socket })._socket.pause();
  }

  resumeReading(): void {
    (this.ws as unknown as { _socket: Socket })._socket.resume();
  }

  ofType<T extends ServerMessage['type']>(type: T): Extract<ServerMessage, { type: T }>[] {
    return this.messages.filter((m): m is Extract<ServerMessage, { type: T }> => m.type === type);
  }

  /** Batches that said samples were dropped before them. */
  dropReports(): Samples[] {
    return this.ofType('samples').filter((m) => (m.dropped ?? 0) > 0);
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.resumeReading();
    const closed = new Promise<void>((resolve) => this.ws.once('close', () => resolve()));
    this.ws.terminate();
    await closed;
  }
}

/** A relay on a random port whose hub a feeder fills with `perTick` samples every 5 ms. */
async function startRelay(options: Partial<RelayHubOptions>, perTick: number) {
  const logger = createMemoryLogger();
  const hub = new RelayHub({ logger, flushIntervalMs: 20, statsIntervalMs: 100, ...options });
  const server: Server = createServer();
  const relay = attachRelayWsServer({ server, hub, commands: DISABLED_COMMAND_SINK, logger });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hub.start();
  let next = 0;
  let maxQueued = 0;
  const feeder = setInterval(() => {
    // Ten channels; the value is a global sequence number, so gaps show.
    for (let i = 0; i < perTick; i++, next++) hub.ingest(`ch${next % 10}`, next, next, 'test');
    for (const client of hub.clients()) maxQueued = Math.max(maxQueued, client.queued);
  }, 5);
  cleanups.push(
    () => hub.stop(),
    () => new Promise<void>((resolve) => server.close(() => resolve())),
    () => relay.close(),
    () => clearInterval(feeder),
  );
  return {
    hub,
    logger,
    port: (server.address() as AddressInfo).port,
    /** Samples ingested so far; the next one's value. */
    ingested: () => next,
    maxQueued: () => maxQueued,
  };
}

/** Whether `values` are consecutive integers (nothing lost, nothing twice, in order). */
function gaps(values: readonly number[]): number {
  let gapCount = 0;
  for (let i = 1; i < values.length; i++) if (values[i] !== values[i - 1]! + 1) gapCount++;
  return gapCount;
}

describe('a slow consumer', () => {
  it('loses the oldest live samples and is told how many, while a fast client gets everything; one that reads nothing is closed with 4008', async () => {
    const maxQueuedSamples = 2000;
    const relay = await startRelay(
      { maxQueuedSamples, highWaterBytes: 64 * 1024, maxControlMessages: 40 },
      100,
    );
    const heapBefore = process.memoryUsage().heapUsed;
    const fast = await TestClient.connect(relay.port);
    const slow = await TestClient.connect(relay.port);
    fast.send({ type: 'subscribe', channels: '*' });
    slow.send({ type: 'subscribe', channels: '*' });
    await waitFor(
      'samples at both clients',
      () => fast.values.length > 0 && slow.values.length > 0,
    );

    slow.stopReading();
    const slowMember = await waitFor(
      'the relay dropping samples for the slow client',
      () => relay.hub.clients().find((c) => c.dropped > 0),
      60_000,
      50,
    );
    // The fast client is unaffected: it keeps receiving every sample, in order.
    const target = relay.ingested();
    await waitFor('the fast client to catch up', () => fast.values.at(-1)! >= target, 20_000, 20);
    expect(fast.dropReports()).toEqual([]);
    expect(gaps(fast.values)).toBe(0);

    // Reading nothing at all, the slow client's control messages pile up until it is closed.
    await waitFor('the slow client closed', () => relay.hub.clientCount === 1, 30_000, 50);
    expect(slowMember.queued).toBeLessThanOrEqual(maxQueuedSamples);
    expect(relay.maxQueued()).toBeLessThanOrEqual(maxQueuedSamples);
    const beforeClose = fast.values.length;
    await waitFor('the fast client still receiving', () => fast.values.length > beforeClose + 100);

    slow.resumeReading();
    await waitFor('the close frame at the slow client', () => slow.closeCode, 30_000, 20);
    expect(slow.closeCode).toBe(RELAY_CLOSE_CODES.controlQueueOverflow);
    expect(slow.closeReason).toMatch(/^control queue overflow: the client is not reading/);
    // What it did read says how much it lost.
    const reported =
      slow.dropReports().reduce((sum, m) => sum + m.dropped!, 0) +
      Math.max(0, ...slow.ofType('stats').map((s) => s.dropped ?? 0));
    expect(reported).toBeGreaterThan(0);
    expect(gaps(fast.values)).toBe(0);
    // Bounded: the queues stayed at their bound, so the heap did not grow with the backlog.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(256 << 20);
  }, 120_000);

  it('keeps a lossless client that stops acknowledging to its bound, reports the loss, and closes it with 4009; a lossless client that acknowledges gets everything', async () => {
    const maxLosslessSamples = 5000;
    const relay = await startRelay(
      {
        maxLosslessSamples,
        losslessWindowBatches: 4,
        losslessBatchSamples: 500,
        losslessStallMs: 6000,
      },
      40,
    );
    const pauses: boolean[] = [];
    relay.hub.backpressure.subscribe((paused) => pauses.push(paused));
    const recorder = await TestClient.connect(relay.port);
    const stuck = await TestClient.connect(relay.port);
    recorder.autoAck = true;
    recorder.send({ type: 'subscribe', channels: '*', policy: 'lossless' });
    stuck.send({ type: 'subscribe', channels: '*', policy: 'lossless' });
    await waitFor(
      'lossless batches at both',
      () => recorder.values.length > 0 && stuck.values.length > 0,
    );

    const lost = await waitFor(
      'the stuck client losing samples past its bound',
      () => stuck.ofType('error').find((e) => e.reason === 'samples_lost'),
      30_000,
      20,
    );
    expect(lost.message).toMatch(/^lost \d+ samples of lossless subscriptions/);
    expect(pauses[0]).toBe(true);
    expect(relay.maxQueued()).toBeLessThanOrEqual(maxLosslessSamples);
    await waitFor('the stuck client closed', () => stuck.closeCode, 30_000, 20);
    expect(stuck.closeCode).toBe(RELAY_CLOSE_CODES.losslessStalled);
    expect(stuck.closeReason).toMatch(/^lossless client stalled: no acknowledgement for \d+ s/);
    expect(stuck.ofType('stats').at(-1)?.lost).toBeGreaterThan(0);
    // With the stuck client gone the backpressure is lifted.
    await waitFor('backpressure lifted', () => pauses.at(-1) === false, 10_000, 20);

    const target = relay.ingested();
    await waitFor('the recorder to catch up', () => recorder.values.at(-1)! >= target, 20_000, 20);
    expect(gaps(recorder.values)).toBe(0);
    expect(recorder.ofType('error')).toEqual([]);
    expect(recorder.ofType('stats').at(-1)?.lost).toBe(0);
  }, 120_000);
});
