import { describe } from './describeValue.ts';
import { compileAccessor } from './fieldPath.ts';
import type { ParsedLegacyRule } from './parseRule.ts';
import type { PayloadCheck } from './payloadSchemas.ts';
import { decodeJson, DecodeFailure } from './payloadDecoders.ts';
import type { Envelope } from './protocol.ts';
import {
  bindDeviceId,
  readDeviceId,
  Rejection,
  type MessageKey,
  type RuleProgram,
  type TopicBinding,
} from './ruleProgram.ts';

/**
 * The fleet's `{"t": <ms>, "v": <number>}` payloads, one channel per topic — or, with
 * `channelFrom: key`, per Kafka record key (else the payload's `"channel"`). Accepts and refuses
 * exactly what parseTelemetry (src/protocol/telemetry.ts) does.
 */

const getT = compileAccessor(['t']);
const getV = compileAccessor(['v']);
const getChannel = compileAccessor(['channel']);
const keyText = new TextDecoder();

export function compileLegacyRule(
  rule: ParsedLegacyRule,
  check: PayloadCheck | undefined,
): RuleProgram {
  const { label, payloadType } = rule;
  const getDevice =
    rule.deviceIdPath === undefined ? undefined : compileAccessor(rule.deviceIdPath.segments);
  const deviceIdPath = rule.deviceIdPath?.path ?? '';
  const fromKey = rule.channelFrom === 'key';

  return {
    label,
    filter: rule.filter,
    bind(captures): TopicBinding | Rejection {
      const deviceId = bindDeviceId(rule, captures);
      if (deviceId instanceof Rejection) return deviceId;
      const topicChannel = fromKey ? '' : rule.channel.render(captures);
      if (!fromKey && topicChannel === '') {
        return new Rejection(
          'empty_name',
          `channel template "${rule.channel.source}" is empty for topic "${captures.topic}" (${label}) — use a template that always names something`,
        );
      }
      return {
        label,
        map(bytes, receiveTimeMs, key, emit) {
          const payload = decodeJson(bytes);
          if (payload instanceof DecodeFailure) {
            return new Rejection(
              'undecodable',
              `${payload.message}; expected {"t": <ms since epoch>, "v": <number>} (${label})`,
            );
          }
          const problem = check?.(payload);
          if (problem !== undefined) return new Rejection('schema_mismatch', problem);
          if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
            return new Rejection(
              'wrong_type',
              `payload is ${describe(payload)}; expected a JSON object with "t" and "v"`,
            );
          }
          const t = getT(payload);
          const v = getV(payload);
          if (t === undefined || v === undefined) {
            return new Rejection(
              'missing_field',
              `payload has no "${t === undefined ? 't' : 'v'}"; expected {"t": <ms since epoch>, "v": <number>}`,
            );
          }
          if (typeof t !== 'number' || !(t > 0) || !Number.isFinite(t)) {
            return new Rejection(
              'bad_timestamp',
              `"t" is ${describe(t)}; it must be a positive finite number of ms since the Unix epoch`,
            );
          }
          if (typeof v !== 'number') {
            return new Rejection('wrong_type', `"v" is ${describe(v)}; it must be a number`);
          }
          if (!Number.isFinite(v)) {
            return new Rejection('non_finite', `"v" is ${v}; it must be a finite number`);
          }
          const named = getChannel(payload);
          if (named !== undefined && (typeof named !== 'string' || named === '')) {
            return new Rejection(
              'wrong_type',
              `"channel" is ${describe(named)}; when given, it must be a non-empty string`,
            );
          }
          const channel = fromKey ? keyChannel(key, named) : topicChannel;
          if (channel instanceof Rejection) return channel;
          const device =
            getDevice === undefined ? deviceId : readDeviceId(getDevice, deviceIdPath, payload);
          if (device instanceof Rejection) return device;
          const envelope: Envelope = {
            device_id: device ?? '',
            timestamp: t,
            payload_type: payloadType,
            payload,
          };
          emit(channel, envelope.timestamp, v);
          return 1;
        },
      };
    },
  };
}

/** The record key, trimmed; without one, the payload's "channel" (as kafkaRecord.ts reads). */
function keyChannel(key: MessageKey, named: unknown): string | Rejection {
  const text =
    key === null || key === undefined
      ? ''
      : (typeof key === 'string' ? key : keyText.decode(key)).trim();
  if (text !== '') return text;
  if (typeof named === 'string') return named;
  return new Rejection(
    'missing_field',
    'record has neither a key nor a "channel" field — set the record key to the channel name',
  );
}
