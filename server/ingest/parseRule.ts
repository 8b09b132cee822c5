import { parseFieldPath } from './fieldPath.ts';
import { formatPath, type PathSegment, type UnplacedMappingIssue } from './mappingConfigError.ts';
import type {
  BinaryFormat,
  BinaryTimestamp,
  FieldFormat,
  FieldTimestampUnit,
  MappingRule,
} from './protocol.ts';
import { parseTemplate, uncapturedProblem, type Template } from './template.ts';
import { compileTopicFilter, filterProblem, type TopicFilter } from './topicFilter.ts';

/**
 * One schema-valid rule checked for meaning and parsed into the pieces the mapper compiles:
 * filter, templates and field paths. Every problem becomes an issue at its config path.
 */

interface ParsedBase {
  /** Config path, e.g. `sources[0].rules[2]`; dead letters name the rule with it. */
  readonly label: string;
  readonly filter: TopicFilter;
  readonly payloadType: string;
  /** Device id template; undefined when the id comes from `deviceIdPath`. */
  readonly deviceId: Template | undefined;
  /** The field holding the device id, when it comes from the payload. */
  readonly deviceIdPath:
    { readonly path: string; readonly segments: readonly string[] } | undefined;
}

export interface ParsedField {
  /** The path as written, for messages. */
  readonly path: string;
  readonly segments: readonly string[];
  /** `channels` (a fixed-length array) rather than `channel` (a number or any array). */
  readonly list: boolean;
  readonly templates: readonly Template[];
}

export interface ParsedFieldRule extends ParsedBase {
  readonly kind: 'fields';
  readonly format: FieldFormat;
  readonly fields: readonly ParsedField[];
  readonly timestamp:
    | {
        readonly path: string;
        readonly segments: readonly string[];
        readonly unit: FieldTimestampUnit;
      }
    | undefined;
}

export interface ParsedBinaryRule extends ParsedBase {
  readonly kind: 'binary';
  readonly format: BinaryFormat;
  readonly timestamp: BinaryTimestamp | undefined;
  /** One template per value, or one base template for `count` values named `base[i]`. */
  readonly names:
    { readonly list: readonly Template[] } | { readonly base: Template; readonly count: number };
  readonly count: number;
}

export interface ParsedLegacyRule extends ParsedBase {
  readonly kind: 'legacy';
  readonly channel: Template;
  readonly channelFrom: 'topic' | 'key';
}

export type ParsedRule = ParsedFieldRule | ParsedBinaryRule | ParsedLegacyRule;

export const DEFAULT_DEVICE_ID = '{topic}';
export const DEFAULT_LEGACY_CHANNEL = '{suffix}';

/** Bytes per value and per leading timestamp of the binary formats. */
export const BINARY_VALUE_BYTES: Readonly<Record<BinaryFormat, 4 | 8>> = { f32le: 4, f64le: 8 };
export const BINARY_TIMESTAMP_BYTES = 8;

