import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node } from 'yaml';
import { checkMappingData } from './checkConfig.ts';
import {
  formatPath,
  MappingConfigError,
  type MappingIssue,
  type PathSegment,
} from './mappingConfigError.ts';
import type { MappingConfig } from './protocol.ts';

/**
 * Parses and checks a mapping config written in YAML (JSON is YAML too). Throws a
 * MappingConfigError whose issues carry the line and column of the offending key or value.
 *
 * @example
 * const mapper = compileMapping(parseMappingYaml(readFileSync('mapping.yaml', 'utf8')));
 */
export function parseMappingYaml(text: string): MappingConfig {
  const lineCounter = new LineCounter();
  // prettyErrors off: one-line messages; positions come from the line counter.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const position = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  if (doc.errors.length > 0) {
    throw new MappingConfigError(
      'yaml_syntax',
      doc.errors.map((error) => ({
        code: 'yaml_syntax',
        path: '',
        ...position(error.pos[0]),
        message: `${error.message} — fix the YAML here (${error.code})`,
      })),
    );
  }
  const data: unknown = doc.toJS({ maxAliasCount: 1000 });
  const result = checkMappingData(data);
  if (!result.ok) {
    const issues: MappingIssue[] = result.issues.map((issue) => ({
      code: issue.code,
      path: formatPath(issue.path),
      // An unknown key is wrong as a key: point at it, not at what follows it.
      ...position(offsetOf(doc, issue.path, issue.code === 'unknown_key')),
      message: issue.message,
    }));
    throw new MappingConfigError(result.reason, issues);
  }
  return result.checked.config;
}

/** Where `path` is written: its value (or key), or the nearest ancestor present in the text. */
function offsetOf(doc: Document, path: readonly PathSegment[], atKey: boolean): number {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (const [i, segment] of path.entries()) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((item) => keyText(item.key) === String(segment));
      if (pair === undefined) break;
      const keyOffset = rangeStart(pair.key);
      if (atKey && i === path.length - 1 && keyOffset !== undefined) return keyOffset;
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
