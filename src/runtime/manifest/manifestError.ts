/** What stopped a manifest from loading; every issue of one error comes from the same stage. */
export type ManifestErrorReason =
  /** The text is not valid YAML. */
  | 'yaml_syntax'
  /** The YAML does not match the published JSON Schema (wrong keys, types, ranges). */
  | 'schema'
  /** Well-formed, but names do not resolve, ranges do not fit, or a referenced file is unusable. */
  | 'semantic';

/** Machine-readable kind of one issue. */
export type ManifestIssueCode =
  | 'yaml_syntax'
  | 'unknown_key'
  | 'missing_key'
  | 'wrong_type'
  | 'not_allowed'
  | 'out_of_range'
  | 'bad_name'
  | 'bad_path'
  | 'wrong_size'
  | 'duplicate_name'
  | 'unresolved_reference'
  | 'wrong_role'
  | 'out_of_bounds'
  | 'bad_bounds'
  | 'overlap'
  | 'length_mismatch'
  | 'shape_mismatch'
  | 'phase'
  | 'empty_window'
  | 'never_written'
  | 'conflict'
  | 'unreadable_file'
  | 'bad_data_file'
  /** A test case's expression does not parse, or names what it cannot read. */
  | 'bad_expression'
  /** A test case compares at a step it does not sample. */
  | 'not_sampled';

/** One problem in a manifest: where it is (YAML path, 1-based line and column) and what to do. */
export interface ManifestIssue {
  readonly code: ManifestIssueCode;
  /** YAML path such as `parameters[2].lower`; empty for the document itself. */
  readonly path: string;
  readonly line: number;
  readonly column: number;
  /** The problem and its fix, e.g. `lower bound 2 is not below upper bound 1 — swap them…`. */
  readonly message: string;
}

/**
 * The one error `parseManifest` throws. It lists every issue found in the failing stage, each
 * formatted as `parameters[2].lower (line 31, col 12): <problem> — <fix>`. `issues` is plain
 * data, so a worker can post it to the page.
 */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
  constructor(
    readonly reason: ManifestErrorReason,
    readonly file: string,
    readonly issues: readonly ManifestIssue[],
  ) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super(`${file}: ${count}:\n${issues.map((issue) => `  ${formatIssue(issue)}`).join('\n')}`);
  }
}

export function formatIssue(issue: ManifestIssue): string {
  const where = issue.path === '' ? 'manifest' : issue.path;
  return `${where} (line ${issue.line}, col ${issue.column}): ${issue.message}`;
}

/** A step into YAML data: a map key or a sequence index. */
export type PathSegment = string | number;

/** `['parameters', 2, 'lower']` → `parameters[2].lower`; odd keys are quoted (`weights["a b"]`). */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** An issue before it is placed in the text: the path as segments, and whether to point at the key. */
export interface UnplacedIssue {
  readonly code: ManifestIssueCode;
  readonly path: readonly PathSegment[];
  readonly message: string;
  /** Point at the map key rather than its value (unknown keys, bad names). */
  readonly at?: 'key' | 'value';
  /** Characters into a one-line text value to point at (a place in a test expression). */
  readonly within?: number;
}
