import type { MessageKey, SampleEmitter, SourceMapper } from '../ingest/index.ts';
import type { SampleSink } from './relayHub.ts';
import type { SourceCounters } from './telemetrySource.ts';

export interface MappedIngestOptions {
  readonly mapper: SourceMapper;
  readonly sink: SampleSink;
  readonly counters: SourceCounters;
  /** `mqtt` or `kafka`: new channels are said to come from `<prefix>:<topic>`. */
  readonly prefix: string;
  /** Told about each message that became a dead letter (throttle it: a flood stays one line). */
  readonly onDeadLetter: (line: string) => void;
  readonly now?: () => number;
}

/**
 * One broker message → the mapper → samples into the hub, counted on the source: samples the
 * hub took as `received`, dead letters (and samples the full channel table refused) as
 * `malformed` with the last reason. One emitter for the source's life, not one per message.
 */
export function createMappedIngest(
  options: MappedIngestOptions,
): (topic: string, payload: Uint8Array, key?: MessageKey) => void {
  const { mapper, sink, counters, prefix, onDeadLetter } = options;
  const now = options.now ?? Date.now;
  let source = '';
  let refused = 0;
  const emit: SampleEmitter = (channel, deviceTime, value) => {
    if (sink.ingest(channel, deviceTime, value, source)) counters.received++;
    else refused++;
  };
  return (topic, payload, key) => {
    source = `${prefix}:${topic}`;
    refused = 0;
    const result = mapper.map(topic, payload, now(), emit, key);
    if (!result.ok) {
      const { reason, message } = result.deadLetter;
      counters.malformed++;
      counters.lastError = `dead letter (${reason}) on ${topic}: ${message}`;
      onDeadLetter(counters.lastError);
    } else if (refused > 0) {
      counters.malformed++;
      counters.lastError = `${refused} sample(s) on ${topic} refused: the relay's channel table is full`;
    }
  };
}
