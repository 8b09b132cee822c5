import { randomUUID } from 'node:crypto';
import {
  RELAY_CLOSE_CODES,
  type ChannelInfo,
  type DeliveryPolicy,
  type Sample,
  type SourceStats,
} from '../../src/protocol/relay.ts';
import { errorMessage } from '../errors.ts';
import { throttled, type Logger } from '../logger.ts';
import { Backpressure, type BackpressureSignal } from './backpressure.ts';
import { CoalescingQueue } from './coalescingQueue.ts';
import { CONTROL_DEFAULTS, ControlQueue, type ControlLimits } from './controlQueue.ts';
import type {
  AckOutcome,
  ChannelChange,
  ClientStats,
  HubClient,
  HubClientAdapter,
} from './hubClient.ts';
import { RelayClient, type RelayClientOptions, type RelaySocket } from './relayJsonClient.ts';
import { SampleQueue } from './sampleQueue.ts';

export type {
  AckOutcome,
  ChannelChange,
  ClientStats,
  HubClient,
  HubClientAdapter,
  LosslessBatch,
} from './hubClient.ts';
export { RelayClient, type RelaySocket } from './relayJsonClient.ts';
export type { BackpressureSignal } from './backpressure.ts';

/** Where sources deliver samples. */
export interface SampleSink {
  /**
   * Takes one sample of `channel`; `source` names where a new channel comes from. Returns false
   * when the sample was refused (the channel table is full).
   */
  ingest(channel: string, deviceTime: number, value: number, source: string): boolean;
}

export interface RelayHubOptions {
  readonly logger: Logger;
  /** Relay clock (ms since the Unix epoch), stamped on samples as their receive time. */
  readonly now?: () => number;
  /** Unit of a channel, '' when unknown. */
  readonly unitOf?: (channel: string) => string;
  /** Source health for the periodic stats. */
  readonly sourceStats?: () => readonly SourceStats[];
  readonly flushIntervalMs?: number;
  readonly statsIntervalMs?: number;
  /** Samples of live subscriptions kept per client before the oldest are dropped (or coalesced). */
  readonly maxQueuedSamples?: number;
  /** A client whose connection holds more than this many unsent bytes is skipped at flush. */
  readonly highWaterBytes?: number;
  /** Distinct channel names accepted; a misbehaving publisher cannot grow the table without end. */
  readonly maxChannels?: number;
  /**
   * Samples of lossless subscriptions kept per client. Past it the oldest are dropped and the
   * client is told: what happens with MQTT, which cannot be paused, when a client falls far behind.
   */
  readonly maxLosslessSamples?: number;
  /** Kafka is paused once a lossless queue holds more; default half of maxLosslessSamples. */
  readonly losslessPauseAbove?: number;
  /** …and resumed once every one holds fewer; default a quarter of maxLosslessSamples. */
  readonly losslessResumeBelow?: number;
  /** Lossless batches a client may have unacknowledged. */
  readonly losslessWindowBatches?: number;
  /** Most samples in one lossless batch. */
  readonly losslessBatchSamples?: number;
  /** A lossless client that acknowledges nothing for this long with batches in flight is closed. */
  readonly losslessStallMs?: number;
  /** Control messages that may wait behind a backed-up connection before it is closed. */
  readonly maxControlMessages?: number;
  /** Bytes of control messages that may wait behind a backed-up connection. */
  readonly maxControlBytes?: number;
}

export const HUB_DEFAULTS = {
  // 20 ms keeps a quiet channel's latency low; under load batches also go out as they fill.
  flushIntervalMs: 20,
  statsIntervalMs: 1000,
  maxQueuedSamples: 10_000,
  highWaterBytes: 1 << 20,
  maxChannels: 4096,
  maxLosslessSamples: 1_000_000,
  losslessWindowBatches: 16,
  losslessBatchSamples: 2048,
  losslessStallMs: 60_000,
  maxControlMessages: CONTROL_DEFAULTS.maxMessages,
  maxControlBytes: CONTROL_DEFAULTS.maxBytes,
} as const;

const NO_CHANNELS: readonly ChannelInfo[] = [];

/** How a member receives a channel: an index into ChannelEntry.receivers. */
type Route = 0 | 1 | 2;
const DROP: Route = 0;
const COALESCE: Route = 1;
const LOSSLESS: Route = 2;

const ROUTES: Record<DeliveryPolicy, Route> = {
  'live-drop': DROP,
  'live-coalesce': COALESCE,
  lossless: LOSSLESS,
};

