/**
 * The hub's "lossless clients are behind" signal, which sources that can wait (Kafka) follow by
 * pausing their consumer. Hysteresis keeps it from flapping: it turns on when the deepest
 * lossless queue passes `pauseAbove` samples and off only once every one is below `resumeBelow`.
 */

/** What a source sees: the current state and its changes. */
export interface BackpressureSignal {
  /** Whether sources that can wait should stop reading now. */
  readonly paused: boolean;
  /** Calls `listener` on every change (not with the current state); returns the unsubscribe. */
  subscribe(listener: (paused: boolean) => void): () => void;
}

export interface BackpressureThresholds {
  /** Pause once a lossless queue holds more than this many samples. */
  readonly pauseAbove: number;
  /** Resume once every lossless queue holds fewer than this many. */
  readonly resumeBelow: number;
}

/**
 * @example
 * const pressure = new Backpressure({ pauseAbove: 500_000, resumeBelow: 250_000 });
 * pressure.subscribe((paused) => (paused ? consumer.pause(topics) : consumer.resume(topics)));
 * pressure.update(deepestLosslessQueue);
 */
export class Backpressure implements BackpressureSignal {
  private state = false;
  private readonly listeners = new Set<(paused: boolean) => void>();
  /** How often the signal turned on, over its life. */
  pauses = 0;

  constructor(readonly thresholds: BackpressureThresholds) {
    const { pauseAbove, resumeBelow } = thresholds;
    if (!(resumeBelow >= 0 && resumeBelow <= pauseAbove)) {
      throw new RangeError(
        `Backpressure: resumeBelow (${resumeBelow}) must be between 0 and pauseAbove (${pauseAbove})`,
      );
    }
  }

  get paused(): boolean {
    return this.state;
  }

  subscribe(listener: (paused: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Takes the deepest lossless queue's size now and turns the signal on or off. */
  update(deepest: number): void {
    if (!this.state && deepest > this.thresholds.pauseAbove) this.set(true);
    else if (this.state && deepest < this.thresholds.resumeBelow) this.set(false);
  }

  private set(paused: boolean): void {
    this.state = paused;
    if (paused) this.pauses++;
    for (const listener of this.listeners) listener(paused);
  }
}
