import {
  encodeMessage,
  type ChannelInfo,
  type Sample,
  type ServerMessage,
} from '../../src/protocol/relay.ts';
import type { ChannelChange, ClientStats, HubClient, HubClientAdapter } from './hubClient.ts';

/** What the JSON relay protocol needs of a connection; `ws` sockets fit, tests pass a mock. */
export interface RelaySocket {
  /** Bytes handed to the socket and not yet written to the network. */
  readonly bufferedAmount: number;
  send(text: string): void;
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
 * channel table whenever it grows, one `samples` message per flush, `stats` on the stats tick.
 * Subscriptions are by channel name, and may name channels that do not exist yet.
 */
export class RelayClient implements HubClientAdapter {
  private subscription: Subscription = { all: false, only: new Set() };
  readonly hubClient: HubClient;

  /** `attach` is the hub's; it hands this client the channel table before it returns. */
  constructor(
    readonly socket: RelaySocket,
    attach: (adapter: HubClientAdapter) => HubClient,
  ) {
    this.hubClient = attach(this);
  }

  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  /** Samples dropped because this client fell behind. */
  get dropped(): number {
    return this.hubClient.dropped;
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
    this.hubClient.subscriptionsChanged();
  }

  unsubscribe(channels: readonly string[]): void {
    if (this.subscription.all) {
      for (const name of channels) this.subscription.except.add(name);
    } else {
      for (const name of channels) this.subscription.only.delete(name);
    }
    this.hubClient.subscriptionsChanged();
  }

  wants(channel: ChannelInfo): boolean {
    return this.subscription.all
      ? !this.subscription.except.has(channel.name)
      : this.subscription.only.has(channel.name);
  }

  channels(change: ChannelChange): void {
    this.socket.send(encodeChannels(change.table));
  }

  samples(samples: Sample[]): void {
    this.send({ type: 'samples', samples });
  }

  stats(stats: ClientStats): void {
    this.send({
      type: 'stats',
      sources: stats.sources,
      clients: stats.clients,
      dropped: stats.dropped,
    });
  }

  send(message: ServerMessage): void {
    this.socket.send(encodeMessage(message));
  }
}