/**
 * A channel and the clients that receive it, by delivery policy, so ingest touches only those
 * and pushes each sample into the right queue without asking.
 */
interface ChannelEntry {
  readonly info: ChannelInfo;
  /** `[live-drop, live-coalesce, lossless]` receivers. */
  readonly receivers: readonly [Member[], Member[], Member[]];
}

/** What a member calls back on its hub. */
interface MemberHub {
  resubscribe(member: Member): void;
  detach(member: Member): void;
  ack(member: Member, seq: number): AckOutcome;
}

/** An attached adapter and what the hub keeps for it. */
class Member implements HubClient {
  readonly live: SampleQueue;
  readonly coalesce: CoalescingQueue;
  readonly lossless: SampleQueue;
  /** Channels of the table this client has been handed. */
  known = 0;
  /** Whether this client's lag has been logged since it last kept up. */
  laggingReported = false;
  /** `routes[id]`: how this client receives channel `id`; undefined when it does not. */
  readonly routes: (Route | undefined)[] = [];
  /** Whether it has ever had a lossless subscription (its stats then carry `lost`). */
  hadLossless = false;
  /** Live drops already handed to the adapter with a batch. */
  dropsReported = 0;
  /** Lossless losses already handed to the adapter with a batch. */
  lossReported = 0;
  sentSeq = 0;
  ackedSeq = 0;
  /** Relay clock when the client last made progress: an ack, or a batch sent after none was due. */
  progressAt = 0;

  constructor(
    readonly adapter: HubClientAdapter,
    capacity: number,
    losslessCapacity: number,
    private readonly hub: MemberHub,
  ) {
    this.live = new SampleQueue(capacity);
    this.coalesce = new CoalescingQueue(capacity);
    this.lossless = new SampleQueue(losslessCapacity);
  }

  get dropped(): number {
    return this.live.dropped + this.coalesce.dropped;
  }

  get lost(): number {
    return this.lossless.dropped;
  }

  get queued(): number {
    return this.live.size + this.coalesce.size + this.lossless.size;
  }

  get inFlight(): number {
    return this.sentSeq - this.ackedSeq;
  }

  get lastSeq(): number {
    return this.sentSeq;
  }

  subscriptionsChanged(): void {
    this.hub.resubscribe(this);
  }

  ack(seq: number): AckOutcome {
    return this.hub.ack(this, seq);
  }

  detach(): void {
    this.hub.detach(this);
  }
}

/**
 * The relay's fan-out: a table of channels with stable ids, the connected clients and what each
 * receives. Samples are queued per client and handed to the client's adapter once per flush
 * (every 20 ms, or as soon as a live queue is half full); a client hears of channels seen for the first time before the samples that use
 * them. The hub knows no wire protocol: each client's HubClientAdapter encodes what it is handed.
 *
 * Each client has bounded queues, one per delivery policy (see DeliveryPolicy): `live-drop`
 * drops its oldest samples, `live-coalesce` keeps the newest per channel while the client is
 * behind, `lossless` sends numbered batches within a window of unacknowledged ones and raises
 * `backpressure` (which pauses Kafka) while a lossless client is behind. A client whose socket is
 * backed up is skipped at flush; the hub never waits for a socket, so one slow client never
 * slows the others.
 *
 * @example
 * const hub = new RelayHub({ logger });
 * const client = hub.attach(adapter); // adapter.channels() runs before this returns
 * hub.ingest('disp.z.L50', deviceTime, 0.42, 'mqtt:…');
 * hub.flush(); // adapter.samples([...], 0) if adapter.wants(disp.z.L50)
 */
export class RelayHub implements SampleSink {
  /** Names this hub's lifetime: channel ids are stable within it (Foxglove's `sessionId`). */
  readonly instanceId: string = randomUUID();
  /** On while a lossless client is behind; sources that can wait (Kafka) pause while it is. */
  readonly backpressure: BackpressureSignal;
  /** The bounds of each connection's control queue (ControlQueue). */
  readonly controlLimits: ControlLimits;
  private readonly pressure: Backpressure;
  private readonly byName = new Map<string, ChannelEntry>();
  private readonly entries: ChannelEntry[] = [];
  private readonly table: ChannelInfo[] = [];
  private readonly members = new Set<Member>();
  private readonly options: Required<
    Omit<RelayHubOptions, 'logger' | 'losslessPauseAbove' | 'losslessResumeBelow'>
  >;
  private readonly pauseAbove: number;
  private readonly logger: Logger;
  private readonly reportAdapterError: (message: string) => void;
  private readonly memberHub: MemberHub = {
    resubscribe: (member) => this.resubscribe(member),
    detach: (member) => this.detach(member),
    ack: (member, seq) => this.ack(member, seq),
  };
  /** Table length at the last flush. */
  private announced = 0;
  /** A live queue this full is flushed at once rather than at the next tick. */
  private readonly flushEarlyAt: number;
  private flushScheduled = false;
  private tableFullReported = false;
  private timers: ReturnType<typeof setInterval>[] = [];

