/**
 * The relay ↔ broker mapping: how broker messages (MQTT topics, Kafka records) become samples.
 * Plain data only, so configs, envelopes and dead letters can be logged, published to a broker
 * topic or sent to the UI as they are. Bump MAPPING_CONFIG_VERSION on any incompatible change.
 *
 * ## Config
 *
 * A config lists sources (`mqtt`, `kafka`, … — the name the relay uses for each connection);
 * each source has rules, tried in order: the first rule whose topic filter matches a message's
 * topic maps it, and a message no rule matches is a dead letter (`unmatched_topic`).
 *
 * ```yaml
 * version: 1
 * sources:
 *   - name: mqtt
 *     rules:
 *       - topic: plant/+/sensors/#          # `+` captures {1}, `#` captures {#}
 *         format: json
 *         payloadType: plant.sensors.v1     # picks the schema below
 *         deviceId: "{1}"                   # or deviceIdPath: meta.device
 *         timestamp: { path: ts, unit: ms } # ms | s | iso | ns; omit to use the receive time
 *         fields:
 *           - { path: temp, channel: "{1}/{#}/temp" }         # a number, or numbers → temp[0]…
 *           - { path: /acc, channels: ["{1}/ax", "{1}/ay", "{1}/az"] }
 *       - topic: rig/+/strain
 *         format: f32le                     # or f64le
 *         payloadType: rig.strain.v1
 *         timestamp: u64ns                  # leading f64ms or u64ns; omit for receive time
 *         channel: "{1}/strain"             # with count: {1}/strain[0] … [63]
 *         count: 64                         # or channels: [a, b, …]
 *   - name: kafka
 *     rules:
 *       - { topic: "#", format: legacy, payloadType: twinbench.legacy.v1, channelFrom: key }
 * schemas:
 *   plant.sensors.v1: { type: object, required: [temp], properties: { temp: { type: number } } }
 * limits: { maxPayloadBytes: 1048576, maxArrayItems: 1024, topicCacheSize: 10000, deadLetterCapacity: 1000 }
 * ```
 *
 * ## Topic filters
 *
 * MQTT filters: levels split on `/`; `+` matches exactly one level, `#` (last level only) matches
 * the rest, including nothing. A Kafka topic name has no `/`, so it is one level: `telemetry`
 * matches that topic only, `+` or `#` any topic. Wildcards do not match topics that start with
 * `$` (MQTT 3.1.1 §4.7.2).
 *
 * ## Templates
 *
 * Channel names and device ids are templates over the topic, filled once per topic (then cached),
 * never per sample:
 * - `{1}`, `{2}`, … — the level matched by the 1st, 2nd, … `+` of the filter;
 * - `{#}` — the levels matched by `#`, joined with `/` (empty when `#` matched nothing);
 * - `{topic}` — the whole topic;
 * - `{suffix}` — the topic minus the filter's literal prefix (the levels before its first
 *   wildcard); for a filter without wildcards, the topic's last level. This is how the relay has
 *   always named channels: `twinbench/footbridge/sensors/#` on `…/sensors/disp.z.L50` → `disp.z.L50`;
 * - `{{` and `}}` — a literal brace.
 * With filter `plant/+/sensors/#`, the topic `plant/p1/sensors/boiler/in` and the template
 * `{1}/{#}` give the channel `p1/boiler/in`.
 *
 * ## Messages
 *
 * A message maps all or nothing. In order: size (`limits.maxPayloadBytes`), topic → rule (cached
 * per topic), decode, the payload type's schema (json, cbor, msgpack, legacy), timestamp and
 * device id, every mapped value (present, numeric, finite, of the declared length); only then
 * are its samples emitted. The first failure makes it a dead letter with that reason.
 *
 * ## Field paths (json, cbor, msgpack)
 *
 * A dot path (`meta.device`, `acc.0` — a number indexes an array) or a JSON pointer (`/meta/device`,
 * `/a~1b` for the key `a/b`). Only a value's own keys are read, so `__proto__` or `constructor` in
 * a path reads the payload's data, never the object prototype.
 */
