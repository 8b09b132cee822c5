import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node } from 'yaml';
import type { ManifestIssue, PathSegment, UnplacedIssue } from './manifestError.ts';
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
        ...position(offsetOf(doc, issue.path, issue.at ?? 'value')),
        message: issue.message,
      };
    },
  };
}

function offsetOf(doc: Document, path: readonly PathSegment[], at: 'key' | 'value'): number {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (const [i, segment] of path.entries()) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((item) => keyText(item.key) === String(segment));
      if (pair === undefined) break;
      const keyOffset = rangeStart(pair.key);
      if (i === path.length - 1 && at === 'key' && keyOffset !== undefined) return keyOffset;
      // `key:` with nothing after it has a null value: point at the key.
      node = pair.value;
      offset = rangeStart(node) ?? keyOffset ?? offset;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
      if (node === undefined) break;
      offset = rangeStart(node) ?? offset;
    } else {
      break;
    }
  }
  return offset;
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null | undefined)?.range?.[0];
}
