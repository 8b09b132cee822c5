/**
 * One problem the portal shows: as an editor marker at its place in a file of the model, and as
 * a row of the diagnostics list. Lines and columns are 1-based, in UTF-16 code units (Monaco's),
 * and the end is exclusive.
 */
export interface Diagnostic {
  /** The model file it is in (`model.yaml`, `heatPlate.wgsl`). */
  readonly file: string;
  /**
   * `wgsl`: the GPU's shader compiler; `manifest`: the manifest loader (YAML, schema, references);
   * `model`: the runtime's planner (schedule, bindings, autodiff refusals).
   */
  readonly source: 'wgsl' | 'manifest' | 'model';
  readonly severity: 'error' | 'warning' | 'info';
  readonly message: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

/** Diagnostics in the order the list shows them: by file, then position. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  const rank = { error: 0, warning: 1, info: 2 };
  return [...list].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      rank[a.severity] - rank[b.severity],
  );
}

/** 1-based line and column of a UTF-16 offset into `text`. */
export function positionAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.max(0, Math.min(offset, text.length));
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/** The text of 1-based line `line`, without its line break ('' past the end). */
export function lineText(text: string, line: number): string {
  return text.split(/\r?\n/)[line - 1] ?? '';
}

/**
 * The column just past the token that starts at `column` of `line`: a quoted string, or a run of
 * characters up to white space, a comma, a semicolon, a bracket or `: ` — at least one character, so a marker
 * is never empty.
 */
export function tokenEnd(text: string, line: number, column: number): number {
  const row = lineText(text, line);
  let i = column - 1;
  const quote = row[i];
  if (quote === '"' || quote === "'") {
    const close = row.indexOf(quote, i + 1);
    return close < 0 ? row.length + 1 : close + 2;
  }
  while (
    i < row.length &&
    !/[\s,;()[\]{}]/.test(row[i]!) &&
    !(row[i] === ':' && /\s/.test(row[i + 1] ?? ' '))
  )
    i++;
  return Math.max(i + 1, column + 1);
}
