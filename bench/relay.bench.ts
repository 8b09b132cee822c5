/**
 * `npm run bench -- relay [--quick] [--paths mqtt,kafka,mosquitto-ws] [--rates …] [--profile DIR]`
 * (bench/relay/options.ts has every flag): publisher → broker → relay → WebSocket client, each
 * its own process, at rising offered load, against the path a user would take without
 * Twinbench — Mosquitto's own websockets listener to mqtt.js — on the same load in the same run.
 *
 * Every message is `[publish time, v0 … vS-1]` as f64le (bench/relay/payload.ts), S = 1 (one
 * sample per broker message, the worst case) or 10. Per step: ~1 s warm-up, ~5 s measured;
 * latency = client receive − publish time on the machine's one clock; client CPU from
 * process.cpuUsage over the window. One JSON object per line and step, then a summary line.
 * Needs Mosquitto (with its websockets listener) and Kafka: `bash scripts/services/all.sh start`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { killAllNow, stopAll, Worker } from './relay/children.ts';
import { parseOptions } from './relay/options.ts';
import { pidListeningOn } from './relay/procCpu.ts';
import { wallMs, type BenchPath, type PublishResult } from './relay/protocol.ts';
import { startRelay, type RelayProcess } from './relay/relayProcess.ts';
import { medianLine } from './relay/medianLine.ts';
import { runStep, type StepContext, type StepLine } from './relay/step.ts';
import { summarize } from './relay/summary.ts';
import { mappingYaml, topicOf } from './relay/topics.ts';
import { sleep } from './relay/workerSide.ts';

const log = (message: string) => console.error(`relay bench: ${message}`);
const options = (() => {
  try {
    return parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  }
})();

const env = process.env;
const MQTT_PORT = Number(env.TWINBENCH_MOSQUITTO_PORT ?? 18830);
const MQTT_WS_PORT = Number(env.TWINBENCH_MOSQUITTO_WS_PORT ?? 18831);
const KAFKA_PORT = Number(env.TWINBENCH_KAFKA_PORT ?? 19092);
const KAFKA_BROKERS = `127.0.0.1:${KAFKA_PORT}`;
/** Every samples-per-message the run uses: the relay maps and primes a topic for each. */
const ALL_PER_MSG = [
  ...new Set([
    ...options.samplesPerMsg,
    ...(options.fanoutClients > 1 ? [options.fanoutSamplesPerMsg] : []),
  ]),
];

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

async function checkServices(): Promise<void> {
  const missing: string[] = [];
  if (!(await portOpen(MQTT_PORT))) missing.push(`Mosquitto on 127.0.0.1:${MQTT_PORT}`);
  if (options.paths.includes('kafka') && !(await portOpen(KAFKA_PORT)))
    missing.push(`Kafka on 127.0.0.1:${KAFKA_PORT}`);
  if (missing.length > 0)
    throw new Error(
      `relay bench: no ${missing.join(' and no ')}: start them with \`bash scripts/services/all.sh start\``,
    );
  if (options.paths.includes('mosquitto-ws') && !(await portOpen(MQTT_WS_PORT)))
    throw new Error(
      `relay bench: Mosquitto has no websockets listener on 127.0.0.1:${MQTT_WS_PORT}: restart it with \`bash scripts/services/mosquitto.sh restart\` (the script adds the listener), or leave mosquitto-ws out of --paths`,
    );
}

async function createKafkaTopics(): Promise<void> {
  const admin = new Kafka({
    clientId: 'twinbench-bench-admin',
    brokers: [KAFKA_BROKERS],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: ALL_PER_MSG.map((s) => ({ topic: topicOf('kafka', s), numPartitions: 1 })),
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
}

/**
 * Publishes a little on every relay topic until the relay has taken it, so its channels exist and
 * its Kafka consumer has a position before the first measured step.
 */
async function prime(
  relay: RelayProcess,
  publisher: Worker,
  paths: readonly BenchPath[],
): Promise<void> {
  for (const path of paths) {
    if (path === 'mosquitto-ws') continue;
    for (const s of ALL_PER_MSG) {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const before = await relay.received();
        const startAt = wallMs() + 50;
        const times = {
          startAt,
          windowStart: startAt,
          windowEnd: startAt + 500,
          graceEnd: startAt + 500,
        };
        await publisher.request<PublishResult>({
          type: 'publish',
          plan: {
            kind: path === 'kafka' ? 'kafka' : 'mqtt',
            topic: topicOf(path, s),
            samplesPerS: 2000,
            samplesPerMsg: s,
            times,
          },
        });
        await sleep(500);
        if ((await relay.received()) > before) break;
        if (Date.now() > deadline)
          throw new Error(
            `relay bench: the relay took nothing from ${path} ${topicOf(path, s)} in 60 s; see its log above`,
          );
      }
    }
  }
  const health = await relay.health();
  const bad = health.sources.filter((s) => s.malformed > 0);
  if (bad.length > 0)
    throw new Error(
      `relay bench: the relay refused bench messages: ${bad.map((s) => s.lastError).join('; ')}`,
    );
  await relay.waitQuiet(300, 20_000);
}

const tmp = mkdtempSync(join(tmpdir(), 'twinbench-relay-bench-'));
let stopping = false;
async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    await stopAll();
    rmSync(tmp, { recursive: true, force: true });
  }
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(130));
process.on('SIGTERM', () => void shutdown(143));
process.on('exit', killAllNow);