export function parseRule(
  rule: MappingRule,
  at: readonly PathSegment[],
  issues: UnplacedMappingIssue[],
): ParsedRule | undefined {
  const before = issues.length;
  const problem = filterProblem(rule.topic);
  if (problem !== undefined) {
    issues.push({ code: 'bad_filter', path: [...at, 'topic'], message: problem });
    return undefined; // templates cannot be checked against a broken filter
  }
  const filter = compileTopicFilter(rule.topic);
  const template = (source: string, where: readonly PathSegment[]): Template | undefined => {
    const parsed = parseTemplate(source);
    if (!parsed.ok) {
      issues.push({ code: 'bad_template', path: [...where], message: parsed.message });
      return undefined;
    }
    const uncaptured = uncapturedProblem(
      parsed.template,
      rule.topic,
      filter.plusCount,
      filter.hasHash,
    );
    if (uncaptured !== undefined) {
      issues.push({ code: 'uncaptured_variable', path: [...where], message: uncaptured });
      return undefined;
    }
    return parsed.template;
  };
  const fieldPath = (path: string, where: readonly PathSegment[]) => {
    const parsed = parseFieldPath(path);
    if (!parsed.ok) issues.push({ code: 'bad_path', path: [...where], message: parsed.message });
    return parsed.ok ? parsed.segments : undefined;
  };

  if (rule.deviceId !== undefined && rule.deviceIdPath !== undefined) {
    issues.push({
      code: 'conflict',
      path: [...at, 'deviceIdPath'],
      message:
        'give either `deviceId` (a template over the topic) or `deviceIdPath` (a field), not both',
    });
  }
  if (rule.deviceIdPath !== undefined && (rule.format === 'f32le' || rule.format === 'f64le')) {
    issues.push({
      code: 'conflict',
      path: [...at, 'deviceIdPath'],
      message: `${rule.format} payloads have no fields — take the device id from the topic with \`deviceId\`, e.g. "{1}"`,
    });
  }
  const deviceId =
    rule.deviceIdPath === undefined
      ? template(rule.deviceId ?? DEFAULT_DEVICE_ID, [...at, 'deviceId'])
      : undefined;
  const deviceIdSegments =
    rule.deviceIdPath === undefined
      ? undefined
      : fieldPath(rule.deviceIdPath, [...at, 'deviceIdPath']);
  const deviceIdPath =
    rule.deviceIdPath === undefined || deviceIdSegments === undefined
      ? undefined
      : { path: rule.deviceIdPath, segments: deviceIdSegments };
  const base = {
    label: formatPath(at),
    filter,
    payloadType: rule.payloadType,
    deviceId,
    deviceIdPath,
  };

  let parsed: ParsedRule | undefined;
  switch (rule.format) {
    case 'json':
    case 'cbor':
    case 'msgpack': {
      const fields = rule.fields.map((given, i): ParsedField | undefined => {
        const field = loose(given);
        const where = [...at, 'fields', i];
        const segments = fieldPath(given.path, [...where, 'path']);
        if ((field.channel === undefined) === (field.channels === undefined)) {
          const both = field.channel !== undefined;
          issues.push({
            code: both ? 'conflict' : 'missing_key',
            path: where,
            message: both
              ? 'give either `channel` (a number, or an array → name[0], name[1]…) or `channels` (one name per array item), not both'
              : 'missing `channel` or `channels` — name the channel(s) this field feeds',
          });
          return undefined;
        }
        const list = field.channels !== undefined;
        const templates =
          field.channels === undefined
            ? [template(field.channel ?? '', [...where, 'channel'])]
            : field.channels.map((source, j) => template(source, [...where, 'channels', j]));
        if (segments === undefined || !isAll(templates)) return undefined;
        return { path: given.path, segments, list, templates };
      });
      let timestamp: ParsedFieldRule['timestamp'];
      if (rule.timestamp !== undefined) {
        const { path, unit } = rule.timestamp;
        const segments = fieldPath(path, [...at, 'timestamp', 'path']);
        if (segments !== undefined) timestamp = { path, segments, unit };
      }
      checkDuplicates(
        rule.fields.flatMap((given, i): NameUse[] => {
          const { channel, channels = [] } = loose(given);
          const where = [...at, 'fields', i];
          if (channel !== undefined)
            return [{ name: channel, where: [...where, 'channel'], indexed: true }];
          return channels.map((name, j) => ({
            name,
            where: [...where, 'channels', j],
            indexed: false,
          }));
        }),
        issues,
      );
      if (isAll(fields)) {
        parsed = { ...base, kind: 'fields', format: rule.format, fields, timestamp };
      }
      break;
    }
    case 'f32le':
    case 'f64le': {
      const { channels, channel, count } = loose(rule);
      const hasList = channels !== undefined;
      if (hasList === (channel !== undefined || count !== undefined)) {
        issues.push({
          code: hasList ? 'conflict' : 'missing_key',
          path: at,
          message: hasList
            ? 'give either `channels` (one name per value) or `channel` with `count` (name[0] … name[count-1]), not both'
            : 'missing `channels` — list one channel name per value, or give `channel` and `count`',
        });
        break;
      }
      let names: ParsedBinaryRule['names'] | undefined;
      if (channels !== undefined) {
        const list = channels.map((source, j) => template(source, [...at, 'channels', j]));
        checkDuplicates(
          channels.map((name, j) => ({ name, where: [...at, 'channels', j], indexed: false })),
          issues,
        );
        if (isAll(list)) names = { list };
      } else if (channel === undefined || count === undefined) {
        issues.push({
          code: 'missing_key',
          path: at,
          message: `missing \`${channel === undefined ? 'channel' : 'count'}\` — \`channel\` and \`count\` go together: ${rule.format} values are named channel[0] … channel[count-1]`,
        });
      } else {
        const baseTemplate = template(channel, [...at, 'channel']);
        if (baseTemplate !== undefined) names = { base: baseTemplate, count };
      }
      if (names !== undefined) {
        parsed = {
          ...base,
          kind: 'binary',
          format: rule.format,
          timestamp: rule.timestamp,
          names,
          count: 'list' in names ? names.list.length : names.count,
        };
      }
      break;
    }
    case 'legacy': {
      const channelFrom = rule.channelFrom ?? 'topic';
      if (channelFrom === 'key' && rule.channel !== undefined) {
        issues.push({
          code: 'conflict',
          path: [...at, 'channel'],
          message:
            'with `channelFrom: key` the channel is the record key (or the payload\'s "channel") — remove `channel`, or use `channelFrom: topic`',
        });
      }
      const channel = template(rule.channel ?? DEFAULT_LEGACY_CHANNEL, [...at, 'channel']);
      if (channel !== undefined) parsed = { ...base, kind: 'legacy', channel, channelFrom };
      break;
    }
  }
  // Every broken piece above left an issue; a rule with any is not compiled.
  return issues.length > before ? undefined : parsed;
}

