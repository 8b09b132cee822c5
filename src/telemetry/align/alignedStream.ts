/**
 * Telemetry from many devices on one timeline: each device's clock is mapped onto relay time by
 * its own robust clock fit, samples are put in order behind a watermark, and the ordered series
 * can be read at an instant (`seek`) or resampled over a window (`replay`) — what a simulation
 * or a fit loss needs when devices disagree about what time it is.
 *
 * ```ts
 * const stream = new AlignedStream({ deviceOf: (ch) => table[ch].source, allowedLatenessMs: 250 });
 * stream.push(relayMessage.samples); // [channel, deviceTime, value, receiveTime]
 * const now = stream.seek(stream.watermark, [0, 3]);
 * const rows = stream.replay({ t0, t1, stepMs: 10, channels: [0, 3], mode: 'linear' });
 * ```
 */
import type { Sample } from '../../protocol/relay.ts';
import { ClockEstimator, toRelayTime, type ClockFit } from './clockFit.ts';
import { ReorderBuffer } from './reorderBuffer.ts';
import { resample, uniformTimeline, type Interpolation } from './resample.ts';

export interface AlignedStreamOptions {
  /** The device (clock) a channel's samples are stamped by. */
  readonly deviceOf: (channel: number) => string;
  /** How late (relay time, ms) a sample may arrive and still be put in order. */
  readonly allowedLatenessMs: number;
  /** Ordered history kept per channel (relay-time ms); older samples are forgotten. */
  readonly retainMs?: number;
  /** Clock pairs each device's fit uses (one per `pairIntervalMs`: 256 × 100 ms = 25.6 s). */
  readonly clockWindow?: number;
  /**
   * Of each device's samples within this much device time, only the one with the least delay
   * (receive − device time) becomes a clock pair: the least-delayed sample is the one queueing
   * touched least (NTP's minimum filter), and a sparse pair stream spans more time per window.
   */
  readonly pairIntervalMs?: number;
}

interface DeviceClock {
  readonly estimator: ClockEstimator;
  /** The fit samples are placed by; refreshed every REFIT_PAIRS pairs (a fit is O(window²)). */
  fit: ClockFit | null;
  pairsSinceFit: number;
  bucket: number;
  best: { deviceTime: number; receiveTime: number } | null;
}

/** One value per asked channel at `time`; NaN where a channel has nothing there. */
export interface AlignedRow {
  readonly time: number;
  readonly values: Float64Array;
}

export interface ReplayWindow {
  readonly t0: number;
  readonly t1: number;
  readonly stepMs: number;
  readonly channels: readonly number[];
  readonly mode: Interpolation;
  /** Gaps longer than this read as missing (NaN); default 5 × stepMs. */
  readonly maxGapMs?: number;
}

export class AlignedStreamError extends Error {
  override readonly name = 'AlignedStreamError';
  constructor(
    readonly reason: 'bad_window' | 'beyond_watermark',
    message: string,
  ) {
    super(`Aligned stream: ${message}`);
  }
}

const REFIT_PAIRS = 8;

interface Pending {
  readonly channel: number;
  readonly time: number;
  readonly value: number;
}

/** A channel's ordered, aligned samples (relay time), amortised O(1) append and trim. */
class Series {
  times: number[] = [];
  values: number[] = [];
  private start = 0;

  push(time: number, value: number): void {
    this.times.push(time);
    this.values.push(value);
  }

  trimBefore(time: number): void {
    while (this.start < this.times.length && this.times[this.start]! < time) this.start++;
    if (this.start > 1024 && this.start > this.times.length / 2) {
      this.times = this.times.slice(this.start);
      this.values = this.values.slice(this.start);
      this.start = 0;
    }
  }

  view(): { times: number[]; values: number[] } {
    return this.start === 0
      ? { times: this.times, values: this.values }
      : { times: this.times.slice(this.start), values: this.values.slice(this.start) };
  }
}

export class AlignedStream {
  private readonly clocks = new Map<string, DeviceClock>();
  private readonly series = new Map<number, Series>();
  private readonly reorder: ReorderBuffer<Pending>;
  private readonly retainMs: number;
  /** Samples that arrived after the watermark had passed their aligned time. */
  private late = 0;

  constructor(private readonly options: AlignedStreamOptions) {
    this.reorder = new ReorderBuffer<Pending>({
      allowedLatenessMs: options.allowedLatenessMs,
      timeOf: (p) => p.time,
    });
    this.retainMs = options.retainMs ?? 10 * 60_000;
  }

  /** Everything at or before this relay time is in order and final. */
  get watermark(): number {
    return this.reorder.watermark;
  }

  get lateSamples(): number {
    return this.late;
  }

  /** The clock fit of a device, or null before its first complete pair interval. */
  clock(device: string): ClockFit | null {
    return this.clocks.get(device)?.fit ?? null;
  }

