/**
 * What the relay hub hands a connected client, whatever protocol the client speaks. The hub owns
 * the channel table, the fan-out and a queue per client; a HubClientAdapter turns what it is handed
 * into frames of one protocol (the JSON relay protocol, Foxglove WebSocket v1). Types only, so
 * adapters and the hub depend on this file and not on each other.
 */
import type { ChannelInfo, Sample, SourceStats } from '../../src/protocol/relay.ts';

/** The channel table as a client is told about it at a flush or when it joins. */
export interface ChannelChange {
  /** The whole table; a channel's id is its index. Only ever grows. */
  readonly table: readonly ChannelInfo[];
  /** Channels this client has not been handed before (the whole table when it joins). */
  readonly added: readonly ChannelInfo[];
}

/** One client's numbers, handed to it on the hub's stats tick (every statsIntervalMs). */
export interface ClientStats {
  readonly sources: readonly SourceStats[];
  /** Clients connected to the hub, every protocol counted. */
  readonly clients: number;
  /** Samples dropped for this client because it fell behind, since it joined. */
  readonly dropped: number;
  /** Samples waiting in this client's queue now. */
  readonly queued: number;
}

/**
 * One connection's protocol, as the hub drives it. The hub calls these on its own schedule and
 * never per sample: `wants` when a channel appears or after `subscriptionsChanged()`, `channels`
 * and `samples` at a flush, `stats` on the stats tick.
 */
export interface HubClientAdapter {
  /** Bytes handed to the socket and not yet written; above the hub's high-water mark it waits. */
  readonly bufferedAmount: number;
  /** Whether this client receives samples of `channel`. */
  wants(channel: ChannelInfo): boolean;
  /** The table grew since the last flush (or the client just joined). Comes before samples. */
  channels(change: ChannelChange): void;
  /** Every queued sample of the channels this client wants, oldest first; the array is its own. */
  samples(samples: Sample[]): void;
  stats(stats: ClientStats): void;
}

/** The hub's handle on an attached adapter. */
export interface HubClient {
  /** Samples dropped because this client fell behind, since it joined. */
  readonly dropped: number;
  readonly queued: number;
  /** Tells the hub that `wants` answers differently now; it asks again for every channel. */
  subscriptionsChanged(): void;
}
