import type { SourceStats } from '../../src/protocol/relay.ts';

/** A broker connection that feeds samples to the hub. */
export interface TelemetrySource {
  stats(): SourceStats;
  /** Stops reading; resolves when the source let go of its connection. */
  close(): Promise<void>;
}

/** Mutable counters behind a source's SourceStats. */
export class SourceCounters {
  connected = false;
  received = 0;
  malformed = 0;
  lastError: string | undefined = undefined;

  constructor(readonly name: string) {}

  snapshot(): SourceStats {
    const base = {
      name: this.name,
      connected: this.connected,
      received: this.received,
      malformed: this.malformed,
    };
    return this.lastError === undefined ? base : { ...base, lastError: this.lastError };
  }
}
