import { LineCounter, parseDocument } from 'yaml';
import { yamlOffset } from '../../shared/yamlOffset.ts';
import type { ManifestIssue, UnplacedIssue } from './manifestError.ts';
import { formatPath } from './manifestError.ts';

/** A parsed YAML text that can say where any path of its data is written. */
export interface YamlSource {
  /** The document as plain JS data (undefined when the text is empty). */
  readonly data: unknown;
  /** YAML syntax errors with their positions; `data` is unreliable when there are any. */
  readonly syntaxIssues: readonly ManifestIssue[];
  /** Places an issue at the node its path names, or at the nearest ancestor written in the text. */
  place(issue: UnplacedIssue): ManifestIssue;
}

export function parseYamlSource(text: string): YamlSource {
  const lineCounter = new LineCounter();
  // prettyErrors off: messages stay one line; positions come from the line counter instead.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const position = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const syntaxIssues = doc.errors.map((error) => ({
    code: 'yaml_syntax' as const,
    path: '',
    ...position(error.pos[0]),
    message: `${error.message} — fix the YAML here (${error.code})`,
  }));
  return {
    data: syntaxIssues.length === 0 ? doc.toJS({ maxAliasCount: 1000 }) : undefined,
    syntaxIssues,
    place(issue) {
      const offset = yamlOffset(doc, issue.path, issue.at ?? 'value');
      return {
        code: issue.code,
        path: formatPath(issue.path),
        ...position(offset + within(text, offset, issue.within)),
        message: issue.message,
      };
    },
  };
}

/**
 * How far into the scalar at `offset` character `n` of its value is: past an opening quote, and
 * only while the text on the way is the value itself (no escapes or line breaks); else 0.
 */
function within(text: string, offset: number, n: number | undefined): number {
  if (n === undefined || n < 0) return 0;
  const quote = text[offset] === '"' || text[offset] === "'" ? 1 : 0;
  const way = text.slice(offset + quote, offset + quote + n);
  return way.length === n && !/[\\\n\r]/.test(way) ? quote + n : 0;
}
