/**
 * How far a published version is trusted (TRUST_LEVELS in src/protocol/registry.ts), from what
 * the registry holds: who its key was bound to, its test results, and the moves of `stable`.
 */
import type { TrustInfo, TrustLevel } from '../../src/protocol/registry.ts';
import { bytesEqual } from '../../src/shared/merkle/bytes.ts';
import {
  aliasHistory,
  listTestResults,
  RegistryDbError,
  signingKeyHistory,
  type SqlSession,
  type TestResultRecord,
  type VersionSummary,
} from './db/index.ts';

/** Counts of each case's latest result: a case that failed and then passed counts as passed. */
export function latestTestCounts(results: readonly TestResultRecord[]): TrustInfo['tests'] {
  const latest = new Map<string, TestResultRecord['status']>();
  for (const result of results) latest.set(`${result.suite}\u0000${result.name}`, result.status);
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for (const status of latest.values()) counts[status] += 1;
  return counts;
}

export async function versionTrust(db: SqlSession, version: VersionSummary): Promise<TrustInfo> {
  const [keys, results, stableMoves] = [
    await signingKeyHistory(db, version.model),
    await listTestResults(db, version.model, version.version),
    await aliasHistory(db, version.model, 'stable').catch((error: unknown) => {
      if (error instanceof RegistryDbError && error.reason === 'unknown_alias') return [];
      throw error;
    }),
  ];
  // The binding in force when the version was published: the last one of its key before then.
  const binding = keys
    .filter((key) => bytesEqual(key.publicKey, version.publicKey))
    .filter((key) => key.boundAt.getTime() <= version.publishedAt.getTime())
    .at(-1);
  const current = keys.find((key) => key.retiredAt === null);
  const tests = latestTestCounts(results);
  const approval = stableMoves.filter((move) => move.to === version.version).at(-1);
  const level: TrustLevel =
    approval !== undefined
      ? 'approved'
      : tests.failed === 0 && tests.passed > 0
        ? 'tested'
        : 'signed';
  return {
    level,
    signer: binding?.principal ?? version.publishedBy,
    keyCurrent: current !== undefined && bytesEqual(current.publicKey, version.publicKey),
    tests,
    approvedBy: approval?.movedBy ?? null,
  };
}
