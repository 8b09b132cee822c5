/**
 * Which Kafka records the relay has already handed to the hub, per topic partition, so that a
 * record delivered twice is ingested once. kafkajs delivers again what was read after the last
 * offset commit whenever its consumer rejoins the group: after a broker restart, a crash of the
 * consumer, a rebalance. Lossless clients must not see those twice, and a relay cannot tell
 * duplicates apart by their payload, only by their offset.
 */
export class KafkaOffsets {
  /** `topic` → partition → the next offset expected. */
  private readonly next = new Map<string, Map<number, number>>();
  /** Records refused as already ingested, over the tracker's life. */
  redelivered = 0;

  /**
   * Whether the record at `offset` is new (and notes it): false for an offset at or below one
   * already accepted on its partition. Offsets are kafkajs's decimal strings.
   */
  accept(topic: string, partition: number, offset: string): boolean {
    let partitions = this.next.get(topic);
    if (partitions === undefined) {
      partitions = new Map();
      this.next.set(topic, partitions);
    }
    const at = Number(offset);
    const expected = partitions.get(partition);
    if (expected !== undefined && at < expected) {
      this.redelivered++;
      return false;
    }
    partitions.set(partition, at + 1);
    return true;
  }

  /** Accepts any offset next on a partition: the consumer was moved there on purpose (a seek). */
  forget(topic: string, partition: number): void {
    this.next.get(topic)?.delete(partition);
  }

  /** The next offset expected on a partition, undefined before its first record. */
  nextOffset(topic: string, partition: number): number | undefined {
    return this.next.get(topic)?.get(partition);
  }
}
