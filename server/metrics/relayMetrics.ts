import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Sample, SourceStats } from '../../src/protocol/relay.ts';
import type { CommandRejectedError } from '../relay/commandSink.ts';
import { redactCredentials } from './redact.ts';

/** Prefix of every relay metric; process metrics (CPU, memory, event loop, GC) use `twinbench_`. */
export const RELAY_METRIC_PREFIX = 'twinbench_relay_';
export const PROCESS_METRIC_PREFIX = 'twinbench_';

/** Seconds, 1 ms … 5 s: a 50 ms flush sits mid-range; a stalled client still lands in a bucket. */
export const LATENCY_BUCKETS_S: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
];
/** Bytes, 64 B … 4 MiB in steps of 4: one MQTT payload up to a backlog flushed in one frame. */
export const MESSAGE_SIZE_BUCKETS_BYTES: readonly number[] = [
  64, 256, 1024, 4096, 16_384, 65_536, 262_144, 1_048_576, 4_194_304,
];

// Every label value comes from one of these lists, so each label's cardinality is fixed. All
// series of a list are created at zero up front: rate() and increase() then see the first event.

/** `live`: oldest samples make room (SampleQueue); `lossless`: newest are refused. */
export const DROP_POLICIES = ['live', 'lossless'] as const;
export type DropPolicy = (typeof DROP_POLICIES)[number];

/**
 * Why a broker message never became samples: the mapping reasons of `server/ingest/protocol.ts`
 * (DEAD_LETTER_REASONS) and the hub refusing a new channel because its table is full.
 */
export const DEAD_LETTER_REASONS = [
  'unmatched_topic',
  'oversized',
  'undecodable',
  'schema_mismatch',
  'missing_field',
  'wrong_type',
  'non_finite',
  'wrong_length',
  'bad_timestamp',
  'empty_name',
  'channel_table_full',
] as const;
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

/**
 * Why a client was refused: an AuthError reason (`server/auth/authErrors.ts`) or `forbidden`
 * from the topic ACL.
 */
export const AUTH_FAILURE_REASONS = [
  'missing',
  'malformed',
  'expired',
  'bad_signature',
  'wrong_algorithm',
  'unknown_role',
  'wrong_issuer',
  'wrong_audience',
  'not_yet_valid',
  'forbidden',
] as const;
export type AuthFailureReason = (typeof AUTH_FAILURE_REASONS)[number];

/** What became of a twin command: `sent`, a CommandRejectedError reason, or `failed` (other). */
export const COMMAND_RESULTS = [
  'sent',
  'invalid_for_twin',
  'broker_disconnected',
  'publish_failed',
  'timeout',
  'failed',
] as const satisfies readonly ('sent' | 'failed' | CommandRejectedError['reason'])[];
export type CommandResult = (typeof COMMAND_RESULTS)[number];

/** Counts for one telemetry source, label `source` = the source's name (credentials hidden). */
export interface SourceMetrics {
  /** The `source` label value. */
  readonly label: string;
  /** One broker message that carried `samples` samples in `bytes` bytes of payload. */
  received(samples?: number, bytes?: number): void;
  /** One broker message dropped for `reason`. */
  deadLetter(reason: DeadLetterReason): void;
}

/** Counts for one connected client, label `client` = its id. */
export interface ClientMetrics {
  /** `c1`, `c2`, … in connection order; use it in log fields too. */
  readonly id: string;
  readonly policy: DropPolicy;
  /**
   * One flush: `samples` written to the socket at `sentAtMs` (relay clock) in a frame of
   * `frameBytes`. Counts the samples and observes both latencies of each.
   */
  delivered(samples: readonly Sample[], sentAtMs: number, frameBytes?: number): void;
  /** `count` samples this client lost under its drop policy. */
  dropped(count: number): void;
  /** Samples waiting in this client's queue now. */
  queueDepth(samples: number): void;
  /** Removes this client's series and counts it as disconnected. Safe to call twice. */
  close(): void;
}

/** Latency is observed for at most this many evenly spaced samples of each delivered batch. */
export const LATENCY_SAMPLES_PER_BATCH = 16;

export interface RelayMetrics {
  readonly registry: Registry;
  /**
   * The handle for a source, made on first use and cached by name. Pass the source's own name
   * (SourceStats.name), never the per-topic `source` the hub's ingest receives: that one is per
   * channel and would make a series per topic.
   */
  source(name: string): SourceMetrics;
  /** A handle for a client that just connected; call close() when it disconnects. */
  openClient(policy?: DropPolicy): ClientMetrics;
  authFailure(reason: AuthFailureReason): void;
  command(result: CommandResult): void;
}

