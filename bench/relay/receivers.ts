/**
 * One receiving client per call, for each way a browser could get the samples: the relay's
 * Foxglove protocol with twinbench.sampleBatch (binary batches, the efficient path), the relay's
 * legacy JSON protocol (parsed as src/relay/relayClient.ts parses it), or mqtt.js over
 * Mosquitto's websockets listener (the peer: no Twinbench). Each decodes what it receives and
 * hands every sample to the shared Tally.
 */
import mqtt from 'mqtt';
import WebSocket from 'ws';
import {
  FOXGLOVE_SUBPROTOCOL,
  SERVER_BINARY_OPCODE,
  TWINBENCH_CAPABILITIES,
  parseServerJson,
  type ServerJsonMessage,
} from '../../src/protocol/foxglove.ts';
import {
  RELAY_PROTOCOL_VERSION,
  encodeMessage,
  parseServerMessage,
  type ServerMessage,
} from '../../src/protocol/relay.ts';
import { wallMs, type ClientPlan, type RelayProtocol } from './protocol.ts';
import { BatchColumns, readSampleBatch } from './sampleBatchReader.ts';
import type { Tally } from './tally.ts';

export interface Receiver {
  /** Resolves once connected and subscribed to every wanted channel or topic. */
  readonly ready: Promise<void>;
  readonly protocol: RelayProtocol | 'mqtt' | 'unknown';
  readonly connected: boolean;
  close(): Promise<void>;
}

const MAX_PROBLEMS = 5;
/** Foxglove drop notices read "dropped N samples since …". */
const DROPPED = /dropped (\d+) samples/;

export function openReceiver(
  plan: ClientPlan,
  index: number,
  tally: Tally,
  problems: string[],
): Receiver {
  const note = (problem: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push(problem);
  };
  return plan.receiver.kind === 'mqtt-ws'
    ? openMqttWs(plan.receiver.url, plan.receiver.topic, plan.samplesPerMsg, index, tally, note)
    : openRelay(plan.receiver.url, plan.receiver.protocol, plan.receiver.channels, tally, note);
}

