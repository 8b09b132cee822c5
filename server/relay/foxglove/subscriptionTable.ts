/**
 * A Foxglove client's subscriptions both ways: subscription id → channel id for `unsubscribe`,
 * and channel id → subscription id for the flush, as a plain array indexed by channel id so the
 * encoders look it up without hashing. One subscription per channel, as the reference server
 * does.
 */
export class SubscriptionTable {
  private readonly channels = new Map<number, number>();
  private readonly subscriptionsByChannel: (number | undefined)[] = [];

  /** Channel id → subscription id; undefined where there is none. */
  get byChannel(): readonly (number | undefined)[] {
    return this.subscriptionsByChannel;
  }

  get size(): number {
    return this.channels.size;
  }

  /** The channel a subscription id is on, or undefined when the id is free. */
  channelOf(subscriptionId: number): number | undefined {
    return this.channels.get(subscriptionId);
  }

  subscriptionOf(channelId: number): number | undefined {
    return this.subscriptionsByChannel[channelId];
  }

  channelHas(channelId: number): boolean {
    return this.subscriptionsByChannel[channelId] !== undefined;
  }

  /** Call only for a free id and a channel without a subscription (the session checks both). */
  add(subscriptionId: number, channelId: number): void {
    this.channels.set(subscriptionId, channelId);
    this.subscriptionsByChannel[channelId] = subscriptionId;
  }

  /** Removes a subscription; returns its channel, or undefined when there was none. */
  remove(subscriptionId: number): number | undefined {
    const channelId = this.channels.get(subscriptionId);
    if (channelId === undefined) return undefined;
    this.channels.delete(subscriptionId);
    this.subscriptionsByChannel[channelId] = undefined;
    return channelId;
  }
}
