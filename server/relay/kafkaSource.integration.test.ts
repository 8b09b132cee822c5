import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../logger.ts';
import { requireService, servicePort } from '../testing/services.ts';
import { waitFor } from '../testing/waitFor.ts';
import { WsTestClient } from '../testing/wsTestClient.ts';
import { DISABLED_COMMAND_SINK } from './commandSink.ts';
import { createKafkaSource, type KafkaStart } from './kafkaSource.ts';
import { RelayHub } from './relayHub.ts';
import { attachRelayWsServer } from './wsServer.ts';

// Needs Kafka (`bash scripts/services/all.sh start`).
const PORT = servicePort('TWINBENCH_KAFKA_PORT', 19092);
const BROKER = `127.0.0.1:${PORT}`;
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * A separate producer process: sends a batch of records every 200 ms until killed, so the test
 * does not depend on when the consumer's "latest offset" was taken. Each batch: two keyed
 * records, one keyless with a "channel" field, one malformed.
 */
const PRODUCER = `
const { Kafka, logLevel } = require('kafkajs');
const kafka = new Kafka({ clientId: 'twinbench-itest-producer', brokers: [process.env.BROKER], logLevel: logLevel.NOTHING });
const producer = kafka.producer({ allowAutoTopicCreation: false });
let n = 0;
async function batch() {
  const t = 1700000000000 + n * 10;
  n++;
  await producer.send({ topic: process.env.TOPIC, messages: [
    { key: 'acc.z.L50', value: JSON.stringify({ t, v: n }) },
    { key: 'strain.bc.L7', value: JSON.stringify({ t, v: -n }) },
    { value: JSON.stringify({ t, v: 0.5, channel: 'wind' }) },
    { key: 'acc.z.L50', value: 'not telemetry' },
  ] });
}
producer.connect().then(async () => {
  process.stdout.write('connected\\n');
  for (;;) { await batch(); await new Promise((r) => setTimeout(r, 200)); }
}).catch((e) => { console.error(e.message); process.exit(1); });
process.on('SIGTERM', () => producer.disconnect().finally(() => process.exit(0)));
`;