try {
  await checkServices();
  const relayPaths = options.paths.filter((p) => p !== 'mosquitto-ws');
  if (options.paths.includes('kafka')) await createKafkaTopics();
  const workerEnv = {
    ...env,
    BENCH_MQTT_HOST: '127.0.0.1',
    BENCH_MQTT_PORT: String(MQTT_PORT),
    BENCH_KAFKA_BROKERS: KAFKA_BROKERS,
  };
  const procs = options.fanoutClients > 1 ? Math.max(1, options.fanoutProcs) : 1;
  const [publisher, ...clientWorkers] = await Promise.all([
    Worker.start('publisher', './publisherWorker.ts', workerEnv),
    ...Array.from({ length: procs }, (_, i) =>
      Worker.start(`clients ${i}`, './clientWorker.ts', workerEnv),
    ),
  ]);

  let relay: RelayProcess | null = null;
  if (relayPaths.length > 0) {
    const mappingFile = join(tmp, 'mapping.yaml');
    writeFileSync(mappingFile, mappingYaml(ALL_PER_MSG));
    relay = await startRelay({
      mqttUrl: `mqtt://127.0.0.1:${MQTT_PORT}`,
      kafkaBrokers: relayPaths.includes('kafka') ? KAFKA_BROKERS : null,
      kafkaTopics: ALL_PER_MSG.map((s) => topicOf('kafka', s)),
      mappingFile,
      onLog: (line) => console.error(`relay| ${line}`),
    });
    await prime(relay, publisher, relayPaths);
  }

  const ctx: StepContext = {
    options,
    publisher,
    clientWorkers,
    relay,
    mosquittoWsUrl: `ws://127.0.0.1:${MQTT_WS_PORT}`,
    brokerPids: { mosquitto: pidListeningOn(MQTT_PORT), kafka: pidListeningOn(KAFKA_PORT) },
    log,
  };
  const lines: StepLine[] = [];
  const emit = (line: StepLine) => {
    lines.push(line);
    console.info(JSON.stringify(line));
  };

  /**
   * Steps of `clients` clients at rising rates. Per rate every path runs `repeats` times, the
   * paths interleaved (and their order rotated) so a machine that gets busier or quieter
   * meanwhile weighs on all of them; a path stops at the first rate it does not hold.
   */
  const sweep = async (clients: number, s: number, rates: readonly number[]) => {
    const stopped = new Set<BenchPath>();
    for (const rate of rates) {
      const live = options.paths.filter((p) => !stopped.has(p));
      const runs = new Map<BenchPath, StepLine[]>(live.map((p) => [p, []]));
      for (let r = 0; r < options.repeats; r++) {
        const order = live.map((_, i) => live[(i + r) % live.length]!);
        for (const path of order) {
          const label = `${path}-c${clients}-s${s}-${rate}${options.repeats > 1 ? `-r${r + 1}` : ''}`;
          runs.get(path)!.push(await runStep(ctx, path, clients, s, rate, label));
        }
      }
      for (const path of live) {
        const line = medianLine(runs.get(path)!);
        emit(line);
        if (!line.held) {
          stopped.add(path);
          log(
            `${path} C=${clients} S=${s}: stops at ${rate}/s (delivered ${line.delivered_per_s}/s of ${line.offered_per_s}/s × ${clients}, p99 ${line.p99_ms} ms)`,
          );
        } else if (line.offered_per_s < 0.8 * rate) {
          stopped.add(path);
          log(
            `${path} S=${s}: the publisher cannot offer more than ${line.offered_per_s}/s; no higher steps`,
          );
        }
      }
    }
  };

  for (const s of options.samplesPerMsg) await sweep(1, s, options.rates);
  if (options.fanoutClients > 1)
    await sweep(options.fanoutClients, options.fanoutSamplesPerMsg, options.fanoutRates);

  console.info(JSON.stringify(summarize(lines)));
  await relay?.stop();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await stopAll();
  rmSync(tmp, { recursive: true, force: true });
}
