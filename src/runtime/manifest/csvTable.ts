import { CsvDataError, type CsvIssue } from './csvDataError.ts';

export interface CsvRow {
  /** 1-based line in the file, for messages. */
  readonly line: number;
  readonly cells: readonly string[];
}

export interface CsvTable {
  readonly header: readonly string[];
  readonly headerLine: number;
  readonly rows: readonly CsvRow[];
}

/**
 * Splits a comma-separated file into a header and rows, keeping line numbers. Blank lines and
 * lines starting with `#` are skipped; cells are trimmed; a cell may be "quoted" (with "" for a
 * quote) to hold commas. Quoted cells do not span lines.
 */
export function parseCsvTable(text: string, file: string): CsvTable {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const issues: CsvIssue[] = [];
  let header: { line: number; cells: string[] } | undefined;
  const rows: CsvRow[] = [];
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) return;
    const cells = splitLine(raw);
    if (typeof cells === 'string') {
      issues.push({ line, message: cells });
      return;
    }
    if (header === undefined) {
      header = { line, cells };
      return;
    }
    if (cells.length !== header.cells.length) {
      issues.push({
        line,
        message: `has ${cells.length} cells but the header (line ${header.line}) has ${header.cells.length} columns — give every row one cell per column (empty for a gap)`,
      });
      return;
    }
    rows.push({ line, cells });
  });
  if (header === undefined) {
    throw new CsvDataError('bad_csv', file, [
      { message: 'has no header row — start with `time,<channel>,<channel>…`' },
    ]);
  }
  const seen = new Map<string, number>();
  header.cells.forEach((name, column) => {
    if (name === '') {
      issues.push({
        line: header!.line,
        message: `column ${column + 1} of the header has no name — name every column`,
      });
    } else if (seen.has(name)) {
      issues.push({
        line: header!.line,
        message: `column \`${name}\` appears twice in the header — keep one`,
      });
    }
    seen.set(name, column);
  });
  if (issues.length > 0) {
    issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    throw new CsvDataError('bad_csv', file, limit(issues));
  }
  return { header: header.cells, headerLine: header.line, rows };
}

function splitLine(line: string): string[] | string {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    while (line[i] === ' ' || line[i] === '\t') i++;
    if (line[i] === '"') {
      let cell = '';
      i++;
      for (;;) {
        const quote = line.indexOf('"', i);
        if (quote < 0) return 'has a quoted cell with no closing quote — close it with "';
        cell += line.slice(i, quote);
        i = quote + 1;
        if (line[i] !== '"') break;
        cell += '"';
        i++;
      }
      while (line[i] === ' ' || line[i] === '\t') i++;
      if (i < line.length && line[i] !== ',')
        return 'has text after a quoted cell — put a comma after the closing quote';
      cells.push(cell);
    } else {
      const comma = line.indexOf(',', i);
      const end = comma < 0 ? line.length : comma;
      cells.push(line.slice(i, end).trim());
      i = end;
    }
    if (i >= line.length) return cells;
    i++; // the comma
  }
}

/** At most 20 issues, then one line saying how many more there are. */
export function limit(issues: readonly CsvIssue[]): CsvIssue[] {
  if (issues.length <= 20) return [...issues];
  return [...issues.slice(0, 20), { message: `…and ${issues.length - 20} more problems` }];
}
