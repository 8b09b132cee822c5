import {
  encodeMessage,
  type ChannelInfo,
  type Sample,
  type ServerMessage,
  type SourceStats,
} from '../../src/protocol/relay.ts';
import type { Logger } from '../logger.ts';
import { SampleQueue } from './sampleQueue.ts';

/** What the hub needs of a client connection; `ws` sockets fit, tests pass a mock. */
export interface RelaySocket {
  /** Bytes handed to the socket and not yet written to the network. */
  readonly bufferedAmount: number;
  send(text: string): void;
}

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
  /** Source health for the periodic `stats` message. */
  readonly sourceStats?: () => readonly SourceStats[];
  readonly flushIntervalMs?: number;
  readonly statsIntervalMs?: number;
  /** Samples kept per client before the oldest are dropped. */
  readonly maxQueuedSamples?: number;
  /** A client whose socket holds more than this many unsent bytes is skipped at flush. */
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

type Subscription =
  /** Every channel, current and future, except `except`. */
  | { readonly all: true; readonly except: Set<string> }
  | { readonly all: false; readonly only: Set<string> };

/** One connected client as the hub sees it. */
export class RelayClient {
  private subscription: Subscription = { all: false, only: new Set() };
  readonly queue: SampleQueue;
  /** Whether drops have been logged since this client last kept up. */
  laggingReported = false;

  constructor(
    readonly socket: RelaySocket,
    capacity: number,
  ) {
    this.queue = new SampleQueue(capacity);
  }

  /** Samples dropped because this client fell behind. */
  get dropped(): number {
    return this.queue.dropped;
  }

  /** Adds channels (or every channel, `'*'`) to what this client receives. */
  subscribe(channels: readonly string[] | '*'): void {
    if (channels === '*') {
      this.subscription = { all: true, except: new Set() };
    } else if (this.subscription.all) {
      for (const name of channels) this.subscription.except.delete(name);
    } else {
      for (const name of channels) this.subscription.only.add(name);
    }
  }

  unsubscribe(channels: readonly string[]): void {
    if (this.subscription.all) {
      for (const name of channels) this.subscription.except.add(name);
    } else {
      for (const name of channels) this.subscription.only.delete(name);
    }
  }

  wants(channel: string): boolean {
    return this.subscription.all
      ? !this.subscription.except.has(channel)
      : this.subscription.only.has(channel);
  }

  send(message: ServerMessage): void {
    this.socket.send(encodeMessage(message));
  }
}

/**
 * The relay's fan-out: a table of channels with stable ids, the connected clients and what each
 * subscribed to. Samples are queued per client and sent as one `samples` message per flush
 * (every 50 ms); channels seen for the first time are announced to everyone (a `channels`
 * message with the whole table) before the samples that use them.
 */
export class RelayHub implements SampleSink {
  private readonly byName = new Map<string, ChannelInfo>();
  private readonly table: ChannelInfo[] = [];
  private readonly clientSet = new Set<RelayClient>();
  private readonly options: Required<Omit<RelayHubOptions, 'logger'>>;
  private readonly logger: Logger;
  private channelsChanged = false;
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
    return this.clientSet.size;
  }

  channels(): readonly ChannelInfo[] {
    return this.table;
  }

  /** Registers a client and sends it the channel table. */
  addClient(socket: RelaySocket): RelayClient {
    const client = new RelayClient(socket, this.options.maxQueuedSamples);
    this.clientSet.add(client);
    client.send({ type: 'channels', channels: this.table });
    return client;
  }

  removeClient(client: RelayClient): void {
    this.clientSet.delete(client);
  }

  ingest(channel: string, deviceTime: number, value: number, source: string): boolean {
    let info = this.byName.get(channel);
    if (info === undefined) {
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
      info = { id: this.table.length, name: channel, unit: this.options.unitOf(channel), source };
      this.byName.set(channel, info);
      this.table.push(info);
      this.channelsChanged = true;
    }
    const sample: Sample = [info.id, deviceTime, value, this.options.now()];
    for (const client of this.clientSet) {
      if (client.wants(channel)) client.queue.push(sample);
    }
    return true;
  }

  /** Sends each client what it has queued, unless its socket is backed up. */
  flush(): void {
    if (this.channelsChanged) {
      this.channelsChanged = false;
      this.broadcast({ type: 'channels', channels: this.table });
    }
    for (const client of this.clientSet) {
      if (client.queue.size === 0) continue;
      if (client.socket.bufferedAmount > this.options.highWaterBytes) {
        // Leave the samples queued; the queue drops its oldest if this goes on.
        if (client.dropped > 0 && !client.laggingReported) {
          client.laggingReported = true;
          this.logger.warn(
            `a client is not keeping up (${client.socket.bufferedAmount} bytes unsent); dropping its oldest samples`,
          );
        }
        continue;
      }
      client.laggingReported = false;
      client.send({ type: 'samples', samples: client.queue.drain() });
    }
  }

  broadcastStats(): void {
    const sources = this.options.sourceStats();
    for (const client of this.clientSet) {
      client.send({
        type: 'stats',
        sources,
        clients: this.clientSet.size,
        dropped: client.dropped,
      });
    }
  }

  broadcast(message: ServerMessage): void {
    const text = encodeMessage(message);
    for (const client of this.clientSet) client.socket.send(text);
  }
}
