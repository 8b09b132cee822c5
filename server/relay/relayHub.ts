import { randomUUID } from 'node:crypto';
import type { ChannelInfo, Sample, SourceStats } from '../../src/protocol/relay.ts';
import { errorMessage } from '../errors.ts';
import { throttled, type Logger } from '../logger.ts';
import type { ChannelChange, HubClient, HubClientAdapter } from './hubClient.ts';
import { RelayClient, type RelaySocket } from './relayJsonClient.ts';
import { SampleQueue } from './sampleQueue.ts';

export type { ChannelChange, ClientStats, HubClient, HubClientAdapter } from './hubClient.ts';
export { RelayClient, type RelaySocket } from './relayJsonClient.ts';

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
  /** Samples kept per client before the oldest are dropped. */
  readonly maxQueuedSamples?: number;
  /** A client whose connection holds more than this many unsent bytes is skipped at flush. */
  readonly highWaterBytes?: number;
  /** Distinct channel names accepted; a misbehaving publisher cannot grow the table without end. */
  readonly maxChannels?: number;
}

export const HUB_DEFAULTS = {
  flushIntervalMs: 50,
  statsIntervalMs: 1000,
  maxQueuedSamples: 10_000,
  highWaterBytes: 1 << 20,
  maxChannels: 4096,
} as const;

const NO_CHANNELS: readonly ChannelInfo[] = [];

/** A channel and the clients that receive it, so ingest touches only those. */
interface ChannelEntry {
  readonly info: ChannelInfo;
  readonly subscribers: Member[];
}

/** An attached adapter and what the hub keeps for it. */
class Member implements HubClient {
  readonly queue: SampleQueue;
  /** Channels of the table this client has been handed. */
  known = 0;
  /** Whether this client's lag has been logged since it last kept up. */
  laggingReported = false;
  /** `receives[id]`: whether this client is in channel `id`'s subscribers. */
  readonly receives: boolean[] = [];

  constructor(
    readonly adapter: HubClientAdapter,
    capacity: number,
    private readonly changed: (member: Member) => void,
  ) {
    this.queue = new SampleQueue(capacity);
  }

  get dropped(): number {
    return this.queue.dropped;
  }

  get queued(): number {
    return this.queue.size;
  }

  subscriptionsChanged(): void {
    this.changed(this);
  }
}

/**
 * The relay's fan-out: a table of channels with stable ids, the connected clients and what each
 * receives. Samples are queued per client and handed to the client's adapter once per flush
 * (every 50 ms); a client hears of channels seen for the first time before the samples that use
 * them. The hub knows no wire protocol: each client's HubClientAdapter encodes what it is handed.
 *
 * @example
 * const hub = new RelayHub({ logger });
 * const client = hub.attach(adapter); // adapter.channels() runs before this returns
 * hub.ingest('disp.z.L50', deviceTime, 0.42, 'mqtt:…');
 * hub.flush(); // adapter.samples([...]) if adapter.wants(disp.z.L50)
 */
export class RelayHub implements SampleSink {
  /** Names this hub's lifetime: channel ids are stable within it (Foxglove's `sessionId`). */
  readonly instanceId: string = randomUUID();
  private readonly byName = new Map<string, ChannelEntry>();
  private readonly entries: ChannelEntry[] = [];
  private readonly table: ChannelInfo[] = [];
  private readonly members = new Set<Member>();
  private readonly options: Required<Omit<RelayHubOptions, 'logger'>>;
  private readonly logger: Logger;
  private readonly reportAdapterError: (message: string) => void;
  /** Table length at the last flush. */
  private announced = 0;
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
    const member = new Member(adapter, this.options.maxQueuedSamples, (m) => this.resubscribe(m));
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
      if (client.receives[entry.info.id] === true) removeFrom(entry.subscribers, client);
    }
    client.receives.length = 0;
  }

  /** Registers a client of the JSON relay protocol and sends it the channel table. */
  addClient(socket: RelaySocket): RelayClient {
    return new RelayClient(socket, (adapter) => this.attach(adapter));
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
    const subscribers = entry.subscribers;
    if (subscribers.length === 0) return true;
    // One tuple shared by every client that receives it; queues hold references.
    const sample: Sample = [entry.info.id, deviceTime, value, this.options.now()];
    for (let i = 0; i < subscribers.length; i++) subscribers[i]!.queue.push(sample);
    return true;
  }

  /** Hands each client what it has queued, unless its connection is backed up. */
  flush(): void {
    const table = this.table;
    const grew = this.announced !== table.length;
    this.announced = table.length;
    for (const member of this.members) {
      try {
        if (grew) this.announce(member, table);
        if (member.queue.size === 0) continue;
        if (member.adapter.bufferedAmount > this.options.highWaterBytes) {
          // Leave the samples queued; the queue drops its oldest if this goes on.
          if (member.dropped > 0 && !member.laggingReported) {
            member.laggingReported = true;
            this.logger.warn(
              `a client is not keeping up (${member.adapter.bufferedAmount} bytes unsent); dropping its oldest samples`,
            );
          }
          continue;
        }
        member.laggingReported = false;
        member.adapter.samples(member.queue.drain());
      } catch (error) {
        this.adapterFailed(error);
      }
    }
  }

  /** Hands every client its stats (sources, client count, its drops). */
  broadcastStats(): void {
    const sources = this.options.sourceStats();
    const clients = this.members.size;
    for (const member of this.members) {
      try {
        member.adapter.stats({
          sources,
          clients,
          dropped: member.dropped,
          queued: member.queue.size,
        });
      } catch (error) {
        this.adapterFailed(error);
      }
    }
  }

  private addChannel(name: string, source: string): ChannelEntry {
    const info: ChannelInfo = {
      id: this.table.length,
      name,
      unit: this.options.unitOf(name),
      source,
    };
    const entry: ChannelEntry = { info, subscribers: [] };
    for (const member of this.members) {
      if (member.adapter.wants(info)) {
        entry.subscribers.push(member);
        member.receives[info.id] = true;
      }
    }
    this.byName.set(name, entry);
    this.entries.push(entry);
    this.table.push(info);
    return entry;
  }

  private announce(member: Member, table: readonly ChannelInfo[]): void {
    const added = member.known < table.length ? table.slice(member.known) : NO_CHANNELS;
    member.known = table.length;
    const change: ChannelChange = { table, added };
    member.adapter.channels(change);
  }

  /** Asks the member's adapter about every channel and moves it in or out of subscriber lists. */
  private resubscribe(member: Member): void {
    if (!this.members.has(member)) return;
    for (const entry of this.entries) {
      const id = entry.info.id;
      const wants = member.adapter.wants(entry.info);
      if (wants === (member.receives[id] === true)) continue;
      member.receives[id] = wants;
      if (wants) entry.subscribers.push(member);
      else removeFrom(entry.subscribers, member);
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
