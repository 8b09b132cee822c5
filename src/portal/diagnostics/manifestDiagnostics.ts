import type { ManifestError } from '../../runtime/manifest/manifestError.ts';
import { tokenEnd, type Diagnostic } from './diagnostic.ts';

/** A ManifestError's issues, each at its line and column of the manifest. */
export function manifestDiagnostics(
  file: string,
  text: string,
  error: ManifestError,
): Diagnostic[] {
  return error.issues.map((issue) => ({
    file,
    source: 'manifest',
    severity: 'error',
    message: issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`,
    line: issue.line,
    column: issue.column,
    endLine: issue.line,
    endColumn: tokenEnd(text, issue.line, issue.column),
  }));
}
