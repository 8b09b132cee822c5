import { describe } from './describeValue.ts';
import type { FieldAccessor } from './fieldPath.ts';
import type { ParsedRule } from './parseRule.ts';
import type { DeadLetterReason, SampleEmitter } from './protocol.ts';
import type { TopicCaptures, TopicFilter } from './topicFilter.ts';

/**
 * What a compiled rule looks like to the mapper. Per topic, a rule is bound once (its channel
 * names and device id rendered) and the binding is cached; per message, only the binding runs.
 */

/** Why a message cannot be mapped; built only on the failure path. */
export class Rejection {
  constructor(
    readonly reason: DeadLetterReason,
    readonly message: string,
  ) {}
}

/** A Kafka record key (a string or its bytes), or nothing (MQTT). */
export type MessageKey = Uint8Array | string | null | undefined;

/** A rule bound to one topic. */
export interface TopicBinding {
  /** The rule's config path, e.g. `sources[0].rules[2]`. */
  readonly label: string;
  /**
   * Maps one message and returns the number of samples emitted, or why it was not mapped.
   * Emits nothing unless every value of the message is valid.
   */
  map(
    payload: Uint8Array,
    receiveTimeMs: number,
    key: MessageKey,
    emit: SampleEmitter,
  ): number | Rejection;
}

export interface RuleProgram {
  readonly label: string;
  readonly filter: TopicFilter;
  /** Binds the rule to a topic it matched; a Rejection applies to every message of that topic. */
  bind(captures: TopicCaptures): TopicBinding | Rejection;
}

/** The device id rendered for a topic; undefined when the rule reads it from each payload. */
export function bindDeviceId(
  rule: ParsedRule,
  captures: TopicCaptures,
): string | Rejection | undefined {
  if (rule.deviceId === undefined) return undefined;
  const id = rule.deviceId.render(captures);
  return id !== ''
    ? id
    : new Rejection(
        'empty_name',
        `device id template "${rule.deviceId.source}" is empty for topic "${captures.topic}" (${rule.label}) — use a template that names the device`,
      );
}

/** The device id from a payload field: a non-empty string, or an integer. */
export function readDeviceId(
  get: FieldAccessor,
  path: string,
  payload: unknown,
): string | Rejection {
  const value = get(payload);
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (value === undefined) {
    return new Rejection(
      'missing_field',
      `device id field "${path}" is missing — the publisher must send it`,
    );
  }
  return new Rejection(
    value === '' ? 'empty_name' : 'wrong_type',
    `device id field "${path}" is ${describe(value)}; expected a non-empty string or an integer`,
  );
}
