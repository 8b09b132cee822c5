/**
 * One measured step: connect the clients, publish at the offered rate, measure, and turn what
 * the publisher and every client process saw into the bench's JSON line.
 */
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { Worker } from './children.ts';
import { quantileOf } from './latencyHistogram.ts';
import type { RelayBenchOptions } from './options.ts';
import { reportProfile } from './profileSummary.ts';
import { coresBetween, cpuSnapshot } from './procCpu.ts';
import {
  wallMs,
  type BenchPath,
  type ClientPlan,
  type ClientResult,
  type PublishPlan,
  type PublishResult,
  type StepTimes,
} from './protocol.ts';
import type { RelayProcess } from './relayProcess.ts';
import { channelsOf, topicOf } from './topics.ts';
import { sleep } from './workerSide.ts';

export interface StepContext {
  readonly options: RelayBenchOptions;
  readonly publisher: Worker;
  readonly clientWorkers: readonly Worker[];
  readonly relay: RelayProcess | null;
  readonly mosquittoWsUrl: string;
  /** Broker processes, for the CPU breakdown (null where unknown). */
  readonly brokerPids: { readonly mosquitto: number | null; readonly kafka: number | null };
  readonly log: (message: string) => void;
}

/** One line of the bench's output: the fields first, then what explains them. */
export interface StepLine {
  readonly bench: 'relay';
  readonly path: BenchPath;
  readonly clients: number;
  readonly samples_per_msg: number;
  readonly offered_per_s: number;
  readonly delivered_per_s: number;
  readonly p50_ms: number;
  readonly p99_ms: number;
  readonly client_cpu_ms_per_m: number;
  readonly target_per_s: number;
  /** Share of the samples published in the window (× clients) that never arrived. */
  readonly loss: number;
  /** delivered ≥ 90% of offered × clients and p99 ≤ 1 s: the path keeps up at this load. */
  readonly held: boolean;
  readonly protocol: string;
  readonly relay_dropped: number;
  readonly p999_ms: number;
  readonly max_ms: number;
  /**
   * Relay paths, one sample per frame: publish → relay receive (broker, relay ingest; the relay
   * stamps ms) and relay receive → client (the relay's queue and 50 ms flush, the socket).
   */
  readonly broker_leg_p50_ms: number | null;
  readonly broker_leg_p99_ms: number | null;
  readonly relay_leg_p50_ms: number | null;
  readonly relay_leg_p99_ms: number | null;
  /** Relay CPU per million samples delivered (all clients): robust to a busy machine. */
  readonly relay_cpu_ms_per_m: number | null;
  /** Cores used during the window by each process. */
  readonly cores: Record<string, number | null>;
  /** Steps this line is the median of (--repeats), and the spread of their delivered rates. */
  readonly repeats?: number;
  readonly delivered_range?: readonly [number, number];
  readonly load1: number;
  readonly problems?: readonly string[];
}

const round = (x: number, digits = 3) => (Number.isFinite(x) ? Number(x.toPrecision(digits)) : x);

function split(total: number, parts: number): number[] {
  return Array.from(
    { length: parts },
    (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0),
  );
}