/**
 * The naming keys of a field or binary rule, each possibly absent: the types say "one form or
 * the other", but schema-valid data may have both or neither, which is what is checked here.
 */
function loose(item: object): {
  readonly channel?: string;
  readonly channels?: readonly string[];
  readonly count?: number;
} {
  return item;
}

function isAll<T>(items: readonly (T | undefined)[]): items is readonly T[] {
  return items.every((item) => item !== undefined);
}

/**
 * Names that come out the same for every topic: identical templates, or a `channel` whose
 * array items (`name[0]`, …) collide with a listed name.
 */
interface NameUse {
  readonly name: string;
  readonly where: PathSegment[];
  /** A `channel` that names array items `name[0]`, `name[1]`, … */
  readonly indexed: boolean;
}

function checkDuplicates(names: readonly NameUse[], issues: UnplacedMappingIssue[]): void {
  const first = new Map<string, PathSegment[]>();
  const indexedBases = new Map<string, PathSegment[]>();
  for (const { name, where, indexed } of names) {
    if (indexed) indexedBases.set(name, where);
  }
  for (const { name, where } of names) {
    const earlier = first.get(name);
    if (earlier !== undefined) {
      issues.push({
        code: 'duplicate_channel',
        path: where,
        message: `channel "${name}" is already fed by ${formatPath(earlier)} — give each value its own channel name`,
      });
      continue;
    }
    first.set(name, where);
    const base = /^(.*)\[\d+\]$/.exec(name)?.[1];
    const owner = base === undefined ? undefined : indexedBases.get(base);
    if (owner !== undefined && owner !== where) {
      issues.push({
        code: 'duplicate_channel',
        path: where,
        message: `channel "${name}" is also what ${formatPath(owner)} names an array item — rename one of them`,
      });
    }
  }
}
