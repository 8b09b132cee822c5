/**
 * Worker process: the load generator. Publishes `[t, v0 … vS-1]` f64le messages (payload.ts) to
 * Mosquitto over TCP (QoS 0, rawMqtt.ts) or to Kafka (kafkajs, batched, acks 1) at the rate a
 * `publish` request asks for, and answers with what it published when.
 *
 * Env: BENCH_MQTT_HOST/BENCH_MQTT_PORT, BENCH_KAFKA_BROKERS (host:port,…).
 */
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { pace, type MessageSink } from './pacer.ts';
import { payloadBytes, writePayload } from './payload.ts';
import type { PublishPlan, ToWorker } from './protocol.ts';
import { connectRawMqtt, publishHeader, type RawMqttConnection } from './rawMqtt.ts';
import { serveRequests } from './workerSide.ts';

/** Above this many unsent bytes in the socket the MQTT publisher holds (TCP backpressure). */
const MQTT_HIGH_WATER = 4 << 20;
/** Produce requests in flight before the Kafka publisher holds. */
const KAFKA_IN_FLIGHT = 4;
/** Kafka batches what a tick gathers: 5 ms is a usual producer linger. */
const KAFKA_TICK_MS = 5;
const MQTT_TICK_MS = 1;

let mqtt: RawMqttConnection | undefined;
let producer: Producer | undefined;

async function mqttSink(plan: PublishPlan): Promise<MessageSink> {
  mqtt ??= await connectRawMqtt(
    process.env.BENCH_MQTT_HOST ?? '127.0.0.1',
    Number(process.env.BENCH_MQTT_PORT ?? 18830),
    `twinbench-bench-pub-${process.pid}`,
  );
  const socket = mqtt.socket;
  const header = publishHeader(plan.topic, payloadBytes(plan.samplesPerMsg));
  const packetBytes = header.length + payloadBytes(plan.samplesPerMsg);
  return {
    room: () => (socket.writableLength > MQTT_HIGH_WATER ? 0 : Infinity),
    send(count, t, first) {
      const out = Buffer.allocUnsafe(count * packetBytes);
      const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
      for (let i = 0, at = 0; i < count; i++, at += packetBytes) {
        header.copy(out, at);
        writePayload(
          view,
          at + header.length,
          t,
          plan.samplesPerMsg,
          first + i * plan.samplesPerMsg,
        );
      }
      socket.write(out);
    },
    flushed: () =>
      socket.writableLength === 0
        ? Promise.resolve()
        : new Promise((resolve) => socket.once('drain', () => resolve())),
  };
}

async function kafkaSink(plan: PublishPlan, problems: string[]): Promise<MessageSink> {
  if (producer === undefined) {
    const kafka = new Kafka({
      clientId: 'twinbench-bench-publisher',
      brokers: (process.env.BENCH_KAFKA_BROKERS ?? '127.0.0.1:19092').split(','),
      logLevel: logLevel.NOTHING,
    });
    producer = kafka.producer({ allowAutoTopicCreation: true });
    await producer.connect();
  }
  const client = producer;
  const bytes = payloadBytes(plan.samplesPerMsg);
  let inFlight = 0;
  const pending = new Set<Promise<unknown>>();
  return {
    room: () => (inFlight >= KAFKA_IN_FLIGHT ? 0 : Infinity),
    send(count, t, first) {
      const block = Buffer.allocUnsafe(count * bytes);
      const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
      const messages = new Array<{ value: Buffer }>(count);
      for (let i = 0; i < count; i++) {
        writePayload(view, i * bytes, t, plan.samplesPerMsg, first + i * plan.samplesPerMsg);
        messages[i] = { value: block.subarray(i * bytes, (i + 1) * bytes) };
      }
      inFlight++;
      const request = client
        .send({ topic: plan.topic, acks: 1, messages })
        .catch((error: unknown) => {
          if (problems.length < 5) problems.push(`kafka send: ${String(error)}`);
        })
        .finally(() => {
          inFlight--;
          pending.delete(request);
        });
      pending.add(request);
    },
    flushed: async () => {
      await Promise.all(pending);
    },
  };
}

serveRequests(async (request: ToWorker) => {
  if (request.type !== 'publish')
    throw new Error(`publisher worker: cannot handle ${request.type}`);
  const { plan } = request;
  const problems: string[] = [];
  const result =
    plan.kind === 'mqtt'
      ? await pace(plan, await mqttSink(plan), MQTT_TICK_MS)
      : await pace(plan, await kafkaSink(plan, problems), KAFKA_TICK_MS);
  if (problems.length > 0) throw new Error(problems.join('; '));
  return result;
});

process.on('SIGTERM', () => {
  mqtt?.close();
  void producer?.disconnect().finally(() => process.exit(0));
  if (producer === undefined) process.exit(0);
});