export async function runStep(
  ctx: StepContext,
  path: BenchPath,
  clients: number,
  samplesPerMsg: number,
  rate: number,
  label: string,
): Promise<StepLine> {
  const { options, relay } = ctx;
  const viaRelay = path !== 'mosquitto-ws';
  if (viaRelay && relay === null) throw new Error('relay bench: a relay path without a relay');
  const plan: ClientPlan = {
    clients: 0,
    samplesPerMsg,
    receiver: viaRelay
      ? {
          kind: 'relay',
          protocol: options.protocol,
          url: relay!.wsUrl,
          channels: channelsOf(path, samplesPerMsg),
        }
      : { kind: 'mqtt-ws', url: ctx.mosquittoWsUrl, topic: topicOf(path, samplesPerMsg) },
  };
  const procs = Math.min(clients, clients === 1 ? 1 : ctx.clientWorkers.length);
  const workers = ctx.clientWorkers.slice(0, procs);
  const shares = split(clients, procs);
  await Promise.all(
    workers.map((worker, i) =>
      worker.request({ type: 'connect', plan: { ...plan, clients: shares[i]! } }),
    ),
  );

  const startAt = wallMs() + 100;
  const times: StepTimes = {
    startAt,
    windowStart: startAt + options.warmupMs,
    windowEnd: startAt + options.warmupMs + options.measureMs,
    graceEnd: startAt + options.warmupMs + options.measureMs + options.graceMs,
  };
  const publishPlan: PublishPlan = {
    kind: path === 'kafka' ? 'kafka' : 'mqtt',
    topic: topicOf(path, samplesPerMsg),
    samplesPerS: rate,
    samplesPerMsg,
    times,
  };
  const published = ctx.publisher.request<PublishResult>({ type: 'publish', plan: publishPlan });
  const received = Promise.all(
    workers.map((worker) => worker.request<ClientResult>({ type: 'receive', times })),
  );

  const pids = {
    relay: viaRelay ? relay!.pid : null,
    broker: path === 'kafka' ? ctx.brokerPids.kafka : ctx.brokerPids.mosquitto,
    publisher: ctx.publisher.pid,
  };
  const clientPids = Object.fromEntries(workers.map((w, i) => [`client${i}`, w.pid]));
  await sleep(times.windowStart - wallMs());
  const before = cpuSnapshot({ ...pids, ...clientPids });
  const beforeAt = wallMs();
  if (options.profileDir !== null && viaRelay) relay!.profileStart();
  await sleep(times.windowEnd - wallMs());
  const after = cpuSnapshot({ ...pids, ...clientPids });
  const cores = coresBetween(before, after, wallMs() - beforeAt);
  if (options.profileDir !== null && viaRelay) {
    mkdirSync(options.profileDir, { recursive: true });
    const file = join(options.profileDir, `relay-${label}.cpuprofile`);
    await relay!.profileStop(file);
    reportProfile(file, label, options.measureMs, ctx.log);
  }
  const [pub, results] = await Promise.all([published, received]);

  const clientCores = workers.reduce((sum, _, i) => sum + (cores[`client${i}`] ?? 0), 0);
  const cores2 = (x: number | null | undefined) =>
    x === null || x === undefined ? null : round(x, 2);
  const relayCores = cores.relay ?? null;
  const coreBreakdown: Record<string, number | null> = {
    relay: cores2(relayCores),
    broker: cores2(cores.broker),
    publisher: cores2(cores.publisher),
    clients: cores2(clientCores),
  };
  const latency = results.flatMap((r) => r.latency);
  const brokerLeg = results.flatMap((r) => r.brokerLeg);
  const relayLeg = results.flatMap((r) => r.relayLeg);
  const windowSamples = results.reduce((sum, r) => sum + r.windowSamples, 0);
  const delivered = results.reduce((sum, r) => sum + r.windowSamples / (r.windowMs / 1000), 0);
  const cpuMs = results.reduce((sum, r) => sum + r.cpuMs, 0);
  const receivedOfWindow = results.reduce((sum, r) => sum + r.receivedOfWindow, 0);
  const expected = pub.samplesInWindow * clients;
  const p99 = quantileOf(latency, 0.99);
  const problems = results.flatMap((r) => r.problems);
  const notConnected = results.reduce((sum, r) => sum + r.notConnected, 0);
  if (notConnected > 0)
    problems.push(`${notConnected} clients were not connected at the window's end`);
  const line: StepLine = {
    bench: 'relay',
    path,
    clients,
    samples_per_msg: samplesPerMsg,
    offered_per_s: Math.round(pub.achievedInWindowPerS),
    delivered_per_s: Math.round(delivered),
    p50_ms: round(quantileOf(latency, 0.5)),
    p99_ms: round(p99),
    client_cpu_ms_per_m: windowSamples > 0 ? round((cpuMs / windowSamples) * 1e6) : NaN,
    target_per_s: rate,
    loss: expected > 0 ? round(Math.max(0, 1 - receivedOfWindow / expected), 3) : NaN,
    held: delivered >= 0.9 * pub.achievedInWindowPerS * clients && p99 <= 1000,
    protocol: results[0]?.protocol ?? 'none',
    relay_dropped: results.reduce((sum, r) => sum + r.relayDropped, 0),
    p999_ms: round(quantileOf(latency, 0.999)),
    max_ms: round(quantileOf(latency, 1)),
    broker_leg_p50_ms: viaRelay ? round(quantileOf(brokerLeg, 0.5)) : null,
    broker_leg_p99_ms: viaRelay ? round(quantileOf(brokerLeg, 0.99)) : null,
    relay_leg_p50_ms: viaRelay ? round(quantileOf(relayLeg, 0.5)) : null,
    relay_leg_p99_ms: viaRelay ? round(quantileOf(relayLeg, 0.99)) : null,
    relay_cpu_ms_per_m:
      viaRelay && relayCores !== null && delivered > 0
        ? round((relayCores * 1000 * 1e6) / delivered)
        : null,
    cores: coreBreakdown,
    load1: round(loadavg()[0] ?? NaN, 2),
    ...(problems.length > 0 ? { problems } : {}),
  };
  if (pub.achievedInWindowPerS < 0.9 * rate)
    ctx.log(
      `${label}: the publisher reached ${Math.round(pub.achievedInWindowPerS)} of ${rate} samples/s (broker client backpressure)`,
    );

  // Let a backlog (Kafka lag, the relay's queues) drain so it does not spill into the next step.
  if (viaRelay && !(await relay!.waitQuiet(300, 20_000)))
    ctx.log(`${label}: the relay was still ingesting 20 s after the step`);
  else await sleep(200);
  return line;
}
