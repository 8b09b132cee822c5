import { closest } from '../../src/runtime/manifest/didYouMean.ts';
import { checkConfigSchema } from './configSchemaCheck.ts';
import { MappingConfigError, placeIssue, type UnplacedMappingIssue } from './mappingConfigError.ts';
import { compilePayloadSchemas, type PayloadCheck } from './payloadSchemas.ts';
import {
  BINARY_TIMESTAMP_BYTES,
  BINARY_VALUE_BYTES,
  parseRule,
  type ParsedRule,
} from './parseRule.ts';
import {
  MAPPING_DEFAULT_LIMITS,
  type MappingConfig,
  type MappingLimits,
  type MappingRule,
} from './protocol.ts';
import { filterCovers, filterProblem } from './topicFilter.ts';

export interface CheckedSource {
  readonly name: string;
  readonly rules: readonly ParsedRule[];
}

/** A config that passed every check, with its pieces parsed and its payload schemas compiled. */
export interface CheckedConfig {
  readonly config: MappingConfig;
  readonly sources: readonly CheckedSource[];
  readonly limits: Required<MappingLimits>;
  readonly payloadChecks: ReadonlyMap<string, PayloadCheck>;
}

export type ConfigCheck =
  | { readonly ok: true; readonly checked: CheckedConfig }
  | {
      readonly ok: false;
      readonly reason: 'schema' | 'semantic';
      readonly issues: readonly UnplacedMappingIssue[];
    };

/**
 * Checks config data in two stages: its shape against the config schema, then its meaning
 * (filters, templates, paths, duplicate names, rule order, payload types and their schemas).
 * Reports every issue of the first stage that has any.
 */
export function checkMappingData(data: unknown): ConfigCheck {
  const schemaIssues = checkConfigSchema(data);
  if (schemaIssues.length > 0) return { ok: false, reason: 'schema', issues: schemaIssues };
  const config = data as MappingConfig;
  const limits = { ...MAPPING_DEFAULT_LIMITS, ...config.limits };
  const issues: UnplacedMappingIssue[] = [];

  const sources: CheckedSource[] = [];
  const sourceNames = new Map<string, number>();
  for (const [s, source] of config.sources.entries()) {
    const earlier = sourceNames.get(source.name);
    if (earlier !== undefined) {
      issues.push({
        code: 'duplicate_source',
        path: ['sources', s, 'name'],
        message: `source "${source.name}" is already defined at sources[${earlier}] — merge their rules into one source`,
      });
    }
    sourceNames.set(source.name, s);
    const rules: ParsedRule[] = [];
    for (const [r, rule] of source.rules.entries()) {
      const at = ['sources', s, 'rules', r];
      const parsed = parseRule(rule, at, issues);
      if (parsed !== undefined) rules.push(parsed);
      checkReachable(source.rules, r, at, issues);
      checkFits(rule, limits.maxPayloadBytes, at, issues);
    }
    sources.push({ name: source.name, rules });
  }
  const schemas = config.schemas ?? {};
  checkPayloadTypes(config, schemas, issues);
  const { checks, issues: schemaProblems } = compilePayloadSchemas(schemas);
  issues.push(...schemaProblems);

  if (issues.length > 0) return { ok: false, reason: 'semantic', issues };
  return { ok: true, checked: { config, sources, limits, payloadChecks: checks } };
}

/** checkMappingData that throws a MappingConfigError, for configs given as JS objects. */
export function checkMappingConfig(data: unknown): CheckedConfig {
  const result = checkMappingData(data);
  if (!result.ok) throw new MappingConfigError(result.reason, result.issues.map(placeIssue));
  return result.checked;
}

/**
 * Checks config data (parsed from JSON, or built in code) and returns it typed; throws a
 * MappingConfigError listing every problem with its path, e.g. `sources[0].rules[2].channels[1]`.
 */
export function validateMappingConfig(data: unknown): MappingConfig {
  return checkMappingConfig(data).config;
}

/** Rules are tried in order, so one whose topics an earlier rule all takes never applies. */
function checkReachable(
  rules: readonly MappingRule[],
  index: number,
  at: readonly (string | number)[],
  issues: UnplacedMappingIssue[],
): void {
  const later = rules[index]?.topic ?? '';
  if (filterProblem(later) !== undefined) return;
  for (let i = 0; i < index; i++) {
    const earlier = rules[i]?.topic ?? '';
    if (filterProblem(earlier) === undefined && filterCovers(earlier, later)) {
      issues.push({
        code: 'unreachable_rule',
        path: [...at, 'topic'],
        message: `every topic \`${later}\` matches is taken first by rules[${i}] (\`${earlier}\`) — move this rule above it, or narrow rules[${i}]`,
      });
      return;
    }
  }
}

function checkFits(
  rule: MappingRule,
  maxPayloadBytes: number,
  at: readonly (string | number)[],
  issues: UnplacedMappingIssue[],
): void {
  if (rule.format !== 'f32le' && rule.format !== 'f64le') return;
  const { channels, count: given } = rule as { channels?: readonly string[]; count?: number };
  const count = channels?.length ?? given ?? 0;
  const bytes =
    (rule.timestamp === undefined ? 0 : BINARY_TIMESTAMP_BYTES) +
    count * BINARY_VALUE_BYTES[rule.format];
  if (bytes > maxPayloadBytes) {
    issues.push({
      code: 'never_fits',
      path: [...at, channels === undefined ? 'count' : 'channels'],
      message: `its messages are ${bytes} bytes, above limits.maxPayloadBytes (${maxPayloadBytes}), so every one would be dropped — raise the limit or split the values over several topics`,
    });
  }
}

/**
 * A payload type names one kind of payload: decoded trees (json, cbor, msgpack, legacy), which
 * schemas check, or float arrays, which their rule checks by length.
 */
function checkPayloadTypes(
  config: MappingConfig,
  schemas: Readonly<Record<string, unknown>>,
  issues: UnplacedMappingIssue[],
): void {
  const kinds = new Map<string, { binary: boolean; format: string; path: string }>();
  for (const [s, source] of config.sources.entries()) {
    for (const [r, rule] of source.rules.entries()) {
      const binary = rule.format === 'f32le' || rule.format === 'f64le';
      const known = kinds.get(rule.payloadType);
      if (known === undefined) {
        kinds.set(rule.payloadType, {
          binary,
          format: rule.format,
          path: `sources[${s}].rules[${r}]`,
        });
      } else if (known.binary !== binary) {
        issues.push({
          code: 'conflict',
          path: ['sources', s, 'rules', r, 'payloadType'],
          message: `payloadType "${rule.payloadType}" is ${known.format} at ${known.path} but ${rule.format} here — give each kind of payload its own payloadType`,
        });
      }
    }
  }
  for (const payloadType of Object.keys(schemas)) {
    const kind = kinds.get(payloadType);
    if (kind === undefined) {
      const near = closest(payloadType, kinds.keys());
      issues.push({
        code: 'unused_schema',
        path: ['schemas', payloadType],
        message: `no rule has payloadType "${payloadType}"${near === undefined ? '' : ` (did you mean "${near}"?)`} — remove the schema or fix the name`,
      });
    } else if (kind.binary) {
      issues.push({
        code: 'conflict',
        path: ['schemas', payloadType],
        message: `payloadType "${payloadType}" is ${kind.format}: its values are checked by length and for NaN/Infinity, not by a JSON Schema — remove this schema`,
      });
    }
  }
}