export const MAPPING_CONFIG_VERSION = 1;

/** Payload formats a rule can declare. */
export const PAYLOAD_FORMATS = ['json', 'cbor', 'msgpack', 'f32le', 'f64le', 'legacy'] as const;
export type PayloadFormat = (typeof PAYLOAD_FORMATS)[number];
/** Formats decoded to a tree of fields and mapped by `fields`. */
export type FieldFormat = 'json' | 'cbor' | 'msgpack';
/** Little-endian float arrays, one value per channel. */
export type BinaryFormat = 'f32le' | 'f64le';

/** Unit of a timestamp field: ms or s since the Unix epoch (numbers), ISO 8601 with a zone, or ns (a string of digits, or an integer). */
export const FIELD_TIMESTAMP_UNITS = ['ms', 's', 'iso', 'ns'] as const;
export type FieldTimestampUnit = (typeof FIELD_TIMESTAMP_UNITS)[number];
/** A leading binary timestamp: float64 ms or uint64 ns since the Unix epoch, little-endian. */
export const BINARY_TIMESTAMPS = ['f64ms', 'u64ns'] as const;
export type BinaryTimestamp = (typeof BINARY_TIMESTAMPS)[number];

/** Any JSON Schema (draft 2020-12); checked and compiled by Ajv when the config is compiled. */
export type JsonSchema = boolean | Readonly<Record<string, unknown>>;

interface RuleBase {
  /** MQTT-style topic filter; see "Topic filters" above. */
  readonly topic: string;
  /** Names the kind of payload in the envelope and picks its schema in `schemas`. */
  readonly payloadType: string;
  /** Device id template (see "Templates"); default `{topic}`. Not with `deviceIdPath`. */
  readonly deviceId?: string;
  /** Field holding the device id (a string or an integer); not with `deviceId`. */
  readonly deviceIdPath?: string;
}

/** One value (or array of values) of a decoded payload → channels. */
export type FieldMapping =
  /** A number → `channel`; an array of numbers → `channel[0]`, `channel[1]`, … */
  | { readonly path: string; readonly channel: string }
  /** An array of exactly `channels.length` numbers → those channels, in order. */
  | { readonly path: string; readonly channels: readonly string[] };

export interface FieldRule extends RuleBase {
  readonly format: FieldFormat;
  readonly fields: readonly FieldMapping[];
  /** Device time; when left out, the relay's receive time is used. */
  readonly timestamp?: { readonly path: string; readonly unit: FieldTimestampUnit };
}

interface BinaryRuleBase extends RuleBase {
  readonly format: BinaryFormat;
  /** A leading timestamp before the values; when left out, the receive time is used. */
  readonly timestamp?: BinaryTimestamp;
}
export type BinaryRule = BinaryRuleBase &
  (
    | { readonly channels: readonly string[] }
    /** `count` values → `channel[0]` … `channel[count-1]`. */
    | { readonly channel: string; readonly count: number }
  );

/** Today's `{"t": <ms>, "v": <number>}`, one channel per topic (or per Kafka record key). */
export interface LegacyRule extends RuleBase {
  readonly format: 'legacy';
  /** Channel template when `channelFrom` is `topic`; default `{suffix}`. */
  readonly channel?: string;
  /**
   * `topic` (default): the channel comes from the topic. `key`: the Kafka record key, else the
   * payload's `"channel"` field — how the relay has always read Kafka.
   */
  readonly channelFrom?: 'topic' | 'key';
}

export type MappingRule = FieldRule | BinaryRule | LegacyRule;

export interface SourceMappingConfig {
  /** The relay's name for the connection, e.g. `mqtt` or `kafka`. */
  readonly name: string;
  readonly rules: readonly MappingRule[];
}

export interface MappingLimits {
  /** Larger payloads are dead letters (`oversized`). Default 1 MiB. */
  readonly maxPayloadBytes?: number;
  /** Most items an array field mapped with `channel` may have. Default 1024. */
  readonly maxArrayItems?: number;
  /** Topics whose rule and channel names are kept resolved, per source. Default 10 000. */
  readonly topicCacheSize?: number;
  /** Dead letters kept for the UI. Default 1000. */
  readonly deadLetterCapacity?: number;
}

