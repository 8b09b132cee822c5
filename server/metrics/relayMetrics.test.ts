import { readFileSync } from 'node:fs';
import { Registry } from 'prom-client';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Sample, SourceStats } from '../../src/protocol/relay.ts';
import type { AuthErrorReason } from '../auth/authErrors.ts';
import type { DeadLetterReason as IngestDeadLetterReason } from '../ingest/protocol.ts';
import type { CommandRejectedError } from '../relay/commandSink.ts';
import {
  LATENCY_BUCKETS_S,
  createRelayMetrics,
  type AuthFailureReason,
  type CommandResult,
  type DeadLetterReason,
  type RelayMetricsOptions,
} from './relayMetrics.ts';

type Labels = Record<string, string | number>;

function setup(options: RelayMetricsOptions = {}) {
  const registry = new Registry();
  const metrics = createRelayMetrics(registry, { defaultMetrics: false, ...options });
  /** Every series of `name` (histograms: `name_bucket`, `_sum`, `_count` too) with its labels. */
  const series = async (name: string) => {
    const metric = registry.getSingleMetric(name);
    if (metric === undefined) throw new Error(`no metric ${name}`);
    const { values } = await metric.get();
    return values.map((v) => ({
      name: (v as { metricName?: string }).metricName ?? name,
      labels: v.labels as Labels,
      value: v.value,
    }));
  };
  const value = async (name: string, labels: Labels = {}, metricName = name) => {
    const match = (await series(name)).find(
      (s) =>
        s.name === metricName &&
        Object.keys(labels).length === Object.keys(s.labels).length &&
        Object.entries(labels).every(([k, v]) => s.labels[k] === v),
    );
    return match?.value;
  };
  return { registry, metrics, series, value };
}

const sample = (deviceTime: number, receiveTime: number): Sample => [0, deviceTime, 1, receiveTime];

/** The names in the Prometheus text exposition, from the `# TYPE` lines. */
async function exposedNames(registry: Registry): Promise<Map<string, string>> {
  const text = await registry.metrics();
  return new Map(
    [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!] as [string, string]),
  );
}

const RELAY_METRICS = {
  twinbench_relay_source_messages_received_total: 'counter',
  twinbench_relay_source_samples_received_total: 'counter',
  twinbench_relay_source_dead_letters_total: 'counter',
  twinbench_relay_source_connected: 'gauge',
  twinbench_relay_clients_connected: 'gauge',
  twinbench_relay_client_samples_delivered_total: 'counter',
  twinbench_relay_client_samples_dropped_total: 'counter',
  twinbench_relay_client_queue_depth: 'gauge',
  twinbench_relay_receive_to_flush_seconds: 'histogram',
  twinbench_relay_device_to_send_seconds: 'histogram',
  twinbench_relay_message_size_bytes: 'histogram',
  twinbench_relay_auth_failures_total: 'counter',
  twinbench_relay_commands_total: 'counter',
};

