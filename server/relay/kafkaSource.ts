import { hostname } from 'node:os';
import { Kafka, logLevel, type Consumer, type LogEntry } from 'kafkajs';
import { errorMessage } from '../errors.ts';
import { throttled, type Logger } from '../logger.ts';
import { compileMapping, legacyMappingConfig, type SourceMapper } from '../ingest/index.ts';
import type { BackpressureSignal } from './backpressure.ts';
import { KafkaOffsets } from './kafkaOffsets.ts';
import { createMappedIngest } from './mappedIngest.ts';
import type { SampleSink } from './relayHub.ts';
import { SourceCounters, type TelemetrySource } from './telemetrySource.ts';

export interface KafkaSourceOptions {
  /** `host:port` bootstrap brokers. */
  readonly brokers: readonly string[];
  /** Topic names, or patterns (RegExp) matched against the cluster's topics as they appear. */
  readonly topics: readonly (string | RegExp)[];
  readonly sink: SampleSink;
  readonly logger: Logger;
  /** Consumer group; unique per relay so that every relay sees every record. */
  readonly groupId?: string;
  /** Shown in stats. */
  readonly name?: string;
  /** Wait before reconnecting after the consumer gave up. */
  readonly retryDelayMs?: number;
  /**
   * Turns records into samples (bad ones into dead letters); by default today's `{"t","v"}`
   * payloads with the channel in the record key.
   */
  readonly mapper?: SourceMapper;
  /** Where reading starts when the source first joins; later rejoins resume from commits. */
  readonly start?: KafkaStart;
  /**
   * The hub's `backpressure`: while it is on (a lossless client is behind) the consumer is
   * paused, and Kafka keeps the records until it resumes.
   */
  readonly backpressure?: BackpressureSignal;
}

/**
 * Where a relay starts reading: `committed` resumes where this relay's consumer group left off
 * (the newest record when it has no commits), `latest` skips to the newest record, `earliest`
 * replays the topic's retention, `offset` starts every partition at an offset and `time` at the
 * first record at or after a time (ms since the Unix epoch), replaying from Kafka's retention.
 */
export type KafkaStart =
  | { readonly kind: 'committed' | 'latest' | 'earliest' }
  | { readonly kind: 'offset'; readonly offset: string }
  | { readonly kind: 'time'; readonly ms: number };

const EMPTY = new Uint8Array(0);

export interface KafkaSource extends TelemetrySource {
  /** Resolves when the consumer first joined its group (it reads from then on). */
  readonly joined: Promise<void>;
}

