import { describe } from './describeValue.ts';
import { compileAccessor, type FieldAccessor } from './fieldPath.ts';
import { readFieldTime } from './fieldTime.ts';
import type { ParsedFieldRule } from './parseRule.ts';
import type { PayloadCheck } from './payloadSchemas.ts';
import { DecodeFailure, PAYLOAD_DECODERS } from './payloadDecoders.ts';
import type { Envelope, SampleEmitter } from './protocol.ts';
import {
  bindDeviceId,
  readDeviceId,
  Rejection,
  type RuleProgram,
  type TopicBinding,
} from './ruleProgram.ts';

/**
 * json, cbor and msgpack rules: decode, check the schema, read the time and device id, collect
 * every mapped value into a scratch buffer, and emit only when all of them are valid.
 */

interface CompiledField {
  readonly path: string;
  readonly get: FieldAccessor;
  readonly list: boolean;
  /** Scratch slots: the list length, or maxArrayItems for `channel` (a number or an array). */
  readonly capacity: number;
}

export function compileFieldRule(
  rule: ParsedFieldRule,
  check: PayloadCheck | undefined,
  maxArrayItems: number,
): RuleProgram {
  const decode = PAYLOAD_DECODERS[rule.format];
  const fields: CompiledField[] = rule.fields.map((field) => ({
    path: field.path,
    get: compileAccessor(field.segments),
    list: field.list,
    capacity: field.list ? field.templates.length : maxArrayItems,
  }));
  const time = rule.timestamp;
  const getTime = time === undefined ? undefined : compileAccessor(time.segments);
  const getDevice =
    rule.deviceIdPath === undefined ? undefined : compileAccessor(rule.deviceIdPath.segments);
  const deviceIdPath = rule.deviceIdPath?.path ?? '';
  const { label, payloadType } = rule;

  // Shared by every topic of the rule: the mapper is synchronous and not re-entered.
  const values = new Float64Array(fields.reduce((sum, field) => sum + field.capacity, 0));
  /** Per field: -1 for a number, else how many array items it gave. */
  const counts = new Int32Array(fields.length);

  /** Reads every field into `values`; the number of values, or why the message is invalid. */
  const collect = (payload: unknown): number | Rejection => {
    let k = 0;
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i] as CompiledField;
      const value = field.get(payload);
      if (typeof value === 'number' && !field.list) {
        if (!Number.isFinite(value)) return nonFinite(field, value);
        values[k++] = value;
        counts[i] = -1;
        continue;
      }
      const items = numberItems(value);
      if (items === undefined) return wrongValue(field, value, label);
      const n = items.length;
      if (field.list ? n !== field.capacity : n > field.capacity) {
        return new Rejection(
          'wrong_length',
          field.list
            ? `field "${field.path}" has ${n} items; expected ${field.capacity}, one per name in \`channels\` (${label})`
            : `field "${field.path}" has ${n} items; at most ${field.capacity} are mapped (limits.maxArrayItems) — raise the limit or send fewer`,
        );
      }
      for (let j = 0; j < n; j++) {
        const item: unknown = items[j];
        if (typeof item !== 'number') {
          return new Rejection(
            'wrong_type',
            `field "${field.path}" item ${j} is ${describe(item)}; expected a number`,
          );
        }
        if (!Number.isFinite(item)) return nonFinite(field, item, j);
        values[k++] = item;
      }
      counts[i] = n;
    }
    return k;
  };

  return {
    label,
    filter: rule.filter,
    bind(captures): TopicBinding | Rejection {
      const deviceId = bindDeviceId(rule, captures);
      if (deviceId instanceof Rejection) return deviceId;
      /** Per field: its channel (for a number) and the names of its array items. */
      const bases: string[] = [];
      const itemNames: string[][] = [];
      for (const field of rule.fields) {
        const names = field.templates.map((template) => template.render(captures));
        const empty = names.findIndex((name) => name === '');
        if (empty >= 0) {
          return new Rejection(
            'empty_name',
            `channel template "${field.templates[empty]?.source}" of field "${field.path}" is empty for topic "${captures.topic}" (${label}) — use a template that always names something`,
          );
        }
        bases.push(field.list ? '' : (names[0] as string));
        // `channel` array item names are made on first use, then kept with the binding.
        itemNames.push(field.list ? names : []);
      }

      return {
        label,
        map(bytes, receiveTimeMs, _key, emit: SampleEmitter) {
          const payload = decode(bytes);
          if (payload instanceof DecodeFailure) {
            return new Rejection(
              'undecodable',
              `${payload.message} (${label} expects ${rule.format})`,
            );
          }
          const problem = check?.(payload);
          if (problem !== undefined) return new Rejection('schema_mismatch', problem);
          let timestamp = receiveTimeMs;
          if (getTime !== undefined && time !== undefined) {
            const raw = getTime(payload);
            if (raw === undefined) {
              return new Rejection(
                'missing_field',
                `timestamp field "${time.path}" is missing — the publisher must send it (${label})`,
              );
            }
            const read = readFieldTime(raw, time.unit);
            if (typeof read === 'string') {
              return new Rejection('bad_timestamp', `timestamp field "${time.path}" ${read}`);
            }
            timestamp = read;
          }
          const device =
            getDevice === undefined ? deviceId : readDeviceId(getDevice, deviceIdPath, payload);
          if (device instanceof Rejection) return device;
          const envelope: Envelope = {
            device_id: device ?? '',
            timestamp,
            payload_type: payloadType,
            payload,
          };
          const collected = collect(envelope.payload);
          if (collected instanceof Rejection) return collected;
          let k = 0;
          for (let i = 0; i < fields.length; i++) {
            const count = counts[i] as number;
            if (count < 0) {
              emit(bases[i] as string, timestamp, values[k++] as number);
              continue;
            }
            const names = itemNames[i] as string[];
            for (let j = 0; j < count; j++) {
              if (j >= names.length) names.push(`${bases[i]}[${j}]`);
              emit(names[j] as string, timestamp, values[k++] as number);
            }
          }
          return collected;
        },
      };
    },
  };
}

type NumberItems = ArrayLike<unknown>;

/** Arrays, and typed arrays of numbers. */
function numberItems(value: unknown): NumberItems | undefined {
  if (Array.isArray(value)) return value as unknown[];
  if (
    ArrayBuffer.isView(value) &&
    !(value instanceof DataView) &&
    !(value instanceof BigInt64Array) &&
    !(value instanceof BigUint64Array)
  ) {
    return value as unknown as NumberItems;
  }
  return undefined;
}

function nonFinite(field: CompiledField, value: number, item?: number): Rejection {
  const which = item === undefined ? '' : ` item ${item}`;
  return new Rejection(
    'non_finite',
    `field "${field.path}"${which} is ${value}; values must be finite numbers — the publisher sent NaN or Infinity (or a number too large for a double)`,
  );
}

function wrongValue(field: CompiledField, value: unknown, label: string): Rejection {
  if (value === undefined) {
    return new Rejection(
      'missing_field',
      `field "${field.path}" is missing — the publisher must send it, or remove it from ${label}.fields`,
    );
  }
  const expected = field.list
    ? `an array of ${field.capacity} numbers (one per name in \`channels\`)`
    : 'a number or an array of numbers';
  return new Rejection(
    'wrong_type',
    `field "${field.path}" is ${describe(value)}; expected ${expected}`,
  );
}
