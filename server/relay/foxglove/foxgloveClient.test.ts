import {
  FoxgloveClient,
  StatusLevel,
  type Channel,
  type IWebSocket,
  type MessageData,
  type ServerInfo,
  type StatusMessage,
} from '@foxglove/ws-protocol';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  FOXGLOVE_SUBPROTOCOL,
  TWINBENCH_CAPABILITIES,
  parseServerBinary,
  parseServerJson,
  type BatchSample,
  type ServerJsonMessage,
} from '../../../src/protocol/foxglove.ts';
import { msToNs } from '../../../src/protocol/nanoTime.ts';
import { waitFor } from '../../testing/waitFor.ts';
import type { SamplePayload } from './sampleChannel.ts';
import { startFoxgloveTestRelay, type FoxgloveTestRelay } from './testing.ts';

// The reference Foxglove client (@foxglove/ws-protocol, what Foxglove Studio and Lichtblick
// build on) against a real `ws` server running our sessions.

const T0 = 1_763_860_000_000;
const COMMAND_TOPIC = 'twinbench/footbridge/commands';
const decoder = new TextDecoder();

let relay: FoxgloveTestRelay | undefined;
const sockets: WebSocket[] = [];

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.close();
  await relay?.close();
  relay = undefined;
});

async function start(...args: Parameters<typeof startFoxgloveTestRelay>) {
  relay = await startFoxgloveTestRelay(...args);
  return relay;
}

/** The reference client over `ws`, recording what it emits. */
function connectFoxglove(url: string) {
  const ws = new WebSocket(url, [FoxgloveClient.SUPPORTED_SUBPROTOCOL]);
  sockets.push(ws);
  const client = new FoxgloveClient({ ws: ws as unknown as IWebSocket });
  const seen = {
    serverInfo: undefined as ServerInfo | undefined,
    channels: [] as Channel[],
    messages: [] as MessageData[],
    statuses: [] as StatusMessage[],
    times: [] as bigint[],
    errors: [] as Error[],
  };
  client.on('serverInfo', (info) => (seen.serverInfo = info));
  client.on('advertise', (channels) => seen.channels.push(...channels));
  client.on('message', (message) => seen.messages.push(message));
  client.on('status', (status) => seen.statuses.push(status));
  client.on('time', ({ timestamp }) => seen.times.push(timestamp));
  client.on('error', (error) => seen.errors.push(error));
  return { ws, client, seen };
}

const payloadOf = (message: MessageData): SamplePayload =>
  JSON.parse(
    decoder.decode(
      new Uint8Array(message.data.buffer, message.data.byteOffset, message.data.byteLength),
    ),
  ) as SamplePayload;

describe('the reference Foxglove client against the relay', () => {
  it('gets serverInfo and the channels, subscribes, and receives the ingested samples', async () => {
    const { url, hub, sessions } = await start({ hub: { unitOf: () => 'mm' } });
    hub.ingest('disp.z.L50', T0, 0, 'test');
    hub.ingest('accel.y.L25', T0, 0, 'test');
    const { ws, client, seen } = connectFoxglove(url);
    await waitFor('two channels advertised', () => seen.channels.length === 2);
    expect(ws.protocol).toBe(FOXGLOVE_SUBPROTOCOL);
    expect(seen.serverInfo).toMatchObject({
      name: 'twinbench-test-relay',
      capabilities: expect.arrayContaining(['time', 'clientPublish']) as unknown,
      supportedEncodings: ['json'],
      sessionId: hub.instanceId,
    });
    expect(seen.channels.map((c) => [c.id, c.topic, c.encoding, c.schemaEncoding])).toEqual([
      [0, 'disp.z.L50', 'json', 'jsonschema'],
      [1, 'accel.y.L25', 'json', 'jsonschema'],
    ]);

    const disp = client.subscribe(0);
    await waitFor('subscription handled', () => sessions[0]!.counts().accepted === 1);
    const ingested: { deviceTime: number; value: number }[] = [];
    for (let i = 1; i <= 50; i++) {
      const sample = { deviceTime: T0 + i * 10.5, value: Math.sin(i) };
      ingested.push(sample);
      hub.ingest('disp.z.L50', sample.deviceTime, sample.value, 'test');
      hub.ingest('accel.y.L25', sample.deviceTime, -1, 'test');
      if (i % 20 === 0) hub.flush();
    }
    hub.flush();
    await waitFor('50 messages', () => seen.messages.length >= 50);
    expect(seen.messages.every((m) => m.subscriptionId === disp)).toBe(true);
    expect(seen.messages.map((m) => m.timestamp)).toEqual(
      ingested.map((s) => msToNs(s.deviceTime)),
    );
    expect(
      seen.messages.map((m) => {
        const { value, deviceTime, unit } = payloadOf(m);
        return { deviceTime, value, unit };
      }),
    ).toEqual(ingested.map((s) => ({ ...s, unit: 'mm' })));
    expect(seen.errors).toEqual([]);
    expect(seen.statuses).toEqual([]);
  });

  it('hears of new channels, gets time frames, and stops receiving after unsubscribe', async () => {
    const { url, hub, sessions } = await start();
    const { client, seen } = connectFoxglove(url);
    await waitFor('serverInfo', () => seen.serverInfo);
    hub.ingest('strain.L10', T0, 1, 'test');
    hub.flush();
    await waitFor('advertise', () => seen.channels[0]);
    const id = client.subscribe(seen.channels[0]!.id);
    await waitFor('subscribed', () => sessions[0]!.counts().accepted === 1);
    hub.ingest('strain.L10', T0 + 1, 2, 'test');
    hub.flush();
    hub.broadcastStats();
    await waitFor('message and time', () => seen.messages.length === 1 && seen.times.length === 1);
    client.unsubscribe(id);
    await waitFor('unsubscribed', () => sessions[0]!.counts().accepted === 2);
    hub.ingest('strain.L10', T0 + 2, 3, 'test');
    hub.flush();
    hub.broadcastStats();
    await waitFor('second time frame', () => seen.times.length === 2);
    expect(seen.messages).toHaveLength(1);
    expect(seen.errors).toEqual([]);
  });

  it('publishes a twin command through clientPublish and gets the result as a status', async () => {
    const { url, commands } = await start();
    const { client, seen } = connectFoxglove(url);
    await waitFor('serverInfo', () => seen.serverInfo);
    const channel = client.advertise({
      topic: COMMAND_TOPIC,
      encoding: 'json',
      schemaName: 'twinbench.TwinCommand',
    });
    client.sendMessage(
      channel,
      new TextEncoder().encode(JSON.stringify({ kind: 'setDamage', member: 3, health: 0.7 })),
    );
    const status = await waitFor('status', () => seen.statuses[0]);
    expect(status).toEqual({
      op: 'status',
      level: StatusLevel.INFO,
      message: `command setDamage on ${COMMAND_TOPIC}: setDamage applied`,
    });
    expect((commands as unknown as { sent: unknown[] }).sent).toEqual([
      { kind: 'setDamage', member: 3, health: 0.7 },
    ]);
  });
});