export interface MappingConfig {
  readonly version: typeof MAPPING_CONFIG_VERSION;
  readonly sources: readonly SourceMappingConfig[];
  /** JSON Schema per payloadType, applied to the decoded payload of json, cbor, msgpack and legacy rules. */
  readonly schemas?: Readonly<Record<string, JsonSchema>>;
  readonly limits?: MappingLimits;
}

export const MAPPING_DEFAULT_LIMITS: Required<MappingLimits> = {
  maxPayloadBytes: 1 << 20,
  maxArrayItems: 1024,
  topicCacheSize: 10_000,
  deadLetterCapacity: 1000,
};

/**
 * What every message becomes before it is checked against its payload type's schema and turned
 * into samples. `payload` is the decoded tree (json, cbor, msgpack, legacy) or the values as a
 * Float32Array / Float64Array (f32le, f64le).
 */
export interface Envelope {
  readonly device_id: string;
  /** Device time, ms since the Unix epoch (the receive time when the message has none). */
  readonly timestamp: number;
  readonly payload_type: string;
  readonly payload: unknown;
}

/** One sample as the relay hub takes it. */
export interface MappedSample {
  readonly channel: string;
  readonly deviceTime: number;
  readonly value: number;
}

/** Machine codes for why a message was dead-lettered. */
export const DEAD_LETTER_REASONS = [
  /** No rule of the source matches the topic. */
  'unmatched_topic',
  /** Larger than `limits.maxPayloadBytes`. */
  'oversized',
  /** Not valid JSON / CBOR / MessagePack. */
  'undecodable',
  /** The decoded payload fails its payload type's JSON Schema. */
  'schema_mismatch',
  /** A mapped field, the timestamp field or the device id field is absent. */
  'missing_field',
  /** A field has the wrong type (a string where a number is mapped, …). */
  'wrong_type',
  /** NaN or ±Infinity where a value or time is expected. */
  'non_finite',
  /** A binary payload or an array field does not have the length the rule declares. */
  'wrong_length',
  /** A timestamp that cannot be read as a time after the Unix epoch. */
  'bad_timestamp',
  /** A channel name or device id came out empty for this topic or record. */
  'empty_name',
] as const;
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

/** One message the relay could not map, kept for the UI and optionally republished. */
export interface DeadLetterEntry {
  /** Increases by one per dead letter of a ring; page with it. */
  readonly seq: number;
  /** Relay receive time, ms since the Unix epoch. */
  readonly at: number;
  readonly source: string;
  readonly topic: string;
  /** Config path of the rule that took the message, e.g. `sources[0].rules[2]`; '' when none did. */
  readonly rule: string;
  readonly reason: DeadLetterReason;
  /** What was wrong and what to change. */
  readonly message: string;
  /** The first 256 bytes of the payload, as text when they are printable UTF-8, else as hex. */
  readonly excerpt: string;
  readonly excerptKind: 'text' | 'hex';
  /** Payload size in bytes. */
  readonly size: number;
}

export type MapResult =
  | { readonly ok: true; readonly samples: number }
  | { readonly ok: false; readonly deadLetter: DeadLetterEntry };

/** Receives the samples of one mapped message, in rule order. */
export type SampleEmitter = (channel: string, deviceTime: number, value: number) => void;

/** Counters of one source since the mapper was compiled; `received = mapped + deadLetters`. */
export interface SourceMappingStats {
  readonly source: string;
  /** Messages handed to the mapper. */
  readonly received: number;
  /** Messages turned into samples. */
  readonly mapped: number;
  /** Samples emitted. */
  readonly samples: number;
  readonly deadLetters: number;
  readonly deadLettersByReason: Readonly<Record<DeadLetterReason, number>>;
  /** Times the `onDeadLetter` hook threw (the error is swallowed so mapping goes on). */
  readonly hookFailures: number;
}
