/** What stopped a mapping config from loading; every issue of one error comes from one stage. */
export type MappingConfigErrorReason =
  /** The text is not valid YAML. */
  | 'yaml_syntax'
  /** The data does not match the config's JSON Schema (unknown keys, wrong types, ranges). */
  | 'schema'
  /** Well-formed, but filters, templates, paths, names or payload schemas do not work together. */
  | 'semantic'
  /** The relay asked for a source the config does not define. */
  | 'unknown_source';

/** Machine-readable kind of one issue. */
export type MappingIssueCode =
  | 'yaml_syntax'
  | 'unknown_key'
  | 'missing_key'
  | 'wrong_type'
  | 'not_allowed'
  | 'out_of_range'
  | 'wrong_size'
  | 'bad_filter'
  | 'bad_template'
  | 'uncaptured_variable'
  | 'bad_path'
  | 'duplicate_channel'
  | 'duplicate_source'
  | 'unreachable_rule'
  | 'conflict'
  | 'bad_schema'
  | 'unused_schema'
  | 'never_fits'
  | 'unknown_source';

export type PathSegment = string | number;

/** One problem: where (`sources[0].rules[2].channels[1]`, plus line and column from YAML) and what to do. */
export interface MappingIssue {
  readonly code: MappingIssueCode;
  /** Config path, empty for the whole document. */
  readonly path: string;
  readonly message: string;
  /** 1-based, when the config came from YAML text. */
  readonly line?: number;
  readonly column?: number;
}

/** An issue before it is placed in a text: its path as segments. */
export interface UnplacedMappingIssue {
  readonly code: MappingIssueCode;
  readonly path: readonly PathSegment[];
  readonly message: string;
}

/**
 * The one error config loading throws. Its message lists every issue as
 * `sources[0].rules[2].channels[1] (line 14, col 11): <problem> — <fix>`; `issues` is plain data.
 */
export class MappingConfigError extends Error {
  override readonly name = 'MappingConfigError';
  constructor(
    readonly reason: MappingConfigErrorReason,
    readonly issues: readonly MappingIssue[],
  ) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super(
      `mapping config: ${count}:\n${issues.map((issue) => `  ${formatIssue(issue)}`).join('\n')}`,
    );
  }
}

export function formatIssue(issue: MappingIssue): string {
  const where = issue.path === '' ? '(config)' : issue.path;
  const at =
    issue.line === undefined
      ? ''
      : issue.column === undefined
        ? ` (line ${issue.line})`
        : ` (line ${issue.line}, col ${issue.column})`;
  return `${where}${at}: ${issue.message}`;
}

/** `['sources', 0, 'rules', 2]` → `sources[0].rules[2]`; keys that are not identifiers are quoted. */
export function formatPath(path: readonly PathSegment[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

export function placeIssue(issue: UnplacedMappingIssue): MappingIssue {
  return { code: issue.code, path: formatPath(issue.path), message: issue.message };
}