  constructor(options: RelayHubOptions) {
    this.logger = options.logger;
    this.options = {
      now: options.now ?? Date.now,
      unitOf: options.unitOf ?? (() => ''),
      sourceStats: options.sourceStats ?? (() => []),
      flushIntervalMs: options.flushIntervalMs ?? HUB_DEFAULTS.flushIntervalMs,
      statsIntervalMs: options.statsIntervalMs ?? HUB_DEFAULTS.statsIntervalMs,
      maxQueuedSamples: options.maxQueuedSamples ?? HUB_DEFAULTS.maxQueuedSamples,
      highWaterBytes: options.highWaterBytes ?? HUB_DEFAULTS.highWaterBytes,
      maxChannels: options.maxChannels ?? HUB_DEFAULTS.maxChannels,
      maxLosslessSamples: options.maxLosslessSamples ?? HUB_DEFAULTS.maxLosslessSamples,
      losslessWindowBatches: options.losslessWindowBatches ?? HUB_DEFAULTS.losslessWindowBatches,
      losslessBatchSamples: options.losslessBatchSamples ?? HUB_DEFAULTS.losslessBatchSamples,
      losslessStallMs: options.losslessStallMs ?? HUB_DEFAULTS.losslessStallMs,
      maxControlMessages: options.maxControlMessages ?? HUB_DEFAULTS.maxControlMessages,
      maxControlBytes: options.maxControlBytes ?? HUB_DEFAULTS.maxControlBytes,
    };
    this.flushEarlyAt = Math.max(1, Math.floor(this.options.maxQueuedSamples / 2));
    const bound = this.options.maxLosslessSamples;
    this.pauseAbove = options.losslessPauseAbove ?? Math.floor(bound / 2);
    this.pressure = new Backpressure({
      pauseAbove: this.pauseAbove,
      resumeBelow: options.losslessResumeBelow ?? Math.floor(bound / 4),
    });
    this.backpressure = this.pressure;
    this.controlLimits = {
      highWaterBytes: this.options.highWaterBytes,
      maxMessages: this.options.maxControlMessages,
      maxBytes: this.options.maxControlBytes,
    };
    this.reportAdapterError = throttled((message) => this.logger.error(message), 10_000);
  }

  /** Starts the flush and stats timers. */
  start(): void {
    if (this.timers.length > 0) return;
    this.timers = [
      setInterval(() => this.flush(), this.options.flushIntervalMs),
      setInterval(() => this.broadcastStats(), this.options.statsIntervalMs),
    ];
  }

