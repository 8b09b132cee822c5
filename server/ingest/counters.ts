import { DEAD_LETTER_REASONS, type DeadLetterReason, type SourceMappingStats } from './protocol.ts';

/**
 * Mutable counters of one source. Every message counts once in `received` and once in either
 * `mapped` or `deadLetters`, so `received === mapped + deadLetters` always holds.
 */
export class SourceMappingCounters {
  received = 0;
  mapped = 0;
  samples = 0;
  deadLetters = 0;
  hookFailures = 0;
  /** Every reason present from the start, so the object keeps one shape as counts change. */
  readonly deadLettersByReason: Record<DeadLetterReason, number> = Object.fromEntries(
    DEAD_LETTER_REASONS.map((reason) => [reason, 0]),
  ) as Record<DeadLetterReason, number>;

  constructor(readonly source: string) {}

  snapshot(): SourceMappingStats {
    return {
      source: this.source,
      received: this.received,
      mapped: this.mapped,
      samples: this.samples,
      deadLetters: this.deadLetters,
      deadLettersByReason: { ...this.deadLettersByReason },
      hookFailures: this.hookFailures,
    };
  }
}