/** A group id of its own for each relay process: `twinbench-relay-<host>-<pid>-<random>`. */
export function relayGroupId(): string {
  return `twinbench-relay-${hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * kafkajs logs every failed connection attempt; the source reports the outcome itself, so
 * kafkajs's own lines are throttled to one every 10 s.
 */
function kafkaLogCreator(logger: Logger) {
  const warn = throttled((m) => logger.warn(m), 10_000);
  return () =>
    ({ level, log }: LogEntry) => {
      if (level !== logLevel.ERROR && level !== logLevel.WARN) return;
      const detail: unknown = log.error;
      warn(typeof detail === 'string' && detail !== '' ? `${log.message}: ${detail}` : log.message);
    };
}

/**
 * Reads telemetry records from Kafka topics into the hub from `start`, committing offsets as it
 * goes. If the brokers are unreachable it keeps retrying in the background and says so in its
 * stats; records the mapping refuses become dead letters. It pauses while `backpressure` is on,
 * and ingests each record once even when kafkajs delivers it again after a rejoin (the offsets
 * it had read past but not yet committed): see KafkaOffsets.
 */
export function createKafkaSource(options: KafkaSourceOptions): KafkaSource {
  const { sink, logger, topics } = options;
  const counters = new SourceCounters(options.name ?? `kafka ${options.brokers.join(',')}`);
  const warnMalformed = throttled((m) => logger.warn(m), 5000);
  const ingest = createMappedIngest({
    mapper: options.mapper ?? compileMapping(legacyMappingConfig()).source('kafka'),
    sink,
    counters,
    prefix: 'kafka',
    onDeadLetter: warnMalformed,
  });
  const warnRetry = throttled((m) => logger.warn(m), 60_000);
  const retryDelayMs = options.retryDelayMs ?? 5000;
  const kafka = new Kafka({
    clientId: 'twinbench-relay',
    brokers: [...options.brokers],
    connectionTimeout: 3000,
    retry: { retries: 3, initialRetryTime: 300 },
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(logger),
  });
  const groupId = options.groupId ?? relayGroupId();
  const read = new KafkaOffsets();
  const warnRedelivered = throttled((m) => logger.warn(m), 60_000);
  const infoFlow = throttled((m) => logger.info(m), 10_000);
  const backpressure = options.backpressure;
  const named = topics.filter((topic): topic is string => typeof topic === 'string');
  const patterns = topics.filter((topic): topic is RegExp => topic instanceof RegExp);
  const described = topics.map(String).join(', ');
  // The topics the group gave this consumer (patterns resolve to names there).
  let assigned: readonly string[] = named;
  /** Pauses or resumes `current` as the backpressure says; before it joined, GROUP_JOIN does. */
  const follow = (current: Consumer | undefined) => {
    if (current === undefined || backpressure === undefined) return;
    const everyPartition = assigned.map((topic) => ({ topic }));
    try {
      if (backpressure.paused) current.pause(everyPartition);
      else current.resume(everyPartition);
    } catch {
      // kafkajs refuses before `run` made the consumer group; GROUP_JOIN applies it then.
    }
  };
  let pauses = 0;
  const stopFollowing = backpressure?.subscribe((paused) => {
    if (paused) {
      pauses++;
      infoFlow(
        `pausing ${described}: a lossless client is behind; Kafka keeps the records until it catches up (${pauses} pauses so far)`,
      );
    }
    follow(consumer);
  });
  const start = options.start ?? { kind: 'committed' };
  let positioned = false;
  let consumer: Consumer | undefined;
  let attempt: Promise<void> | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  let markJoined: () => void = () => {};
  const joined = new Promise<void>((resolve) => (markJoined = resolve));

  const fail = (error: unknown) => {
    counters.connected = false;
    counters.lastError = errorMessage(error);
  };

  const scheduleRetry = () => {
    if (closed || retryTimer !== undefined) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      connect();
    }, retryDelayMs);
  };

  const run = async (current: Consumer) => {
    current.on(current.events.GROUP_JOIN, ({ payload }) => {
      counters.connected = true;
      assigned = [...new Set([...named, ...Object.keys(payload.memberAssignment)])];
      // A rejoined group starts unpaused: pause it again if a lossless client is still behind.
      if (backpressure?.paused === true) follow(current);
      markJoined();
    });
    current.on(current.events.DISCONNECT, () => (counters.connected = false));
    current.on(current.events.CRASH, ({ payload }) => {
      fail(payload.error);
      logger.warn(`consumer crashed: ${errorMessage(payload.error)}`);
      // kafkajs restarts by itself after retriable errors; otherwise start over.
      if (!payload.restart) {
        void current.disconnect().catch(() => {});
        scheduleRetry();
      }
    });
    await current.connect();
    await current.subscribe({ topics: [...topics], fromBeginning: start.kind === 'earliest' });
    await current.run({
      // Offsets are committed so a restarted relay resumes where it stopped (start: committed).
      autoCommit: true,
      autoCommitInterval: 1000,
      eachMessage: ({ topic, partition, message }) => {
        if (read.accept(topic, partition, message.offset)) {
          ingest(topic, message.value ?? EMPTY, message.key);
        } else {
          warnRedelivered(
            `skipped ${read.redelivered} records Kafka delivered again after a rejoin (read but not yet committed); each record reaches the hub once`,
          );
        }
        return Promise.resolve();
      },
    });
    if (!positioned) {
      positioned = true;
      await seekStart(current);
    }
  };

  /** Moves every partition to the configured start; `committed` and `earliest` need nothing. */
  const seekStart = async (current: Consumer) => {
    if (start.kind === 'committed' || start.kind === 'earliest') return;
    const admin = kafka.admin();
    await admin.connect();
    try {
      const matching =
        patterns.length === 0
          ? []
          : (await admin.listTopics()).filter((topic) => patterns.some((p) => p.test(topic)));
      for (const topic of [...new Set([...named, ...matching])]) {
        const positions =
          start.kind === 'time'
            ? await admin.fetchTopicOffsetsByTimestamp(topic, start.ms)
            : (await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => ({
                partition,
                offset: start.kind === 'offset' ? start.offset : high,
              }));
        for (const { partition, offset } of positions) {
          read.forget(topic, partition);
          current.seek({ topic, partition, offset });
        }
      }
    } finally {
      await admin.disconnect();
    }
  };

  function connect(): void {
    if (closed) return;
    const current = kafka.consumer({
      groupId,
      allowAutoTopicCreation: true,
      // A shorter long-poll than the 5 s default: shutting down waits for the fetch in flight.
      maxWaitTimeInMs: 500,
    });
    consumer = current;
    attempt = run(current).catch(async (error: unknown) => {
      fail(error);
      await current.disconnect().catch(() => {});
      if (closed) return;
      warnRetry(
        `cannot read ${described} from ${options.brokers.join(',')}: ${errorMessage(error)}; retrying every ${retryDelayMs / 1000} s`,
      );
      scheduleRetry();
    });
  }

  connect();

  return {
    joined,
    stats: () => {
      const stats = counters.snapshot();
      return backpressure?.paused === true ? { ...stats, paused: true } : stats;
    },
    async close() {
      closed = true;
      stopFollowing?.();
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      // A connect attempt against an unreachable broker can take a while to give up.
      await Promise.race([attempt, delay(1000)]);
      await consumer?.disconnect().catch(() => {});
      counters.connected = false;
    },
  };
}
