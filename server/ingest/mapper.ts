import { compileBinaryRule } from './binaryRule.ts';
import { BoundedCache } from './boundedCache.ts';
import { checkMappingConfig, type CheckedConfig } from './checkConfig.ts';
import { SourceMappingCounters } from './counters.ts';
import { createDeadLetterRing, type DeadLetterRing } from './deadLetterRing.ts';
import { payloadExcerpt } from './excerpt.ts';
import { compileFieldRule } from './fieldRule.ts';
import { compileLegacyRule } from './legacyRule.ts';
import { MappingConfigError } from './mappingConfigError.ts';
import type { ParsedRule } from './parseRule.ts';
import type {
  DeadLetterEntry,
  MappingLimits,
  MapResult,
  SampleEmitter,
  SourceMappingStats,
} from './protocol.ts';
import { Rejection, type MessageKey, type RuleProgram, type TopicBinding } from './ruleProgram.ts';

export interface MapperOptions {
  /** Where dead letters are kept; default: a new ring of `limits.deadLetterCapacity`. */
  readonly deadLetters?: DeadLetterRing;
  /**
   * Called with each dead letter once it is stored, e.g. to publish it to a broker topic. A
   * throw is swallowed and counted (`hookFailures`): a failing hook must not stop mapping.
   */
  readonly onDeadLetter?: (entry: DeadLetterEntry) => void;
}

/** The mapping of one source (one broker connection). */
export interface SourceMapper {
  readonly name: string;
  readonly counters: SourceMappingCounters;
  /**
   * Maps one message: emits its samples and returns how many, or stores it as a dead letter
   * and returns that. Never throws for anything in the message. Not re-entrant: `emit` must not
   * call `map` of the same source.
   *
   * @param key the Kafka record key, for `legacy` rules with `channelFrom: key`
   */
  map(
    topic: string,
    payload: Uint8Array,
    receiveTimeMs: number,
    emit: SampleEmitter,
    key?: MessageKey,
  ): MapResult;
}

export interface Mapper {
  readonly limits: Required<MappingLimits>;
  readonly sourceNames: readonly string[];
  readonly deadLetters: DeadLetterRing;
  /** The mapping of a configured source; throws a MappingConfigError for any other name. */
  source(name: string): SourceMapper;
  /** `source(name).map(…)`, for callers that do not keep the SourceMapper. */
  map(
    source: string,
    topic: string,
    payload: Uint8Array,
    receiveTimeMs: number,
    emit: SampleEmitter,
    key?: MessageKey,
  ): MapResult;
  stats(): SourceMappingStats[];
}

/**
 * Checks a mapping config (throwing a MappingConfigError that lists every problem) and compiles
 * it: topic filters, templates, field accessors and payload schemas, once.
 *
 * @example
 * const mapper = compileMapping(parseMappingYaml(text), { onDeadLetter: publish });
 * const mqtt = mapper.source('mqtt');
 * client.on('message', (topic, payload) =>
 *   mqtt.map(topic, payload, Date.now(), (channel, t, v) => sink.ingest(channel, t, v, `mqtt:${topic}`)));
 */
export function compileMapping(config: unknown, options: MapperOptions = {}): Mapper {
  const checked = checkMappingConfig(config);
  const { limits } = checked;
  const deadLetters = options.deadLetters ?? createDeadLetterRing(limits.deadLetterCapacity);
  const sources = new Map<string, SourceMapper>();
  for (const source of checked.sources) {
    const programs = source.rules.map((rule) => compileRule(rule, checked));
    sources.set(
      source.name,
      createSourceMapper(source.name, programs, limits, deadLetters, options.onDeadLetter),
    );
  }
  const sourceNames = [...sources.keys()];
  const source = (name: string): SourceMapper => {
    const found = sources.get(name);
    if (found !== undefined) return found;
    throw new MappingConfigError('unknown_source', [
      {
        code: 'unknown_source',
        path: 'sources',
        message: `no source named "${name}" — add \`- name: ${name}\` with its rules to \`sources\`, or use one of: ${sourceNames.join(', ')}`,
      },
    ]);
  };
  return {
    limits,
    sourceNames,
    deadLetters,
    source,
    map: (name, topic, payload, receiveTimeMs, emit, key) =>
      source(name).map(topic, payload, receiveTimeMs, emit, key),
    stats: () => [...sources.values()].map((mapper) => mapper.counters.snapshot()),
  };
}