/** A raw `ws` client on the Foxglove subprotocol, for the Twinbench extensions. */
async function connectRaw(url: string) {
  const ws = new WebSocket(url, [FOXGLOVE_SUBPROTOCOL]);
  sockets.push(ws);
  const json: ServerJsonMessage[] = [];
  const batches: BatchSample[][] = [];
  const otherBinary: number[] = [];
  ws.on('message', (data: Buffer, isBinary) => {
    if (!isBinary) {
      const parsed = parseServerJson(data.toString('utf8'));
      if (parsed.ok) json.push(parsed.message);
      return;
    }
    const parsed = parseServerBinary(data);
    if (parsed.ok && parsed.message.op === 'sampleBatch') batches.push([...parsed.message.samples]);
    else otherBinary.push(data[0]!);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, json, batches, otherBinary };
}

describe('Twinbench extensions over a raw WebSocket', () => {
  it('receives one sample-batch frame per flush after enabling twinbench.sampleBatch', async () => {
    const { url, hub, sessions } = await start();
    hub.ingest('a', T0, 0, 'test');
    hub.ingest('b', T0, 0, 'test');
    const { ws, json, batches, otherBinary } = await connectRaw(url);
    await waitFor('advertise', () => json.some((m) => m.op === 'advertise'));
    ws.send(
      JSON.stringify({
        op: 'twinbench.enable',
        capabilities: [TWINBENCH_CAPABILITIES.sampleBatch],
      }),
    );
    ws.send(
      JSON.stringify({
        op: 'subscribe',
        subscriptions: [
          { id: 10, channelId: 0 },
          { id: 11, channelId: 1 },
        ],
      }),
    );
    await waitFor('both handled', () => sessions[0]!.counts().accepted === 2);
    expect(json.find((m) => m.op === 'status')).toEqual({
      op: 'status',
      level: 0,
      message: 'twinbench extensions enabled: twinbench.sampleBatch',
    });
    for (let i = 1; i <= 300; i++) hub.ingest(i % 3 === 0 ? 'b' : 'a', T0 + i, i / 7, 'test');
    hub.flush();
    await waitFor('a batch', () => batches[0]);
    expect(batches).toHaveLength(1);
    expect(batches[0]!.map((s) => [s.subscriptionId, s.deviceTime, s.value])).toEqual(
      Array.from({ length: 300 }, (_, k) => {
        const i = k + 1;
        return [i % 3 === 0 ? 11 : 10, msToNs(T0 + i), i / 7];
      }),
    );
    expect(otherBinary).toEqual([]);
  });

  it('answers twinbench.timeSync with the relay receive and send times', async () => {
    const { url } = await start();
    const { ws, json } = await connectRaw(url);
    ws.send(
      JSON.stringify({ op: 'twinbench.enable', capabilities: [TWINBENCH_CAPABILITIES.timeSync] }),
    );
    const before = Date.now();
    ws.send(JSON.stringify({ op: 'twinbench.timeSync', id: 1, clientTime: before }));
    const reply = await waitFor('reply', () =>
      json.find((m) => m.op === 'twinbench.timeSyncReply'),
    );
    expect(reply).toMatchObject({ id: 1, clientTime: before });
    if (reply.op !== 'twinbench.timeSyncReply') throw new Error('unreachable');
    expect(reply.serverReceiveTime).toBeGreaterThanOrEqual(before);
    expect(reply.serverSendTime).toBeGreaterThanOrEqual(reply.serverReceiveTime);
    expect(reply.serverSendTime).toBeLessThanOrEqual(Date.now());
  });
});
