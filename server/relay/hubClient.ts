/**
 * What the relay hub hands a connected client, whatever protocol the client speaks. The hub owns
 * the channel table, the fan-out and a queue per client; a HubClientAdapter turns what it is handed
 * into frames of one protocol (the JSON relay protocol, Foxglove WebSocket v1). Types only, so
 * adapters and the hub depend on this file and not on each other.
 */
import type { ChannelInfo, DeliveryPolicy, Sample, SourceStats } from '../../src/protocol/relay.ts';

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
  /**
   * Samples of live subscriptions dropped (or coalesced away) for this client because it fell
   * behind, since it joined.
   */
  readonly dropped: number;
  /** Samples waiting in this client's queues now. */
  readonly queued: number;
  /**
   * Samples of lossless subscriptions lost because the relay's bound was reached, since it
   * joined; present once the client has had a lossless subscription.
   */
  readonly lost?: number;
}

/** One batch of a client's lossless subscriptions. */
export interface LosslessBatch {
  /** 1 for the client's first lossless batch, then +1; the client acknowledges it. */
  readonly seq: number;
  /** Oldest first; may be empty (all its samples were of channels since unsubscribed). */
  readonly samples: Sample[];
  /** Lossless samples lost right before this batch (the bound was reached); usually 0. */
  readonly dropped: number;
}

/**
 * One connection's protocol, as the hub drives it. The hub calls these on its own schedule and
 * never per sample: `wants`/`policyOf` when a channel appears or after `subscriptionsChanged()`,
 * `channels`, `samples` and `lossless` at a flush, `stats` on the stats tick.
 */
export interface HubClientAdapter {
  /** Bytes handed to the socket and not yet written; above the hub's high-water mark it waits. */
  readonly bufferedAmount: number;
  /** Whether this client receives samples of `channel`. */
  wants(channel: ChannelInfo): boolean;
  /** How a channel it wants is delivered when it falls behind; `live-drop` when absent. */
  policyOf?(channel: ChannelInfo): DeliveryPolicy;
  /** The table grew since the last flush (or the client just joined). Comes before samples. */
  channels(change: ChannelChange): void;
  /**
   * Every queued sample of the channels this client receives live, oldest first; the array is
   * its own. `dropped`: live samples dropped or coalesced away since the previous call.
   */
  samples(samples: Sample[], dropped: number): void;
  /**
   * A batch of its lossless subscriptions; must reach the client with its `seq` (even when it
   * holds no samples), since the hub sends more only as the client acknowledges. Required for
   * `policyOf` to answer `lossless`.
   */
  lossless?(batch: LosslessBatch): void;
  stats(stats: ClientStats): void;
  /** Closes the connection with a close code, e.g. a lossless client that stopped acknowledging. */
  disconnect?(code: number, reason: string): void;
}

/** What became of an acknowledgement. */
export type AckOutcome =
  /** It acknowledged batches in flight; more may be sent. */
  | 'ok'
  /** Everything it names was acknowledged already. */
  | 'stale'
  /** It names a batch not sent yet: a client bug, ignored. */
  | 'ahead';

/** The hub's handle on an attached adapter. */
export interface HubClient {
  /** Live samples dropped (or coalesced away) because this client fell behind, since it joined. */
  readonly dropped: number;
  /** Lossless samples lost because the relay's bound was reached, since it joined. */
  readonly lost: number;
  /** Samples waiting in this client's queues now. */
  readonly queued: number;
  /** Lossless batches sent and not acknowledged yet. */
  readonly inFlight: number;
  /** `seq` of the newest lossless batch sent, 0 before the first. */
  readonly lastSeq: number;
  /** Tells the hub that `wants` answers differently now; it asks again for every channel. */
  subscriptionsChanged(): void;
  /** Acknowledges every lossless batch up to and including `seq`. */
  ack(seq: number): AckOutcome;
  /** Leaves the hub: nothing more is handed to the adapter. Same as `hub.detach(client)`. */
  detach(): void;
}
