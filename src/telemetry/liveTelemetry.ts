import type { ChannelInfo, Sample } from '../protocol/relay.ts';

/** Recent samples of one channel in a fixed-size ring (oldest overwritten). */
export class SampleRing {
  readonly times: Float64Array;
  readonly values: Float32Array;
  private head = 0;
  private filled = 0;

  constructor(readonly capacity: number) {
    this.times = new Float64Array(capacity);
    this.values = new Float32Array(capacity);
  }

  get size(): number {
    return this.filled;
  }

  push(time: number, value: number): void {
    this.times[this.head] = time;
    this.values[this.head] = value;
    this.head = (this.head + 1) % this.capacity;
    this.filled = Math.min(this.filled + 1, this.capacity);
  }

  /** Visits samples oldest first. */
  forEach(visit: (time: number, value: number) => void): void {
    const start = (this.head - this.filled + this.capacity) % this.capacity;
    for (let i = 0; i < this.filled; i++) {
      const k = (start + i) % this.capacity;
      visit(this.times[k]!, this.values[k]!);
    }
  }
}

export interface LiveChannel {
  readonly info: ChannelInfo;
  value: number;
  deviceTime: number;
  receiveTime: number;
  count: number;
  /** Device-time history, ~20 s at 100 Hz. */
  readonly history: SampleRing;
}

export interface ChannelSummary {
  readonly id: number;
  readonly name: string;
  readonly unit: string;
  readonly source: string;
  readonly value: number;
  readonly deviceTime: number;
  readonly count: number;
  readonly rateHz: number;
}

const RATE_WINDOW_MS = 2000;
const PER_SECOND_KEPT = 300;

/**
 * Live values of every channel as they arrive from the relay. Plain TypeScript: the 3D view reads
 * it inside the frame loop, React reads periodic `summaries()`.
 */
export class LiveTelemetry {
  private readonly byId = new Map<number, LiveChannel>();
  private readonly byName = new Map<string, LiveChannel>();
  private total = 0;
  private unknown = 0;
  private latestDeviceTime = 0;
  /** Samples per whole second of device time, for the timeline's overview of where data is. */
  private readonly perSecond = new Map<number, number>();

  constructor(private readonly historySize = 2048) {}

  get totalSamples(): number {
    return this.total;
  }

  /** Samples for channel ids the relay never announced (dropped). */
  get unknownSamples(): number {
    return this.unknown;
  }

  /** Newest device time seen on any channel (ms since the epoch), 0 before the first sample. */
  get headTime(): number {
    return this.latestDeviceTime;
  }

  setChannels(channels: readonly ChannelInfo[]): void {
    for (const info of channels) {
      const existing = this.byId.get(info.id);
      if (existing && existing.info.name === info.name) continue;
      const channel: LiveChannel = {
        info,
        value: Number.NaN,
        deviceTime: 0,
        receiveTime: 0,
        count: 0,
        history: new SampleRing(this.historySize),
      };
      this.byId.set(info.id, channel);
      this.byName.set(info.name, channel);
    }
  }

  ingest(samples: readonly Sample[], now = Date.now()): void {
    for (const [id, deviceTime, value] of samples) {
      const channel = this.byId.get(id);
      if (!channel) {
        this.unknown += 1;
        continue;
      }
      channel.count += 1;
      channel.history.push(deviceTime, value);
      if (deviceTime >= channel.deviceTime) {
        channel.value = value;
        channel.deviceTime = deviceTime;
        channel.receiveTime = now;
      }
      if (deviceTime > this.latestDeviceTime) this.latestDeviceTime = deviceTime;
      const second = Math.floor(deviceTime / 1000);
      this.perSecond.set(second, (this.perSecond.get(second) ?? 0) + 1);
      this.total += 1;
    }
    if (this.perSecond.size > PER_SECOND_KEPT * 2) this.prunePerSecond();
  }

  private prunePerSecond(): void {
    const oldest = Math.floor(this.latestDeviceTime / 1000) - PER_SECOND_KEPT;
    for (const second of this.perSecond.keys()) if (second < oldest) this.perSecond.delete(second);
  }

  /** Sample counts for each whole second in [fromSecond, toSecond). */
  countsPerSecond(fromSecond: number, toSecond: number): number[] {
    const counts: number[] = [];
    for (let s = fromSecond; s < toSecond; s++) counts.push(this.perSecond.get(s) ?? 0);
    return counts;
  }

  /** Latest value of a channel by name, NaN when unknown or not yet received. */
  latest(name: string): number {
    return this.byName.get(name)?.value ?? Number.NaN;
  }

  channel(name: string): LiveChannel | undefined {
    return this.byName.get(name);
  }

  /**
   * Sample rate of a channel: samples per second of device time over the last two seconds of its
   * data, so a burst of backlog arriving at once does not read as a faster sensor. A channel that
   * has received nothing for two seconds reads 0.
   */
  rateHz(channel: LiveChannel, now = Date.now()): number {
    if (channel.count === 0 || now - channel.receiveTime > RATE_WINDOW_MS) return 0;
    const since = channel.deviceTime - RATE_WINDOW_MS;
    let inWindow = 0;
    channel.history.forEach((time) => {
      if (time > since) inWindow += 1;
    });
    return (inWindow * 1000) / RATE_WINDOW_MS;
  }

  summaries(now = Date.now()): ChannelSummary[] {
    return [...this.byId.values()]
      .map((c) => ({
        id: c.info.id,
        name: c.info.name,
        unit: c.info.unit,
        source: c.info.source,
        value: c.value,
        deviceTime: c.deviceTime,
        count: c.count,
        rateHz: this.rateHz(c, now),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }
}
