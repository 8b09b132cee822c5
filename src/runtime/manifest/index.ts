/**
 * Model manifests (YAML → ModelSpec) and the CSV data that feeds runs and fits. Runs in the
 * browser, in workers and in Node; `loadManifestFile.ts` is the Node-only file loader.
 */
export { parseManifest, parseManifestWithTests, type ModelWithTests } from './parseManifest.ts';
export { fetchManifest, fetchManifestWithTests } from './fetchManifest.ts';
export type { GradientCheck, ModelTestCase, TestExpectation, TestInvariant } from './testCases.ts';
export { checkTestCases, type TestModelView } from './testCaseChecks.ts';
export {
  evaluateTestExpression,
  parseTestExpression,
  TestExpressionError,
  type TestExpression,
} from './testExpression.ts';
export type { ReadManifestFile } from './manifestFiles.ts';
export {
  ManifestError,
  formatIssue,
  type ManifestErrorReason,
  type ManifestIssue,
  type ManifestIssueCode,
} from './manifestError.ts';
export { manifestSchema } from './schemaCheck.ts';
export { observationSteps } from './observationSteps.ts';
export { readObservationCsv } from './observationCsv.ts';
export { readInputCsv } from './inputCsv.ts';
export { CsvDataError, type CsvDataErrorReason, type CsvIssue } from './csvDataError.ts';
