import {
  DEFAULT_DELIVERY_POLICY,
  encodeMessage,
  type ChannelInfo,
  type DeliveryPolicy,
  type Sample,
  type ServerMessage,
} from '../../src/protocol/relay.ts';
import type { ClientMetrics } from '../metrics/relayMetrics.ts';
import type { ControlQueue } from './controlQueue.ts';
import type {
  ChannelChange,
  ClientStats,
  HubClient,
  HubClientAdapter,
  LosslessBatch,
} from './hubClient.ts';

/** What the JSON relay protocol needs of a connection; `ws` sockets fit, tests pass a mock. */
export interface RelaySocket {
  /** Bytes handed to the socket and not yet written to the network. */
  readonly bufferedAmount: number;
  send(text: string): void;
  /** Absent on test mocks; a `ws` socket sends the close frame and closes. */
  close?(code: number, reason: string): void;
}

export interface RelayClientOptions {
  /** Where control messages go (channels, stats, errors); the hub makes one when not given. */
  readonly control?: ControlQueue;
  /** Per-client delivery, drop and queue metrics. */
  readonly metrics?: ClientMetrics;
  /** Relay clock for the metrics' latencies. */
  readonly now?: () => number;
}

type Subscription =
  /** Every channel, current and future, except `except`. */
  | { readonly all: true; readonly except: Set<string> }
  | { readonly all: false; readonly only: Set<string> };

// Every JSON client is sent the same `channels` text when the table grows: encode it once per
// table size, not once per client.
const channelsText = new WeakMap<readonly ChannelInfo[], { length: number; text: string }>();

function encodeChannels(table: readonly ChannelInfo[]): string {
  const cached = channelsText.get(table);
  if (cached !== undefined && cached.length === table.length) return cached.text;
  const text = encodeMessage({ type: 'channels', channels: table });
  channelsText.set(table, { length: table.length, text });
  return text;
}

/**
 * A client of the JSON relay protocol (src/protocol/relay.ts) as the hub drives it: the whole
 * channel table whenever it grows, one `samples` message per flush for its live subscriptions
 * and numbered ones (`seq`) for its lossless subscriptions, `stats` on the stats tick.
 * Subscriptions are by channel name, may name channels that do not exist yet, and each has a
 * delivery policy. Control messages go through a ControlQueue; samples straight to the socket
 * (the hub holds them back while the socket is backed up).
 */
export class RelayClient implements HubClientAdapter {
  private subscription: Subscription = { all: false, only: new Set() };
  /** Policies of channels subscribed by name; `'*'` ones take `allPolicy`. */
  private readonly policies = new Map<string, DeliveryPolicy>();
  private allPolicy: DeliveryPolicy = DEFAULT_DELIVERY_POLICY;
  private lostReported = 0;
  /** Drops and losses already counted in the metrics. */
  private lossesCounted = 0;
  readonly hubClient: HubClient;
  readonly control: ControlQueue;
  private metrics: ClientMetrics | undefined;
  private readonly now: () => number;

  /** `attach` is the hub's; it hands this client the channel table before it returns. */
  constructor(
    readonly socket: RelaySocket,
    attach: (adapter: HubClientAdapter) => HubClient,
    options: RelayClientOptions & { readonly control: ControlQueue },
  ) {
    this.control = options.control;
    this.metrics = options.metrics;
    this.now = options.now ?? Date.now;
    this.hubClient = attach(this);
    this.control.onClose(() => this.hubClient.detach());
  }

  /** Counts this client's deliveries and drops in `metrics` from now on. */
  observe(metrics: ClientMetrics): void {
    this.metrics = metrics;
  }

  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  /** Samples dropped because this client fell behind. */
  get dropped(): number {
    return this.hubClient.dropped;
  }

  /**
   * Adds channels (or every channel, `'*'`) to what this client receives, delivered by `policy`.
   * Subscribing again to a channel changes its policy.
   */
  subscribe(
    channels: readonly string[] | '*',
    policy: DeliveryPolicy = DEFAULT_DELIVERY_POLICY,
  ): void {
    if (channels === '*') {
      this.subscription = { all: true, except: new Set() };
      this.policies.clear();
      this.allPolicy = policy;
    } else {
      for (const name of channels) {
        if (this.subscription.all) this.subscription.except.delete(name);
        else this.subscription.only.add(name);
        if (this.subscription.all && policy === this.allPolicy) this.policies.delete(name);
        else this.policies.set(name, policy);
      }
    }
    this.hubClient.subscriptionsChanged();
  }

  unsubscribe(channels: readonly string[]): void {
    for (const name of channels) {
      if (this.subscription.all) this.subscription.except.add(name);
      else this.subscription.only.delete(name);
      this.policies.delete(name);
    }
    this.hubClient.subscriptionsChanged();
  }

  wants(channel: ChannelInfo): boolean {
    return this.subscription.all
      ? !this.subscription.except.has(channel.name)
      : this.subscription.only.has(channel.name);
  }

  policyOf(channel: ChannelInfo): DeliveryPolicy {
    return this.policies.get(channel.name) ?? this.allPolicy;
  }

  channels(change: ChannelChange): void {
    this.control.send(encodeChannels(change.table));
  }

  samples(samples: Sample[], dropped = 0): void {
    this.sendData(
      dropped > 0 ? { type: 'samples', samples, dropped } : { type: 'samples', samples },
      samples,
    );
  }

  lossless({ seq, samples, dropped }: LosslessBatch): void {
    this.sendData(
      dropped > 0 ? { type: 'samples', samples, seq, dropped } : { type: 'samples', samples, seq },
      samples,
    );
  }

  stats(stats: ClientStats): void {
    if (this.metrics !== undefined) {
      const losses = stats.dropped + (stats.lost ?? 0);
      if (losses > this.lossesCounted) this.metrics.dropped(losses - this.lossesCounted);
      this.lossesCounted = losses;
      this.metrics.queueDepth(stats.queued);
    }
    const base = {
      type: 'stats',
      sources: stats.sources,
      clients: stats.clients,
      dropped: stats.dropped,
    } as const;
    this.send(stats.lost === undefined ? base : { ...base, lost: stats.lost });
    if (stats.lost !== undefined && stats.lost > this.lostReported) {
      const count = stats.lost - this.lostReported;
      this.lostReported = stats.lost;
      this.send({
        type: 'error',
        reason: 'samples_lost',
        message: `lost ${count} samples of lossless subscriptions (${stats.lost} since connecting): the relay keeps at most its bound of samples for a client and this one fell that far behind. Acknowledge batches sooner, or subscribe to fewer channels.`,
      });
    }
  }

  disconnect(code: number, reason: string): void {
    this.control.close(code, reason);
  }

  /** A control message: never dropped (see ControlQueue). */
  send(message: ServerMessage): void {
    this.control.send(encodeMessage(message));
  }

  private sendData(message: ServerMessage, samples: readonly Sample[]): void {
    if (this.control.closed) return;
    const text = encodeMessage(message);
    this.socket.send(text);
    this.metrics?.delivered(samples, this.now(), text.length);
  }
}
