/**
 * The hot path of a Foxglove session: one flush's samples into frames. Both encoders allocate
 * the output once per flush and reuse their scratch space, so the cost per sample is writing its
 * bytes (and, for JSON payloads, formatting its numbers).
 */
import {
  MESSAGE_DATA_HEADER_BYTES,
  encodeLosslessBatch,
  encodeSampleBatch,
  setMessageDataHeader,
  type SampleColumns,
} from '../../../src/protocol/foxglove.ts';
import type { ChannelInfo, Sample } from '../../../src/protocol/relay.ts';

/** Channel id → the client's subscription id for it; undefined where it has none. */
export type SubscriptionTable = readonly (number | undefined)[];

/** As JSON.stringify writes a number (which is String(n) for finite ones). */
const jsonNumber = (n: number): string => (Number.isFinite(n) ? String(n) : 'null');

/**
 * Encodes samples as Foxglove frames for one client: per-sample message-data frames with JSON
 * payloads for plain clients, or one Twinbench sample-batch frame for clients that enabled it.
 * Samples of channels without a subscription are skipped (the client unsubscribed after they
 * were queued).
 */
export class SampleFrameEncoder {
  /** Channel id → the payload's end, `,"unit":"mm"}`, UTF-8 encoded once per channel. */
  private readonly tails: Buffer[] = [];
  private readonly heads: string[] = [];
  private subscriptionIds = new Uint32Array(256);
  private deviceTimes = new Float64Array(256);
  private receiveTimes = new Float64Array(256);
  private values = new Float64Array(256);

  /** Makes `channel` encodable; call once when it is advertised. */
  addChannel(channel: ChannelInfo): void {
    this.tails[channel.id] = Buffer.from(`,"unit":${JSON.stringify(channel.unit)}}`, 'utf8');
  }

  /**
   * One message-data frame per sample, each `0x01 | u32 subscription | u64 device time ns |
   * JSON payload`, as views of a single buffer; send each as its own WebSocket message.
   */
  messageFrames(samples: readonly Sample[], subscriptions: SubscriptionTable): Buffer[] {
    const heads = this.heads;
    let count = 0;
    let total = 0;
    for (let i = 0; i < samples.length; i++) {
      const sample = samples[i]!;
      const tail = this.tails[sample[0]];
      if (subscriptions[sample[0]] === undefined || tail === undefined) continue;
      // ASCII only (numbers and keys), so its length is its byte count.
      const head = `{"value":${jsonNumber(sample[2])},"deviceTime":${jsonNumber(sample[1])},"receiveTime":${jsonNumber(sample[3])}`;
      heads[count++] = head;
      total += MESSAGE_DATA_HEADER_BYTES + head.length + tail.length;
    }
    const frames = new Array<Buffer>(count);
    if (count === 0) return frames;
    const out = Buffer.allocUnsafe(total);
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    let at = 0;
    let k = 0;
    for (let i = 0; i < samples.length; i++) {
      const sample = samples[i]!;
      const subscription = subscriptions[sample[0]];
      const tail = this.tails[sample[0]];
      if (subscription === undefined || tail === undefined) continue;
      const start = at;
      setMessageDataHeader(view, at, subscription, sample[1]);
      at += MESSAGE_DATA_HEADER_BYTES;
      at += out.write(heads[k]!, at, 'latin1');
      at += tail.copy(out, at);
      frames[k++] = out.subarray(start, at);
    }
    // Let the strings go; the array itself is kept for the next flush.
    heads.length = 0;
    return frames;
  }

  /** One Twinbench sample-batch frame (opcode 0x81) for the samples, or null when none remain. */
  batchFrame(samples: readonly Sample[], subscriptions: SubscriptionTable): Uint8Array | null {
    const columns = this.columns(samples, subscriptions);
    return columns.count === 0 ? null : encodeSampleBatch(columns);
  }

  /**
   * One Twinbench lossless-batch frame (opcode 0x82), even when no sample remains: the client
   * acknowledges every `seq`.
   */
  losslessFrame(
    samples: readonly Sample[],
    subscriptions: SubscriptionTable,
    seq: number,
    dropped: number,
  ): Uint8Array {
    return encodeLosslessBatch(seq, dropped, this.columns(samples, subscriptions));
  }

  /** The samples that still have a subscription, in the reusable columns. */
  private columns(samples: readonly Sample[], subscriptions: SubscriptionTable): SampleColumns {
    this.reserve(samples.length);
    let count = 0;
    for (let i = 0; i < samples.length; i++) {
      const sample = samples[i]!;
      const subscription = subscriptions[sample[0]];
      if (subscription === undefined) continue;
      this.subscriptionIds[count] = subscription;
      this.deviceTimes[count] = sample[1];
      this.values[count] = sample[2];
      this.receiveTimes[count] = sample[3];
      count++;
    }
    return {
      count,
      subscriptionIds: this.subscriptionIds,
      deviceTimesMs: this.deviceTimes,
      receiveTimesMs: this.receiveTimes,
      values: this.values,
    };
  }

  private reserve(count: number): void {
    if (this.values.length >= count) return;
    let size = this.values.length;
    while (size < count) size *= 2;
    this.subscriptionIds = new Uint32Array(size);
    this.deviceTimes = new Float64Array(size);
    this.receiveTimes = new Float64Array(size);
    this.values = new Float64Array(size);
  }
}
