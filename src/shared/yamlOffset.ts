import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { Document, Node } from 'yaml';

/**
 * Where the value (or, with `at: 'key'`, the key) at `path` is written in a parsed YAML
 * document, as a character offset — or the nearest ancestor present in the text when the path
 * runs past what is there. For errors that point at a line and column (manifests, mappings).
 */
export function yamlOffset(
  doc: Document,
  path: readonly (string | number)[],
  at: 'key' | 'value',
): number {
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
