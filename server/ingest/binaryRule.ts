import { createFloatScratch, floatValues, readF64le, readU64nsAsMs } from './binaryValues.ts';
import { BINARY_TIMESTAMP_BYTES, BINARY_VALUE_BYTES, type ParsedBinaryRule } from './parseRule.ts';
import type { Envelope } from './protocol.ts';
import { bindDeviceId, Rejection, type RuleProgram, type TopicBinding } from './ruleProgram.ts';

/**
 * f32le / f64le rules: an optional leading timestamp, then exactly one little-endian float per
 * channel. The values are read in place when aligned (see binaryValues.ts), checked for
 * NaN/Infinity, and only then emitted.
 */
export function compileBinaryRule(rule: ParsedBinaryRule): RuleProgram {
  const { label, payloadType, count } = rule;
  const valueBytes = BINARY_VALUE_BYTES[rule.format];
  const header = rule.timestamp === undefined ? 0 : BINARY_TIMESTAMP_BYTES;
  const expectedBytes = header + count * valueBytes;
  const layout =
    (rule.timestamp === undefined ? '' : `an 8-byte ${rule.timestamp} timestamp + `) +
    `${count} × ${valueBytes}-byte ${rule.format} values`;
  const scratch = createFloatScratch(valueBytes, count);

  return {
    label,
    filter: rule.filter,
    bind(captures): TopicBinding | Rejection {
      const deviceId = bindDeviceId(rule, captures);
      if (deviceId instanceof Rejection) return deviceId;
      let names: string[];
      if ('list' in rule.names) {
        names = rule.names.list.map((template) => template.render(captures));
      } else {
        const base = rule.names.base.render(captures);
        names = base === '' ? [''] : Array.from({ length: count }, (_, i) => `${base}[${i}]`);
      }
      const empty = names.indexOf('');
      if (empty >= 0) {
        return new Rejection(
          'empty_name',
          `channel ${empty} is empty for topic "${captures.topic}" (${label}) — use a template that always names something`,
        );
      }

      return {
        label,
        map(bytes, receiveTimeMs, _key, emit) {
          if (bytes.length !== expectedBytes) {
            return new Rejection(
              'wrong_length',
              `expected ${expectedBytes} bytes (${layout}), got ${bytes.length} (${label})`,
            );
          }
          let timestamp = receiveTimeMs;
          if (rule.timestamp !== undefined) {
            timestamp = rule.timestamp === 'f64ms' ? readF64le(bytes, 0) : readU64nsAsMs(bytes, 0);
            if (!(timestamp > 0 && Number.isFinite(timestamp))) {
              return new Rejection(
                'bad_timestamp',
                `the leading ${rule.timestamp} timestamp is ${timestamp} ms; expected a time after the Unix epoch`,
              );
            }
          }
          const envelope: Envelope = {
            device_id: deviceId ?? '',
            timestamp,
            payload_type: payloadType,
            payload: floatValues(bytes, header, scratch),
          };
          const values = envelope.payload as Float32Array | Float64Array;
          for (let i = 0; i < count; i++) {
            const value = values[i] as number;
            if (!Number.isFinite(value)) {
              return new Rejection(
                'non_finite',
                `value ${i} (channel "${names[i]}") is ${value}; values must be finite — the publisher sent NaN or Infinity`,
              );
            }
          }
          for (let i = 0; i < count; i++) emit(names[i] as string, timestamp, values[i] as number);
          return count;
        },
      };
    },
  };
}
