import { LineCounter, parseDocument } from 'yaml';
import { yamlOffset } from '../../src/shared/yamlOffset.ts';
import { checkMappingData } from './checkConfig.ts';
import { formatPath, MappingConfigError, type MappingIssue } from './mappingConfigError.ts';
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
      ...position(yamlOffset(doc, issue.path, issue.code === 'unknown_key' ? 'key' : 'value')),
      message: issue.message,
    }));
    throw new MappingConfigError(result.reason, issues);
  }
  return result.checked.config;
}