  /** Stops the timers; clients stay registered (their owner closes them). */
  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
  }

  get clientCount(): number {
    return this.members.size;
  }

  /** Handles on the attached clients (their drops, losses, queue depths), in attach order. */
  clients(): readonly HubClient[] {
    return [...this.members];
  }

  /** Unsent bytes above which a client is skipped at flush (its samples wait, oldest dropped). */
  get highWaterBytes(): number {
    return this.options.highWaterBytes;
  }

  channels(): readonly ChannelInfo[] {
    return this.table;
  }

  /**
   * Registers a client of any protocol. Hands it the whole table (`adapter.channels`) and asks
   * `adapter.wants` for every channel before it returns.
   */
  attach(adapter: HubClientAdapter): HubClient {
    const member = new Member(
      adapter,
      this.options.maxQueuedSamples,
      this.options.maxLosslessSamples,
      this.memberHub,
    );
    this.members.add(member);
    member.known = this.table.length;
    adapter.channels({ table: this.table, added: this.table.slice() });
    this.resubscribe(member);
    return member;
  }

  /** Forgets a client; nothing more is handed to its adapter. Safe to call twice. */
  detach(client: HubClient): void {
    if (!(client instanceof Member) || !this.members.delete(client)) return;
    for (const entry of this.entries) {
      const route = client.routes[entry.info.id];
      if (route !== undefined) removeFrom(entry.receivers[route], client);
    }
    client.routes.length = 0;
    if (client.hadLossless) this.updateBackpressure();
  }

  /**
   * Registers a client of the JSON relay protocol and sends it the channel table; its control
   * messages go through `options.control` (a ControlQueue of its own when not given).
   */
  addClient(socket: RelaySocket, options: RelayClientOptions = {}): RelayClient {
    return new RelayClient(socket, (adapter) => this.attach(adapter), {
      ...options,
      control: options.control ?? new ControlQueue(socket, this.controlLimits),
    });
  }

  removeClient(client: RelayClient): void {
    this.detach(client.hubClient);
  }

  ingest(channel: string, deviceTime: number, value: number, source: string): boolean {
    let entry = this.byName.get(channel);
    if (entry === undefined) {
      if (this.table.length >= this.options.maxChannels) {
        if (!this.tableFullReported) {
          this.tableFullReported = true;
          this.logger.warn(
            `channel table is full (${this.options.maxChannels} channels); ignoring new channel "${channel}" from ${source}. ` +
              'Check the topic filter (TWINBENCH_MQTT_TOPICS) or the Kafka record keys.',
          );
        }
        return false;
      }
      entry = this.addChannel(channel, source);
    }
    const receivers = entry.receivers;
    const drop = receivers[0];
    const coalesce = receivers[1];
    const lossless = receivers[2];
    if (drop.length + coalesce.length + lossless.length === 0) return true;
    // One tuple shared by every client that receives it; queues hold references.
    const sample: Sample = [entry.info.id, deviceTime, value, this.options.now()];
    for (let i = 0; i < drop.length; i++) {
      const queue = drop[i]!.live;
      queue.push(sample);
      if (queue.size >= this.flushEarlyAt) this.flushSoon(drop[i]!);
    }
    for (let i = 0; i < coalesce.length; i++) coalesce[i]!.coalesce.push(sample);
    for (let i = 0; i < lossless.length; i++) {
      const queue = lossless[i]!.lossless;
      queue.push(sample);
      // Raised here, not at the next flush: Kafka can deliver a lot between flushes.
      if (queue.size > this.pauseAbove) this.pressure.update(queue.size);
    }
    return true;
  }

  /**
   * Under load, batches go out as they fill instead of waiting for the tick: latency stays near
   * one batch's worth and a client is not capped at its queue per tick.
   */
  private flushSoon(member: Member): void {
    // Not before start() (tests drive flush themselves), nor for a client that is backed up.
    if (this.flushScheduled || this.timers.length === 0) return;
    if (member.adapter.bufferedAmount > this.options.highWaterBytes) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /** Hands each client what it has queued, unless its connection is backed up. */
  flush(): void {
    const table = this.table;
    const grew = this.announced !== table.length;
    this.announced = table.length;
    let lossless = false;
    for (const member of this.members) {
      try {
        if (grew) this.announce(member, table);
        if (member.hadLossless) {
          lossless = true;
          if (this.stalled(member)) continue;
        }
        if (member.queued === 0) continue;
        const adapter = member.adapter;
        if (adapter.bufferedAmount > this.options.highWaterBytes) {
          // Leave the samples queued; the live queues drop (or coalesce) if this goes on.
          member.coalesce.fallBehind();
          if (member.dropped > 0 && !member.laggingReported) {
            member.laggingReported = true;
            this.logger.warn(
              `a client is not keeping up (${adapter.bufferedAmount} bytes unsent); dropping its oldest samples`,
            );
          }
          continue;
        }
        member.laggingReported = false;
        if (member.live.size + member.coalesce.size > 0) this.sendLive(member);
        if (member.lossless.size > 0) this.sendLossless(member);
      } catch (error) {
        this.adapterFailed(error);
      }
    }
    if (lossless) this.updateBackpressure();
  }

  /** Hands every client its stats (sources, client count, its drops). */
  broadcastStats(): void {
    const sources = this.options.sourceStats();
    const clients = this.members.size;
    for (const member of this.members) {
      try {
        const stats: ClientStats = {
          sources,
          clients,
          dropped: member.dropped,
          queued: member.queued,
        };
        member.adapter.stats(member.hadLossless ? { ...stats, lost: member.lost } : stats);
      } catch (error) {
        this.adapterFailed(error);
      }
    }
  }

  private sendLive(member: Member): void {
    const samples = member.live.drain();
    if (member.coalesce.size > 0) {
      for (const sample of member.coalesce.drain()) samples.push(sample);
    }
    const dropped = member.dropped - member.dropsReported;
    member.dropsReported += dropped;
    member.adapter.samples(samples, dropped);
  }

  /** Sends lossless batches while the window has room and the connection is not backed up. */
  private sendLossless(member: Member): void {
    const adapter = member.adapter;
    if (adapter.lossless === undefined) return;
    const { losslessWindowBatches, losslessBatchSamples, highWaterBytes } = this.options;
    while (member.lossless.size > 0 && member.inFlight < losslessWindowBatches) {
      if (adapter.bufferedAmount > highWaterBytes) break;
      if (member.inFlight === 0) member.progressAt = this.options.now();
      const dropped = member.lost - member.lossReported;
      member.lossReported += dropped;
      const seq = ++member.sentSeq;
      adapter.lossless({ seq, samples: member.lossless.take(losslessBatchSamples), dropped });
    }
  }

  private ack(member: Member, seq: number): AckOutcome {
    if (seq > member.sentSeq) return 'ahead';
    if (seq <= member.ackedSeq) return 'stale';
    member.ackedSeq = seq;
    member.progressAt = this.options.now();
    return 'ok';
  }

  /** Closes a lossless client that acknowledged nothing for losslessStallMs; true if it did. */
  private stalled(member: Member): boolean {
    if (member.inFlight === 0) return false;
    const waited = this.options.now() - member.progressAt;
    if (waited <= this.options.losslessStallMs) return false;
    const reason = `lossless client stalled: no acknowledgement for ${Math.round(waited / 1000)} s with ${member.inFlight} batches in flight`;
    this.logger.warn(`closing a client: ${reason}`);
    this.detach(member);
    member.adapter.disconnect?.(RELAY_CLOSE_CODES.losslessStalled, reason);
    return true;
  }

  /** Lowers (or raises) the backpressure signal from the deepest lossless queue now. */
  private updateBackpressure(): void {
    let deepest = 0;
    for (const member of this.members) {
      if (member.lossless.size > deepest) deepest = member.lossless.size;
    }
    this.pressure.update(deepest);
  }

  private addChannel(name: string, source: string): ChannelEntry {
    const info: ChannelInfo = {
      id: this.table.length,
      name,
      unit: this.options.unitOf(name),
      source,
    };
    const entry: ChannelEntry = { info, receivers: [[], [], []] };
    for (const member of this.members) {
      const route = this.routeOf(member, info);
      if (route !== undefined) {
        entry.receivers[route].push(member);
        member.routes[info.id] = route;
      }
    }
    this.byName.set(name, entry);
    this.entries.push(entry);
    this.table.push(info);
    return entry;
  }

  private routeOf(member: Member, info: ChannelInfo): Route | undefined {
    const adapter = member.adapter;
    if (!adapter.wants(info)) return undefined;
    const route = ROUTES[adapter.policyOf?.(info) ?? 'live-drop'];
    // An adapter that cannot send lossless batches gets the default instead.
    if (route !== LOSSLESS) return route;
    if (adapter.lossless === undefined) return DROP;
    member.hadLossless = true;
    return LOSSLESS;
  }

  private announce(member: Member, table: readonly ChannelInfo[]): void {
    const added = member.known < table.length ? table.slice(member.known) : NO_CHANNELS;
    member.known = table.length;
    const change: ChannelChange = { table, added };
    member.adapter.channels(change);
  }

  /** Asks the member's adapter about every channel and moves it between receiver lists. */
  private resubscribe(member: Member): void {
    if (!this.members.has(member)) return;
    for (const entry of this.entries) {
      const id = entry.info.id;
      const route = this.routeOf(member, entry.info);
      const was = member.routes[id];
      if (route === was) continue;
      if (was !== undefined) removeFrom(entry.receivers[was], member);
      if (route !== undefined) entry.receivers[route].push(member);
      member.routes[id] = route;
    }
  }

  private adapterFailed(error: unknown): void {
    // A bug in one protocol adapter must not stop the others' data.
    this.reportAdapterError(
      `a client adapter threw; other clients are unaffected: ${errorMessage(error)}`,
    );
  }
}

function removeFrom<T>(list: T[], item: T): void {
  const index = list.indexOf(item);
  if (index < 0) return;
  list[index] = list[list.length - 1]!;
  list.pop();
}
