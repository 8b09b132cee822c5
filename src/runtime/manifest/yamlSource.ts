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
      return {
        code: issue.code,
        path: formatPath(issue.path),
        ...position(yamlOffset(doc, issue.path, issue.at ?? 'value')),
        message: issue.message,
      };
    },
  };
}
