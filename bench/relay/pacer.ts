/**
 * Offers messages at a steady rate: every tick, as many as the schedule says are due, stamped
 * with the time they are handed to the broker client. When the client pushes back (socket
 * buffer or in-flight requests full) nothing is generated until it has room again, so the
 * achieved rate — reported, and what the bench calls offered — is what really reached the
 * client library, and no sample waits in the publisher before its clock starts.
 */
import { wallMs, type PublishPlan, type PublishResult } from './protocol.ts';
import { sleep } from './workerSide.ts';

export interface MessageSink {
  /** How many messages may be handed over now (0: hold). */
  room(): number;
  /** Hands over `count` messages published at `t`, their samples numbered from `first`. */
  send(count: number, t: number, first: number): void;
  /** Resolves when everything handed over has left the process. */
  flushed(): Promise<void>;
}

/** Runs `plan` against `sink` and counts what was published when. */
export async function pace(
  plan: PublishPlan,
  sink: MessageSink,
  tickMs: number,
): Promise<PublishResult> {
  const { startAt, windowStart, windowEnd } = plan.times;
  const perMsg = plan.samplesPerMsg;
  const messagesPerMs = plan.samplesPerS / perMsg / 1000;
  // A tick late by more than this does not turn into one huge burst.
  const maxPerTick = Math.max(1, Math.ceil(messagesPerMs * 50));
  let sent = 0;
  let inWindow = 0;
  await sleep(startAt - wallMs());
  for (;;) {
    const now = wallMs();
    if (now >= windowEnd) break;
    const due = Math.floor((now - startAt) * messagesPerMs) - sent;
    const count = Math.min(due, sink.room(), maxPerTick);
    if (count > 0) {
      sink.send(count, now, sent * perMsg);
      sent += count;
      if (now >= windowStart) inWindow += count * perMsg;
    }
    await sleep(tickMs);
  }
  await sink.flushed();
  const seconds = (windowEnd - startAt) / 1000;
  return {
    messages: sent,
    samples: sent * perMsg,
    samplesInWindow: inWindow,
    achievedPerS: (sent * perMsg) / seconds,
    achievedInWindowPerS: inWindow / ((windowEnd - windowStart) / 1000),
  };
}
