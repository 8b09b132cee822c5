export type CsvDataErrorReason =
  /** Not a usable table: no header, no `time` column, rows of the wrong width, repeated names. */
  | 'bad_csv'
  /** A cell that should be a number is not. */
  | 'bad_number'
  /** Times that do not strictly increase. */
  | 'not_increasing'
  /** Channels the model needs that the header lacks. */
  | 'missing_channel'
  /** Samples that start after or end before the times the model needs. */
  | 'not_covered';

/** One problem in a data file; `line` (1-based) when it is on one line. */
export interface CsvIssue {
  readonly line?: number;
  readonly message: string;
}

/**
 * A CSV data file that cannot feed a fit or a run. Lists every issue found (up to a limit), each
 * as `data.csv: line 7: <problem> — <fix>`.
 */
export class CsvDataError extends Error {
  override readonly name = 'CsvDataError';
  constructor(
    readonly reason: CsvDataErrorReason,
    readonly file: string,
    readonly issues: readonly CsvIssue[],
  ) {
    super(
      issues
        .map(
          (issue) =>
            `${file}: ${issue.line !== undefined ? `line ${issue.line}: ` : ''}${issue.message}`,
        )
        .join('\n'),
    );
  }
}
