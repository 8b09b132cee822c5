import { expect } from 'vitest';
import { ManifestError, type ManifestIssue } from '../manifestError.ts';
import { parseManifest } from '../parseManifest.ts';
import { readFrom, rodFiles, rodManifest } from './rodModel.ts';

/** The rod manifest with each `[from, to]` replaced; `from` must occur exactly once. */
export function rodWith(...edits: readonly (readonly [string, string])[]): string {
  let text = rodManifest;
  for (const [from, to] of edits) {
    const count = text.split(from).length - 1;
    if (count !== 1) throw new Error(`test edit: ${JSON.stringify(from)} occurs ${count} times`);
    text = text.replace(from, to);
  }
  return text;
}

/**
 * 1-based line and column of `token` on the line containing `lineText`: the only such line, or
 * the `nth` (0-based) when given.
 */
export function positionOf(text: string, lineText: string, token = lineText, nth?: number) {
  const lines = text.split('\n');
  const matches = lines.flatMap((line, i) => (line.includes(lineText) ? [i] : []));
  if (nth === undefined && matches.length !== 1) {
    throw new Error(`test: ${JSON.stringify(lineText)} is on ${matches.length} lines`);
  }
  const index = matches[nth ?? 0];
  if (index === undefined)
    throw new Error(`test: no line ${nth} holds ${JSON.stringify(lineText)}`);
  const line = lines[index] ?? '';
  const column = line.indexOf(token, line.indexOf(lineText));
  if (column < 0) throw new Error(`test: ${JSON.stringify(token)} is not on line ${index + 1}`);
  return { line: index + 1, column: column + 1 };
}

/** Loads `text` expecting a ManifestError; returns it. */
export async function manifestError(
  text: string,
  files: Readonly<Record<string, string>> = rodFiles,
): Promise<ManifestError> {
  try {
    await parseManifest(text, 'rod.yaml', readFrom(files));
  } catch (error) {
    if (error instanceof ManifestError) return error;
    throw error;
  }
  throw new Error('expected a ManifestError, but the manifest loaded');
}

/** Asserts that loading `text` reports an issue at `path` with exactly this position and message. */
export async function expectIssue(
  text: string,
  expected: Omit<ManifestIssue, 'code'> & { readonly code?: ManifestIssue['code'] },
  files?: Readonly<Record<string, string>>,
): Promise<ManifestError> {
  const error = await manifestError(text, files);
  const atPath = error.issues.filter((issue) => issue.path === expected.path);
  expect(atPath, error.message).toContainEqual(expect.objectContaining(expected));
  return error;
}
