import type { ModelSpec } from '../modelSpec.ts';
import { checkManifest } from './manifestChecks.ts';
import { ManifestError, type ManifestIssue } from './manifestError.ts';
import { readManifestFiles, type ReadManifestFile } from './manifestFiles.ts';
import type { ManifestDocument } from './manifestTypes.ts';
import { checkSchema } from './schemaCheck.ts';
import { toTestCases, type ModelTestCase } from './testCases.ts';
import { toModelSpec } from './toModelSpec.ts';
import { parseYamlSource } from './yamlSource.ts';

/**
 * Loads a model manifest (YAML, docs/models.md) into a ModelSpec, reading the kernel and data
 * files it names through `readFile` (paths relative to the manifest). Throws a ManifestError
 * listing every issue found, each with its YAML path, line and column.
 *
 * Issues come in stages: YAML syntax, then the JSON Schema, then the rules across fields
 * (references, ranges, files). A stage with issues ends the load, except that unknown keys are
 * reported together with the later stages' issues.
 *
 * @example
 * const spec = await parseManifest(text, 'heat/model.yaml', (path) =>
 *   readFile(join(dirname(manifestPath), path), 'utf8'));
 */
export async function parseManifest(
  text: string,
  file: string,
  readFile: ReadManifestFile,
): Promise<ModelSpec> {
  return (await parseManifestWithTests(text, file, readFile)).spec;
}

/** A manifest's model and its test cases (`tests`), both plain data. */
export interface ModelWithTests {
  readonly spec: ModelSpec;
  readonly tests: readonly ModelTestCase[];
}

/**
 * `parseManifest`, with the manifest's test cases too, for a test run (src/sandbox/).
 *
 * @example
 * const { spec, tests } = await parseManifestWithTests(text, 'heat/model.yaml', read);
 */
export async function parseManifestWithTests(
  text: string,
  file: string,
  readFile: ReadManifestFile,
): Promise<ModelWithTests> {
  const source = parseYamlSource(text);
  if (source.syntaxIssues.length > 0) {
    throw new ManifestError('yaml_syntax', file, source.syntaxIssues);
  }
  const schemaIssues = checkSchema(source.data).map((issue) => source.place(issue));
  // Unknown keys leave the rest well-typed, so the later checks can still run.
  if (schemaIssues.some((issue) => issue.code !== 'unknown_key')) {
    throw new ManifestError('schema', file, sorted(schemaIssues));
  }
  const manifest = source.data as ManifestDocument;
  const files = await readManifestFiles(manifest, readFile);
  const issues = [
    ...schemaIssues,
    ...[...files.issues, ...checkManifest(manifest, files)].map((issue) => source.place(issue)),
  ];
  if (issues.length > 0) {
    throw new ManifestError(schemaIssues.length > 0 ? 'schema' : 'semantic', file, sorted(issues));
  }
  return { spec: toModelSpec(manifest, files), tests: toTestCases(manifest) };
}

function sorted(issues: readonly ManifestIssue[]): ManifestIssue[] {
  return [...issues].sort((a, b) => a.line - b.line || a.column - b.column);
}