export interface RelayMetricsOptions {
  /**
   * Read at each scrape for `twinbench_relay_source_connected`, so sources need no metrics
   * code to report their connection.
   */
  readonly sourceStats?: () => readonly SourceStats[];
  /** Process metrics (CPU, memory, event loop lag, GC) under `twinbench_`; default true. */
  readonly defaultMetrics?: boolean;
}

/** prom-client's `labels(...)` child: binds the label values once instead of per call. */
interface CounterChild {
  inc(value?: number): void;
}

/**
 * Registers the relay's metrics on `registry` and returns handles for the hot path. Handles
 * bind their label values once (prom-client `labels()` children, about 0.1 µs an increment), and
 * the hub reports a flush as one batch, so it pays one increment per flush, not per sample;
 * latency is still observed per sample (about 0.2 µs each). Counters only go up; Prometheus
 * derives rates (`rate(…[1m])`). Call once per registry; a second call on the same registry throws.
 *
 * @example
 * const metrics = createRelayMetrics(registry, { sourceStats: () => sources.map((s) => s.stats()) });
 * const client = metrics.openClient();              // on connect
 * client.delivered(batch, Date.now(), frame.length); // per flush
 * client.close();                                    // on disconnect
 */
export function createRelayMetrics(
  registry: Registry = new Registry(),
  options: RelayMetricsOptions = {},
): RelayMetrics {
  const existing = registry.getSingleMetric(`${RELAY_METRIC_PREFIX}clients_connected`);
  if (existing !== undefined) {
    throw new Error(
      'createRelayMetrics: this registry already holds the relay metrics. ' +
        'Create them once per registry and share the returned handles.',
    );
  }
  const registers = [registry];
  const name = (suffix: string) => `${RELAY_METRIC_PREFIX}${suffix}`;

  const sourceMessages = new Counter({
    name: name('source_messages_received_total'),
    help: 'Broker messages (MQTT publishes, Kafka records) the relay received, per source.',
    labelNames: ['source'],
    registers,
  });
  const sourceSamples = new Counter({
    name: name('source_samples_received_total'),
    help: 'Samples the relay took from broker messages into the hub, per source.',
    labelNames: ['source'],
    registers,
  });
  const deadLetters = new Counter({
    name: name('source_dead_letters_total'),
    help: 'Broker messages dropped before the hub (unparseable payload, channel table full), per source and reason.',
    labelNames: ['source', 'reason'],
    registers,
  });
  const { sourceStats } = options;
  new Gauge({
    name: name('source_connected'),
    help: 'Whether the relay is connected to the source (1) or not (0), read at scrape time.',
    labelNames: ['source'],
    registers,
    collect() {
      if (sourceStats === undefined) return;
      // Rebuilt each scrape so a source that went away stops being reported.
      this.reset();
      for (const stats of sourceStats()) {
        this.set({ source: redactCredentials(stats.name) }, stats.connected ? 1 : 0);
      }
    },
  });
  const clientsConnected = new Gauge({
    name: name('clients_connected'),
    help: 'WebSocket clients connected to the relay now.',
    registers,
  });
  const delivered = new Counter({
    name: name('client_samples_delivered_total'),
    help: 'Samples written to a client socket, per client id (series removed when the client disconnects).',
    labelNames: ['client'],
    registers,
  });
  const dropped = new Counter({
    name: name('client_samples_dropped_total'),
    help: 'Samples a client lost because it fell behind, per client id and drop policy.',
    labelNames: ['client', 'policy'],
    registers,
  });
  const queueDepth = new Gauge({
    name: name('client_queue_depth'),
    help: 'Samples queued for a client and not yet sent, per client id.',
    labelNames: ['client'],
    registers,
  });
  const receiveToFlush = new Histogram({
    name: name('receive_to_flush_seconds'),
    help: 'Time from the relay receiving a sample to writing it to a client socket, per delivered sample.',
    buckets: [...LATENCY_BUCKETS_S],
    registers,
  });
  const deviceToSend = new Histogram({
    name: name('device_to_send_seconds'),
    help: 'Time from the device timestamp of a sample to the relay writing it to a client socket, per delivered sample; includes device clock offset (negative offsets count as 0).',
    buckets: [...LATENCY_BUCKETS_S],
    registers,
  });
  const messageSize = new Histogram({
    name: name('message_size_bytes'),
    help: 'Size of broker payloads received (direction="received") and of frames sent to clients (direction="sent").',
    labelNames: ['direction'],
    buckets: [...MESSAGE_SIZE_BUCKETS_BYTES],
    registers,
  });
  const authFailures = new Counter({
    name: name('auth_failures_total'),
    help: 'Client connections refused by authentication, per reason.',
    labelNames: ['reason'],
    registers,
  });
  const commands = new Counter({
    name: name('commands_total'),
    help: 'Twin commands from clients, per result (sent or why not).',
    labelNames: ['result'],
    registers,
  });

  if (options.defaultMetrics ?? true) {
    collectDefaultMetrics({ register: registry, prefix: PROCESS_METRIC_PREFIX });
  }

  /** A child per value of `label`, created at zero; `fixed` holds the other labels' values. */
  const bindAll = <T extends string>(
    counter: Counter<string>,
    label: string,
    values: readonly T[],
    fixed: Record<string, string> = {},
  ): Map<T, CounterChild> => {
    const children = new Map<T, CounterChild>();
    for (const value of values) {
      const child = counter.labels({ ...fixed, [label]: value });
      child.inc(0);
      children.set(value, child);
    }
    return children;
  };
  const authChildren = bindAll(authFailures, 'reason', AUTH_FAILURE_REASONS);
  const commandChildren = bindAll(commands, 'result', COMMAND_RESULTS);
  const receivedSize = messageSize.labels('received');
  const sentSize = messageSize.labels('sent');

  const sources = new Map<string, SourceMetrics>();
  const makeSource = (label: string): SourceMetrics => {
    const messages = sourceMessages.labels(label);
    const samples = sourceSamples.labels(label);
    messages.inc(0);
    samples.inc(0);
    const letters = bindAll(deadLetters, 'reason', DEAD_LETTER_REASONS, { source: label });
    return {
      label,
      received(count = 1, bytes) {
        messages.inc();
        if (count > 0) samples.inc(count);
        if (bytes !== undefined) receivedSize.observe(bytes);
      },
      deadLetter(reason) {
        letters.get(reason)?.inc();
      },
    };
  };

  let clientSeq = 0;
  const openClient = (policy: DropPolicy = 'live'): ClientMetrics => {
    const id = `c${++clientSeq}`;
    const labels = { client: id };
    const deliveredChild = delivered.labels(labels);
    const droppedChild = dropped.labels({ client: id, policy });
    const depthChild = queueDepth.labels(labels);
    deliveredChild.inc(0);
    droppedChild.inc(0);
    depthChild.set(0);
    clientsConnected.inc();
    let open = true;
    return {
      id,
      policy,
      delivered(batch, sentAtMs, frameBytes) {
        if (!open) return;
        if (batch.length > 0) deliveredChild.inc(batch.length);
        if (frameBytes !== undefined) sentSize.observe(frameBytes);
        // A uniform subsample of each batch: two histogram observations per sample per client
        // cost a fifth of the relay's time at 100k samples/s (bench/RESULTS.md "relay").
        const step = Math.max(1, Math.ceil(batch.length / LATENCY_SAMPLES_PER_BATCH));
        for (let i = 0; i < batch.length; i += step) {
          const sample = batch[i]!;
          receiveToFlush.observe(Math.max(0, sentAtMs - sample[3]) / 1000);
          deviceToSend.observe(Math.max(0, sentAtMs - sample[1]) / 1000);
        }
      },
      dropped(count) {
        if (open && count > 0) droppedChild.inc(count);
      },
      queueDepth(samples) {
        if (open) depthChild.set(samples);
      },
      close() {
        if (!open) return;
        open = false;
        delivered.remove(labels);
        dropped.remove({ client: id, policy });
        queueDepth.remove(labels);
        clientsConnected.dec();
      },
    };
  };

  return {
    registry,
    source(sourceName) {
      let handle = sources.get(sourceName);
      if (handle === undefined) {
        handle = makeSource(redactCredentials(sourceName));
        sources.set(sourceName, handle);
      }
      return handle;
    },
    openClient,
    authFailure(reason) {
      authChildren.get(reason)?.inc();
    },
    command(result) {
      commandChildren.get(result)?.inc();
    },
  };
}
