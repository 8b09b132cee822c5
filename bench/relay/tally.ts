/**
 * What one client process counts during a step, for all of its clients together: every sample
 * passes through `sample()` (the same per-sample work on every path), the window's readings of
 * sample count and CPU bound the delivered rate and the CPU per sample.
 */
import { LatencyHistogram } from './latencyHistogram.ts';
import { wallMs, type StepTimes } from './protocol.ts';

interface Reading {
  readonly at: number;
  readonly samples: number;
  readonly cpuMs: number;
}

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

export class Tally {
  readonly latency = new LatencyHistogram();
  /**
   * The two halves of a relay sample's latency, publish → relay receive (broker and ingest) and
   * relay receive → client receive (the relay's queue, flush and socket), for one sample per
   * frame (legIndex()).
   */
  readonly brokerLeg = new LatencyHistogram();
  readonly relayLeg = new LatencyHistogram();
  total = 0;
  receivedOfWindow = 0;
  /** Sum of every value, so no decoder can skip reading them. */
  checksum = 0;
  relayDropped = 0;
  private windowStart = Infinity;
  private windowEnd = -Infinity;
  private start: Reading | undefined;
  private end: Reading | undefined;

  /** One sample published at `t`, value `value`, received (its frame) at `receivedAt`. */
  sample(t: number, value: number, receivedAt: number): void {
    this.total++;
    this.checksum += value;
    if (t >= this.windowStart && t <= this.windowEnd) this.receivedOfWindow++;
    if (receivedAt >= this.windowStart && receivedAt <= this.windowEnd)
      this.latency.add(receivedAt - t);
  }

  /**
   * Records the legs of one sample (publish time `t`, relay receive time `relayReceivedAt`) of a
   * frame received at `receivedAt`; only frames inside the window count.
   */
  legs(receivedAt: number, t: number, relayReceivedAt: number): void {
    if (receivedAt < this.windowStart || receivedAt > this.windowEnd) return;
    this.brokerLeg.add(relayReceivedAt - t);
    this.relayLeg.add(receivedAt - relayReceivedAt);
  }

  /**
   * Which sample of a frame of `count` has its legs recorded: a random one, since the first
   * would always be the one that waited longest for the relay's flush.
   */
  legIndex(count: number): number {
    return (Math.random() * count) | 0;
  }

  /** Arms the window and takes the readings at its edges; resolves at `times.windowEnd`. */
  async measure(times: StepTimes): Promise<void> {
    this.windowStart = times.windowStart;
    this.windowEnd = times.windowEnd;
    const read = (): Reading => ({ at: wallMs(), samples: this.total, cpuMs: cpuMs() });
    await new Promise((resolve) => setTimeout(resolve, times.windowStart - wallMs()));
    this.start = read();
    await new Promise((resolve) => setTimeout(resolve, times.windowEnd - wallMs()));
    this.end = read();
  }

  window(): { samples: number; ms: number; cpuMs: number } {
    if (this.start === undefined || this.end === undefined)
      throw new Error('relay bench: Tally.window() before measure() finished');
    return {
      samples: this.end.samples - this.start.samples,
      ms: this.end.at - this.start.at,
      cpuMs: this.end.cpuMs - this.start.cpuMs,
    };
  }
}