  /**
   * Device time → relay time under the device's current fit; before its first fit, the offset
   * of its least-delayed sample so far; identity for a device never seen.
   */
  toRelayTime(device: string, deviceTime: number): number {
    const clock = this.clocks.get(device);
    const fit = clock?.fit ?? null;
    if (fit !== null) return toRelayTime(fit, deviceTime);
    const best = clock?.best;
    return best ? deviceTime + (best.receiveTime - best.deviceTime) : deviceTime;
  }

  private observeClock(device: string, deviceTime: number, receiveTime: number): void {
    if (!Number.isFinite(receiveTime)) return;
    let clock = this.clocks.get(device);
    if (clock === undefined) {
      clock = {
        estimator: new ClockEstimator(this.options.clockWindow),
        fit: null,
        pairsSinceFit: 0,
        bucket: NaN,
        best: null,
      };
      this.clocks.set(device, clock);
    }
    const bucket = Math.floor(deviceTime / (this.options.pairIntervalMs ?? 100));
    if (bucket !== clock.bucket) {
      if (clock.best !== null && bucket > clock.bucket) {
        clock.estimator.add(clock.best.deviceTime, clock.best.receiveTime);
        if (clock.fit === null || ++clock.pairsSinceFit >= REFIT_PAIRS) {
          clock.fit = clock.estimator.fit();
          clock.pairsSinceFit = 0;
        }
      }
      if (!(bucket < clock.bucket)) {
        clock.bucket = bucket;
        clock.best = { deviceTime, receiveTime };
      }
      return;
    }
    const best = clock.best;
    if (best === null || receiveTime - deviceTime < best.receiveTime - best.deviceTime)
      clock.best = { deviceTime, receiveTime };
  }

  /**
   * Adds relay samples in any order. Each updates its device's clock fit and is placed on the
   * relay timeline by it; samples behind the watermark are counted as late and left out (a
   * replay buffer keeps them; an aligned view cannot reorder what it already handed out).
   */
  push(samples: readonly Sample[]): void {
    for (const [channel, deviceTime, value, receiveTime] of samples) {
      if (!Number.isFinite(deviceTime)) continue;
      const device = this.options.deviceOf(channel);
      this.observeClock(device, deviceTime, receiveTime);
      const time = this.toRelayTime(device, deviceTime);
      if (this.reorder.push({ channel, time, value }) === 'late') this.late++;
    }
    this.accept(this.reorder.drain());
  }

  /** Moves the watermark on the relay clock when sources go quiet (call it from a timer). */
  advanceTo(relayTime: number): void {
    this.accept(this.reorder.advanceTo(relayTime));
  }

  /**
   * Each channel's value at relay time `t`: the last ordered sample at or before it (`hold`),
   * or interpolated between its neighbours (`linear`). `t` must not be beyond the watermark:
   * what comes after it may still change.
   */
  seek(t: number, channels: readonly number[], mode: Interpolation = 'zoh'): AlignedRow {
    if (t > this.watermark) {
      throw new AlignedStreamError(
        'beyond_watermark',
        `time ${t} is past the watermark ${this.watermark}; seek at or before it, or advanceTo() first.`,
      );
    }
    const timeline = [t];
    const values = new Float64Array(channels.length);
    channels.forEach((channel, i) => {
      const s = this.series.get(channel)?.view();
      values[i] = s ? resample(s.times, s.values, timeline, { mode })[0]! : NaN;
    });
    return { time: t, values };
  }

  /** The channels resampled onto t0, t0 + step, … ≤ t1 (all at or before the watermark). */
  replay(window: ReplayWindow): AlignedRow[] {
    const { t0, t1, stepMs } = window;
    if (!(t1 >= t0) || !(stepMs > 0) || !Number.isFinite(t0) || !Number.isFinite(t1)) {
      throw new AlignedStreamError(
        'bad_window',
        `replay needs finite t0 ≤ t1 and stepMs > 0, got ${t0}..${t1} step ${stepMs}.`,
      );
    }
    if (t1 > this.watermark) {
      throw new AlignedStreamError(
        'beyond_watermark',
        `the window ends at ${t1}, past the watermark ${this.watermark}; end it at or before the watermark.`,
      );
    }
    const timeline = uniformTimeline(t0, t1, stepMs);
    const maxGapMs = window.maxGapMs ?? 5 * stepMs;
    const columns = window.channels.map((channel) => {
      const s = this.series.get(channel)?.view();
      return s
        ? resample(s.times, s.values, timeline, { mode: window.mode, maxGapMs })
        : new Float64Array(timeline.length).fill(NaN);
    });
    return Array.from(timeline, (time, k) => ({
      time,
      values: Float64Array.from(columns, (column) => column[k]!),
    }));
  }

  private accept(ready: readonly Pending[]): void {
    if (ready.length === 0) return;
    for (const { channel, time, value } of ready) {
      let s = this.series.get(channel);
      if (s === undefined) {
        s = new Series();
        this.series.set(channel, s);
      }
      s.push(time, value);
    }
    const horizon = ready.at(-1)!.time - this.retainMs;
    for (const s of this.series.values()) s.trimBefore(horizon);
  }
}
