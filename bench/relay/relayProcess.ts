/**
 * Starts the real relay (server/main.ts through relayChild.ts) as its own process, configured
 * the way an operator would: external Mosquitto, Kafka, a mapping file, no fleet. Reads the
 * address from its "Twinbench is running at …" line and its sources from /healthz.
 */
import type { ChildProcess } from 'node:child_process';
import type { HealthReport } from '../../server/metrics/health.ts';
import { RELAY_WS_PATH } from '../../src/protocol/relay.ts';
import { forkTs } from './children.ts';
import type { FromRelay, ToRelay } from './protocol.ts';
import { sleep } from './workerSide.ts';

export interface RelayOptions {
  readonly mqttUrl: string;
  /** `host:port,…`, or null for no Kafka source. */
  readonly kafkaBrokers: string | null;
  readonly kafkaTopics: readonly string[];
  readonly mappingFile: string;
  /** Each line the relay prints (its log), without the newline. */
  readonly onLog: (line: string) => void;
}

export interface RelayProcess {
  readonly pid: number;
  /** `ws://127.0.0.1:PORT/ws` */
  readonly wsUrl: string;
  health(): Promise<HealthReport>;
  /** Samples every source has taken so far. */
  received(): Promise<number>;
  /** Waits until no source takes a sample for `quietMs` (a backlog drained); false on timeout. */
  waitQuiet(quietMs: number, timeoutMs: number): Promise<boolean>;
  profileStart(): void;
  profileStop(path: string): Promise<void>;
  stop(): Promise<void>;
}

const RUNNING = /Twinbench is running at http:\/\/[^:]+:(\d+)\//;

export async function startRelay(options: RelayOptions): Promise<RelayProcess> {
  // Only what we set: a user's TWINBENCH_* (tokens, ports, a mapping) must not change the run.
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('TWINBENCH_')),
  );
  Object.assign(env, {
    TWINBENCH_HOST: '127.0.0.1',
    TWINBENCH_PORT: '0',
    TWINBENCH_FLEET: '0',
    TWINBENCH_MQTT_URL: options.mqttUrl,
    TWINBENCH_MAPPING: options.mappingFile,
    ...(options.kafkaBrokers === null
      ? {}
      : {
          TWINBENCH_KAFKA_BROKERS: options.kafkaBrokers,
          TWINBENCH_KAFKA_TOPICS: options.kafkaTopics.join(','),
          // Live data only, in a group of its own: no backlog of an earlier run is replayed.
          TWINBENCH_KAFKA_START: 'latest',
          TWINBENCH_KAFKA_GROUP: `twinbench-bench-${process.pid}-${Date.now().toString(36)}`,
        }),
  });
  const child: ChildProcess = forkTs('./relayChild.ts', env, { pipeStdout: true });
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    const onLine = (line: string) => {
      options.onLog(line);
      const match = RUNNING.exec(line);
      if (match !== null) resolve(Number(match[1]));
    };
    const reader = (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      lines.forEach(onLine);
    };
    child.stdout?.on('data', reader);
    child.stderr?.on('data', reader);
    child.once('exit', (code) =>
      reject(
        new Error(
          `relay bench: the relay exited (${code}) before it was running; see its log above`,
        ),
      ),
    );
    setTimeout(
      () => reject(new Error('relay bench: the relay did not start within 60 s')),
      60_000,
    ).unref();
  });
  const base = `http://127.0.0.1:${port}`;

  const health = async (): Promise<HealthReport> => {
    const response = await fetch(`${base}/healthz`);
    return (await response.json()) as HealthReport;
  };
  const received = async () => (await health()).sources.reduce((sum, s) => sum + s.received, 0);

  return {
    pid: child.pid ?? -1,
    wsUrl: `ws://127.0.0.1:${port}${RELAY_WS_PATH}`,
    health,
    received,
    async waitQuiet(quietMs, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      let last = await received();
      let stillSince = Date.now();
      while (Date.now() < deadline) {
        await sleep(100);
        const now = await received();
        if (now !== last) {
          last = now;
          stillSince = Date.now();
        } else if (Date.now() - stillSince >= quietMs) return true;
      }
      return false;
    },
    profileStart() {
      child.send({ type: 'profile-start' } satisfies ToRelay);
    },
    profileStop(path) {
      return new Promise<void>((resolve) => {
        const onMessage = (message: FromRelay) => {
          if (message.type !== 'profiled') return;
          child.off('message', onMessage);
          resolve();
        };
        child.on('message', onMessage);
        child.send({ type: 'profile-stop', path } satisfies ToRelay);
      });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