describe('createRelayMetrics', () => {
  it('registers the relay metrics under twinbench_relay_ with help texts', async () => {
    const { registry } = setup();
    expect(Object.fromEntries(await exposedNames(registry))).toEqual(RELAY_METRICS);
    for (const metric of await registry.getMetricsAsJSON()) {
      expect(metric.help.length, metric.name).toBeGreaterThan(20);
    }
  });

  it('adds process metrics under twinbench_ unless told not to', async () => {
    const registry = new Registry();
    createRelayMetrics(registry);
    const names = [...(await exposedNames(registry)).keys()];
    expect(names).toContain('twinbench_process_cpu_user_seconds_total');
    expect(names).toContain('twinbench_nodejs_eventloop_lag_seconds');
    expect(names.every((n) => n.startsWith('twinbench_'))).toBe(true);
  });

  it('refuses to register twice on one registry, saying what to do instead', () => {
    const { registry } = setup();
    expect(() => createRelayMetrics(registry, { defaultMetrics: false })).toThrow(
      /already holds the relay metrics.*once per registry/,
    );
  });

  it('counts messages, samples and payload sizes per source', async () => {
    const { metrics, value } = setup();
    const mqtt = metrics.source('mqtt mqtt://127.0.0.1:1883');
    expect(metrics.source('mqtt mqtt://127.0.0.1:1883')).toBe(mqtt);
    mqtt.received(1, 40);
    mqtt.received(3, 300);
    const source = { source: 'mqtt mqtt://127.0.0.1:1883' };
    expect(await value('twinbench_relay_source_messages_received_total', source)).toBe(2);
    expect(await value('twinbench_relay_source_samples_received_total', source)).toBe(4);
    const size = 'twinbench_relay_message_size_bytes';
    expect(await value(size, { direction: 'received' }, `${size}_count`)).toBe(2);
    expect(await value(size, { direction: 'received', le: 64 }, `${size}_bucket`)).toBe(1);
    expect(await value(size, { direction: 'received' }, `${size}_sum`)).toBe(340);
  });

  it('counts dead letters per source and reason, every reason starting at zero', async () => {
    const { metrics, series } = setup();
    metrics.source('kafka').deadLetter('undecodable');
    metrics.source('kafka').deadLetter('undecodable');
    metrics.source('mqtt').deadLetter('channel_table_full');
    const letters = await series('twinbench_relay_source_dead_letters_total');
    expect(letters).toHaveLength(2 * 11);
    expect(
      letters.filter((s) => s.value > 0).map((s) => [s.labels.source, s.labels.reason, s.value]),
    ).toEqual([
      ['kafka', 'undecodable', 2],
      ['mqtt', 'channel_table_full', 1],
    ]);
  });

  it('hides broker credentials in the source label', async () => {
    const { metrics, series } = setup();
    expect(metrics.source('mqtt mqtt://relay:s3cret@broker:1883').label).toBe(
      'mqtt mqtt://***@broker:1883',
    );
    const text = JSON.stringify(await series('twinbench_relay_source_messages_received_total'));
    expect(text).not.toContain('s3cret');
  });

  it('reads source_connected from the source stats at each scrape', async () => {
    let stats: SourceStats[] = [
      { name: 'mqtt', connected: true, received: 0, malformed: 0 },
      { name: 'kafka', connected: false, received: 0, malformed: 0 },
    ];
    const { series } = setup({ sourceStats: () => stats });
    const connected = async () =>
      (await series('twinbench_relay_source_connected')).map((s) => [s.labels.source, s.value]);
    expect(await connected()).toEqual([
      ['mqtt', 1],
      ['kafka', 0],
    ]);
    stats = [{ name: 'mqtt', connected: false, received: 0, malformed: 0 }];
    expect(await connected()).toEqual([['mqtt', 0]]);
  });

  it('gives clients short ids and tracks how many are connected', async () => {
    const { metrics, value } = setup();
    const a = metrics.openClient();
    const b = metrics.openClient('lossless');
    expect([a.id, b.id]).toEqual(['c1', 'c2']);
    expect(await value('twinbench_relay_clients_connected')).toBe(2);
    expect(
      await value('twinbench_relay_client_samples_dropped_total', {
        client: 'c2',
        policy: 'lossless',
      }),
    ).toBe(0);
    a.close();
    a.close();
    expect(await value('twinbench_relay_clients_connected')).toBe(1);
  });

  it('counts delivered and dropped samples and queue depth per client', async () => {
    const { metrics, value } = setup();
    const client = metrics.openClient();
    client.delivered([sample(0, 0), sample(0, 0)], 10, 120);
    client.delivered([sample(0, 0)], 20);
    client.dropped(5);
    client.queueDepth(42);
    const c = { client: client.id };
    expect(await value('twinbench_relay_client_samples_delivered_total', c)).toBe(3);
    expect(
      await value('twinbench_relay_client_samples_dropped_total', { ...c, policy: 'live' }),
    ).toBe(5);
    expect(await value('twinbench_relay_client_queue_depth', c)).toBe(42);
    const size = 'twinbench_relay_message_size_bytes';
    expect(await value(size, { direction: 'sent' }, `${size}_count`)).toBe(1);
  });

  it('removes a client’s series when it disconnects and ignores calls after that', async () => {
    const { metrics, series } = setup();
    const gone = metrics.openClient();
    const stays = metrics.openClient();
    gone.close();
    gone.delivered([sample(0, 0)], 1);
    gone.dropped(1);
    gone.queueDepth(1);
    for (const name of [
      'twinbench_relay_client_samples_delivered_total',
      'twinbench_relay_client_samples_dropped_total',
      'twinbench_relay_client_queue_depth',
    ]) {
      expect(
        (await series(name)).map((s) => s.labels.client),
        name,
      ).toEqual([stays.id]);
    }
  });

  it('observes receive→flush and device→send latency of each delivered sample in seconds', async () => {
    const { metrics, value } = setup();
    const client = metrics.openClient();
    // Sent at t=1000 ms: received 20 ms earlier, measured by the device 300 ms earlier.
    client.delivered([sample(700, 980), sample(700, 980)], 1000);
    const flush = 'twinbench_relay_receive_to_flush_seconds';
    expect(await value(flush, {}, `${flush}_count`)).toBe(2);
    expect(await value(flush, { le: 0.01 }, `${flush}_bucket`)).toBe(0);
    expect(await value(flush, { le: 0.025 }, `${flush}_bucket`)).toBe(2);
    expect(await value(flush, {}, `${flush}_sum`)).toBeCloseTo(0.04);
    const device = 'twinbench_relay_device_to_send_seconds';
    expect(await value(device, { le: 0.25 }, `${device}_bucket`)).toBe(0);
    expect(await value(device, { le: 0.5 }, `${device}_bucket`)).toBe(2);
  });

  it('counts a device clock ahead of the relay as zero latency, not negative', async () => {
    const { metrics, value } = setup();
    metrics.openClient().delivered([sample(5000, 1000)], 1000);
    const device = 'twinbench_relay_device_to_send_seconds';
    expect(await value(device, {}, `${device}_sum`)).toBe(0);
    expect(await value(device, { le: LATENCY_BUCKETS_S[0]! }, `${device}_bucket`)).toBe(1);
  });

  it('counts auth failures and command results, every value starting at zero', async () => {
    const { metrics, series } = setup();
    metrics.authFailure('expired');
    metrics.command('sent');
    metrics.command('timeout');
    const auth = await series('twinbench_relay_auth_failures_total');
    expect(auth).toHaveLength(10);
    expect(auth.filter((s) => s.value > 0).map((s) => s.labels.reason)).toEqual(['expired']);
    const commands = await series('twinbench_relay_commands_total');
    expect(commands.filter((s) => s.value > 0).map((s) => s.labels.result)).toEqual([
      'sent',
      'timeout',
    ]);
    expect(commands).toHaveLength(6);
  });

  it('has a command result for every reason the command sink rejects with', () => {
    expectTypeOf<CommandRejectedError['reason']>().toExtend<CommandResult>();
  });

  it('labels auth failures and dead letters with the reasons the auth and ingest code use', () => {
    // Type-level: `tsc` fails here when either vocabulary changes without the other.
    expectTypeOf<AuthFailureReason>().toEqualTypeOf<AuthErrorReason | 'forbidden'>();
    expectTypeOf<DeadLetterReason>().toEqualTypeOf<IngestDeadLetterReason | 'channel_table_full'>();
  });

  it('is documented metric by metric in docs/relay-metrics.md', () => {
    const doc = readFileSync(new URL('../../docs/relay-metrics.md', import.meta.url), 'utf8');
    for (const name of Object.keys(RELAY_METRICS)) expect(doc, name).toContain(`\`${name}\``);
  });
});