function compileRule(rule: ParsedRule, checked: CheckedConfig): RuleProgram {
  const check = checked.payloadChecks.get(rule.payloadType);
  switch (rule.kind) {
    case 'fields':
      return compileFieldRule(rule, check, checked.limits.maxArrayItems);
    case 'binary':
      return compileBinaryRule(rule);
    case 'legacy':
      return compileLegacyRule(rule, check);
  }
}

/** A topic no rule takes, or one whose names came out empty: every message on it is refused. */
class Unbound {
  constructor(
    readonly rule: string,
    readonly rejection: Rejection,
  ) {}
}

const okResults: MapResult[] = [];
/** Shared, frozen results for small counts: a mapped message allocates no result object. */
function ok(samples: number): MapResult {
  if (samples >= 4096) return { ok: true, samples };
  return (okResults[samples] ??= Object.freeze({ ok: true, samples }));
}

function createSourceMapper(
  name: string,
  programs: readonly RuleProgram[],
  limits: Required<MappingLimits>,
  deadLetters: DeadLetterRing,
  onDeadLetter: ((entry: DeadLetterEntry) => void) | undefined,
): SourceMapper {
  const counters = new SourceMappingCounters(name);
  const topics = new BoundedCache<string, TopicBinding | Unbound>(limits.topicCacheSize);
  const { maxPayloadBytes } = limits;
  let mapping = false;

  const resolve = (topic: string): TopicBinding | Unbound => {
    for (const program of programs) {
      const captures = program.filter.match(topic);
      if (captures === undefined) continue;
      const bound = program.bind(captures);
      return bound instanceof Rejection ? new Unbound(program.label, bound) : bound;
    }
    return new Unbound(
      '',
      new Rejection(
        'unmatched_topic',
        `no rule of source "${name}" matches topic "${topic}" — add a rule whose topic filter matches it, or stop publishing there`,
      ),
    );
  };

  const reject = (
    topic: string,
    payload: Uint8Array,
    at: number,
    rule: string,
    { reason, message }: Rejection,
  ): MapResult => {
    counters.deadLetters++;
    counters.deadLettersByReason[reason]++;
    const entry = deadLetters.push({
      at,
      source: name,
      topic,
      rule,
      reason,
      message,
      ...payloadExcerpt(payload),
      size: payload.length,
    });
    if (onDeadLetter !== undefined) {
      try {
        onDeadLetter(entry);
      } catch {
        counters.hookFailures++;
      }
    }
    return { ok: false, deadLetter: entry };
  };

  return {
    name,
    counters,
    map(topic, payload, receiveTimeMs, emit, key) {
      counters.received++;
      if (payload.length > maxPayloadBytes) {
        const message = `payload is ${payload.length} bytes; the limit is ${maxPayloadBytes} (limits.maxPayloadBytes) — send smaller messages or raise the limit`;
        return reject(topic, payload, receiveTimeMs, '', new Rejection('oversized', message));
      }
      let binding = topics.get(topic);
      if (binding === undefined) {
        binding = resolve(topic);
        topics.set(topic, binding);
      }
      if (binding instanceof Unbound) {
        return reject(topic, payload, receiveTimeMs, binding.rule, binding.rejection);
      }
      // Rules collect values in scratch buffers they share across messages.
      if (mapping) {
        throw new Error(
          `SourceMapper "${name}": map() was called from inside its own emit callback — queue the message and map it after emit returns`,
        );
      }
      mapping = true;
      let result: number | Rejection;
      try {
        result = binding.map(payload, receiveTimeMs, key, emit);
      } finally {
        mapping = false;
      }
      if (typeof result === 'number') {
        counters.mapped++;
        counters.samples += result;
        return ok(result);
      }
      return reject(topic, payload, receiveTimeMs, binding.label, result);
    },
  };
}