function startProducer(topic: string): ChildProcess {
  const child = spawn(process.execPath, ['-e', PRODUCER], {
    cwd: process.cwd(),
    env: { ...process.env, BROKER, TOPIC: topic },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.on('exit', (code) => {
    if (code !== 0 && code !== null) console.error(`Kafka producer exited with ${code}: ${stderr}`);
  });
  return child;
}

async function createTopic(topic: string): Promise<void> {
  const admin = new Kafka({
    clientId: 'twinbench-itest-admin',
    brokers: [BROKER],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

describe('Kafka source against Kafka', () => {
  it('relays records from a separate producer process to WebSocket clients', async (ctx) => {
    await requireService(ctx, { name: 'Kafka', port: PORT, portVariable: 'TWINBENCH_KAFKA_PORT' });
    const topic = `twinbench.itest.${process.pid}.${Date.now()}`;
    await createTopic(topic);

    const logger = createMemoryLogger();
    const hub = new RelayHub({ logger, flushIntervalMs: 20, statsIntervalMs: 100 });
    const source = createKafkaSource({ brokers: [BROKER], topics: [topic], sink: hub, logger });
    cleanups.push(() => source.close());
    const server = createServer();
    const relay = attachRelayWsServer({ server, hub, commands: DISABLED_COMMAND_SINK, logger });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    hub.start();
    cleanups.push(
      () => hub.stop(),
      () => new Promise<void>((resolve) => server.close(() => resolve())),
      () => relay.close(),
    );
    const client = await WsTestClient.connect((server.address() as AddressInfo).port);
    cleanups.push(() => client.close());
    client.send({ type: 'subscribe', channels: '*' });

    await source.joined;
    const producer = startProducer(topic);
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          if (producer.exitCode !== null) return resolve();
          producer.once('exit', () => resolve());
          producer.kill('SIGTERM');
        }),
    );

    await waitFor(
      'samples of all three channels',
      () => new Set(client.samples().map((s) => s.channel)).size >= 3,
      20_000,
      50,
    );
    const samples = client.samples();
    const first = samples.find((s) => s.channel === 'acc.z.L50')!;
    expect(samples).toContainEqual({
      channel: 'strain.bc.L7',
      deviceTime: first.deviceTime,
      value: -first.value,
    });
    expect(samples).toContainEqual({ channel: 'wind', deviceTime: first.deviceTime, value: 0.5 });
    expect(
      client
        .ofType('channels')
        .at(-1)!
        .channels.map((c) => c.source),
    ).toEqual([`kafka:${topic}`, `kafka:${topic}`, `kafka:${topic}`]);
    await waitFor('malformed record counted', () => source.stats().malformed > 0, 5000);
    expect(source.stats()).toMatchObject({ connected: true });
    expect(source.stats().received).toBeGreaterThanOrEqual(3);
  });

  it('replays from the earliest record or a time, and a restarted relay resumes from its commits', async (ctx) => {
    await requireService(ctx, { name: 'Kafka', port: PORT, portVariable: 'TWINBENCH_KAFKA_PORT' });
    const topic = `twinbench.itest.replay.${process.pid}.${Date.now()}`;
    await createTopic(topic);
    const kafka = new Kafka({
      clientId: 'itest-replay',
      brokers: [BROKER],
      logLevel: logLevel.NOTHING,
    });
    const producer = kafka.producer();
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    const send = (values: number[]) =>
      producer.send({
        topic,
        messages: values.map((v) => ({ key: 'load', value: JSON.stringify({ t: 1000 + v, v }) })),
      });
    await send([1, 2, 3]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const between = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await send([4, 5]);

    const logger = createMemoryLogger();
    const reader = (groupId: string, start: KafkaStart) => {
      const values: number[] = [];
      const source = createKafkaSource({
        brokers: [BROKER],
        topics: [topic],
        groupId,
        start,
        logger,
        sink: { ingest: (_channel, _t, v) => values.push(v) > 0 },
      });
      return { values, source };
    };

    const group = `itest-replay-${Date.now()}`;
    const first = reader(group, { kind: 'earliest' });
    const fromTime = reader(`${group}-t`, { kind: 'time', ms: between });
    cleanups.push(() => fromTime.source.close());
    await waitFor('the whole retention', () => first.values.length >= 5, 30_000, 50);
    await waitFor('the records after the time', () => fromTime.values.length >= 2, 30_000, 50);
    expect(first.values).toEqual([1, 2, 3, 4, 5]);
    expect(fromTime.values).toEqual([4, 5]);

    // Stopping commits what was read; what arrives meanwhile is read after the restart.
    await first.source.close();
    await send([6, 7]);
    const restarted = reader(group, { kind: 'committed' });
    cleanups.push(() => restarted.source.close());
    await waitFor('the records sent while stopped', () => restarted.values.length >= 2, 30_000, 50);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(restarted.values).toEqual([6, 7]);
  }, 90_000);

  it('reads every topic a pattern matches', async (ctx) => {
    await requireService(ctx, { name: 'Kafka', port: PORT, portVariable: 'TWINBENCH_KAFKA_PORT' });
    const base = `twinbench.itest.pattern.${process.pid}.${Date.now()}`;
    await createTopic(`${base}.north`);
    await createTopic(`${base}.south`);
    await createTopic(`${base}x.other`);
    const kafka = new Kafka({
      clientId: 'itest-pattern',
      brokers: [BROKER],
      logLevel: logLevel.NOTHING,
    });
    const producer = kafka.producer();
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    const got: [string, number][] = [];
    const escaped = base.replaceAll('.', '\\.');
    const source = createKafkaSource({
      brokers: [BROKER],
      topics: [new RegExp(`^${escaped}\\.(north|south)$`)],
      start: { kind: 'earliest' },
      logger: createMemoryLogger(),
      sink: { ingest: (channel, _t, v) => got.push([channel, v]) > 0 },
    });
    cleanups.push(() => source.close());
    for (const [topic, v] of [
      [`${base}.north`, 1],
      [`${base}.south`, 2],
      [`${base}x.other`, 3],
    ] as const)
      await producer.send({
        topic,
        messages: [{ key: topic.split('.').pop()!, value: JSON.stringify({ t: 1, v }) }],
      });
    await waitFor('both matching topics', () => got.length >= 2, 30_000, 50);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(got.sort()).toEqual([
      ['north', 1],
      ['south', 2],
    ]);
  }, 60_000);
});