function openRelay(
  url: string,
  wantedProtocol: RelayProtocol | 'auto',
  channels: readonly string[],
  tally: Tally,
  note: (problem: string) => void,
): Receiver {
  const wanted = new Set(channels);
  const ws = new WebSocket(url, wantedProtocol === 'json' ? [] : [FOXGLOVE_SUBPROTOCOL]);
  let protocol: Receiver['protocol'] = 'unknown';
  let markReady: () => void = () => {};
  let fail: (error: Error) => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    fail = reject;
  });
  const subscribed = new Set<number>();
  const columns = new BatchColumns();
  let dropped = 0;

  const onFoxgloveText = (message: ServerJsonMessage) => {
    switch (message.op) {
      case 'serverInfo':
        if (!message.capabilities.includes(TWINBENCH_CAPABILITIES.sampleBatch)) {
          fail(
            new Error(
              `relay bench: the relay does not offer ${TWINBENCH_CAPABILITIES.sampleBatch}`,
            ),
          );
          return;
        }
        ws.send(
          JSON.stringify({
            op: 'twinbench.enable',
            capabilities: [TWINBENCH_CAPABILITIES.sampleBatch],
          }),
        );
        return;
      case 'advertise': {
        const fresh = message.channels.filter((c) => wanted.has(c.topic) && !subscribed.has(c.id));
        if (fresh.length === 0) return;
        for (const c of fresh) subscribed.add(c.id);
        ws.send(
          JSON.stringify({
            op: 'subscribe',
            subscriptions: fresh.map((c) => ({ id: c.id, channelId: c.id })),
          }),
        );
        if (subscribed.size === wanted.size) markReady();
        return;
      }
      case 'status': {
        const match = DROPPED.exec(message.message);
        if (match !== null) tally.relayDropped += Number(match[1]);
        else if (message.level > 0) note(`relay status: ${message.message}`);
        return;
      }
      default:
        return;
    }
  };

  const onJson = (message: ServerMessage, receivedAt: number) => {
    switch (message.type) {
      case 'welcome':
        ws.send(
          encodeMessage({
            type: 'hello',
            protocol: RELAY_PROTOCOL_VERSION,
            client: 'twinbench-bench',
          }),
        );
        ws.send(encodeMessage({ type: 'subscribe', channels: [...wanted] }));
        markReady();
        return;
      case 'samples': {
        const samples = message.samples;
        for (let i = 0; i < samples.length; i++) {
          const sample = samples[i]!;
          tally.sample(sample[1], sample[2], receivedAt);
        }
        if (samples.length > 0) {
          const picked = samples[tally.legIndex(samples.length)]!;
          tally.legs(receivedAt, picked[1], picked[3]);
        }
        return;
      }
      case 'stats':
        if (message.dropped !== undefined && message.dropped > dropped) {
          tally.relayDropped += message.dropped - dropped;
          dropped = message.dropped;
        }
        return;
      case 'error':
        note(`relay error: ${message.message}`);
        return;
      default:
        return;
    }
  };

  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const receivedAt = wallMs();
    if (isBinary) {
      if (data[0] !== SERVER_BINARY_OPCODE.sampleBatch) {
        if (data[0] !== SERVER_BINARY_OPCODE.time)
          note(`relay sent binary opcode 0x${data[0]?.toString(16)} (not a sample batch)`);
        return;
      }
      const count = readSampleBatch(data, columns);
      const { deviceTimesMs, values } = columns;
      for (let i = 0; i < count; i++) tally.sample(deviceTimesMs[i]!, values[i]!, receivedAt);
      if (count > 0) {
        const i = tally.legIndex(count);
        tally.legs(receivedAt, deviceTimesMs[i]!, columns.receiveTimesMs[i]!);
      }
      return;
    }
    const text = data.toString('utf8');
    if (protocol === 'unknown') {
      // The first text frame says which protocol the relay answered with.
      if (text.includes('"op":"serverInfo"')) protocol = 'foxglove';
      else if (text.includes('"type":"welcome"')) {
        if (wantedProtocol === 'foxglove') {
          fail(
            new Error(
              'relay bench: the relay answered with the JSON protocol, not Foxglove; use --protocol json or auto',
            ),
          );
          return;
        }
        protocol = 'json';
      }
    }
    if (protocol === 'foxglove') {
      const parsed = parseServerJson(text);
      if (parsed.ok) onFoxgloveText(parsed.message);
      else note(parsed.error);
    } else {
      const parsed = parseServerMessage(text);
      if (parsed.ok) onJson(parsed.message, receivedAt);
      else note(parsed.error);
    }
  });
  ws.on('error', (error) => {
    note(`relay connection: ${error.message}`);
    fail(error);
  });
  ws.on('close', (code) =>
    fail(new Error(`relay bench: the relay closed the connection (${code})`)),
  );

  return {
    ready,
    get protocol() {
      return protocol;
    },
    get connected() {
      return ws.readyState === WebSocket.OPEN;
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.terminate();
      }),
  };
}

function openMqttWs(
  url: string,
  topic: string,
  samplesPerMsg: number,
  index: number,
  tally: Tally,
  note: (problem: string) => void,
): Receiver {
  const client = mqtt.connect(url, {
    clientId: `twinbench-bench-${process.pid}-${index}`,
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
  });
  client.on('message', (_topic, payload) => {
    const receivedAt = wallMs();
    const t = payload.readDoubleLE(0);
    for (let i = 0; i < samplesPerMsg; i++)
      tally.sample(t, payload.readDoubleLE(8 + 8 * i), receivedAt);
  });
  client.on('error', (error) => note(`mqtt.js: ${error.message}`));
  const ready = new Promise<void>((resolve, reject) => {
    client.once('connect', () => {
      client.subscribe(topic, { qos: 0 }, (error) => (error ? reject(error) : resolve()));
    });
    client.once('error', reject);
    client.once('close', () => reject(new Error('relay bench: Mosquitto closed the websocket')));
  });
  return {
    ready,
    protocol: 'mqtt',
    get connected() {
      return client.connected;
    },
    close: () => client.endAsync(true),
  };
}
