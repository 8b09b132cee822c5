import { RegistryDbError } from './errors.ts';
import { dateColumn, floatColumn, nullableTextColumn, textColumn } from './rows.ts';
import { parseSemver } from './semver.ts';
import type { SqlRow, SqlSession } from './sqlSession.ts';
import { resolveVersion } from './versions.ts';

export type TestStatus = 'passed' | 'failed' | 'skipped';

export interface TestResultInput {
  /** The group the test belongs to (a test file, a check such as `gradcheck`). */
  readonly suite: string;
  readonly name: string;
  readonly status: TestStatus;
  readonly durationMs: number;
  /** Failure text or a note; omitted when there is nothing to say. */
  readonly message?: string;
}

export interface TestResultRecord {
  readonly suite: string;
  readonly name: string;
  readonly status: TestStatus;
  readonly durationMs: number;
  readonly message: string | null;
  readonly recordedAt: Date;
}

const STATUSES: readonly string[] = ['passed', 'failed', 'skipped'] satisfies TestStatus[];

function requireResult(result: TestResultInput): void {
  if (!STATUSES.includes(result.status)) {
    throw new RegistryDbError(
      'bad_input',
      `test "${result.name}" has status ${JSON.stringify(result.status)}; use passed, failed or skipped.`,
    );
  }
  if (!Number.isFinite(result.durationMs) || result.durationMs < 0) {
    throw new RegistryDbError(
      'bad_input',
      `test "${result.name}" has duration ${result.durationMs} ms; give a finite number ≥ 0.`,
    );
  }
  if (result.suite === '' || result.name === '') {
    throw new RegistryDbError('bad_input', 'every test result needs a suite and a name.');
  }
}

function toResult(row: SqlRow): TestResultRecord {
  return {
    suite: textColumn(row, 'suite'),
    name: textColumn(row, 'name'),
    status: textColumn(row, 'status') as TestStatus,
    durationMs: floatColumn(row, 'duration_ms'),
    message: nullableTextColumn(row, 'message'),
    recordedAt: dateColumn(row, 'recorded_at'),
  };
}

/**
 * Records test results of an exact version (not an alias: results belong to the bytes that
 * were tested), all or none. Results accumulate: recording again adds rows.
 */
export async function recordTestResults(
  db: SqlSession,
  model: string,
  version: string,
  results: readonly TestResultInput[],
): Promise<TestResultRecord[]> {
  parseSemver(version);
  results.forEach(requireResult);
  return db.transaction(async (tx) => {
    const { id } = await resolveVersion(tx, model, version);
    const recorded: TestResultRecord[] = [];
    for (const result of results) {
      const [row] = await tx.query(
        `INSERT INTO test_results (version_id, suite, name, status, duration_ms, message)
         VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING suite, name, status, duration_ms, message, recorded_at`,
        [id, result.suite, result.name, result.status, result.durationMs, result.message ?? null],
      );
      recorded.push(toResult(row!));
    }
    return recorded;
  });
}

/** A version's test results (exact version or alias), in the order they were recorded. */
export async function listTestResults(
  db: SqlSession,
  model: string,
  ref: string,
): Promise<TestResultRecord[]> {
  const { id } = await resolveVersion(db, model, ref);
  const rows = await db.query(
    `SELECT suite, name, status, duration_ms, message, recorded_at FROM test_results
     WHERE version_id = $1 ORDER BY id`,
    [id],
  );
  return rows.map(toResult);
}
