import { compile } from 'monaco-editor/editor/standalone/common/monarch/monarchCompile.js';
import {
  MonarchTokenizer,
  type MonarchLineState,
} from 'monaco-editor/editor/standalone/common/monarch/monarchLexer.js';
import { describe, expect, it } from 'vitest';
import { wgslGrammar, WGSL_LANGUAGE_ID } from './wgslLanguage.ts';

/** `[text, token class]` of every token of `source`, lexed line by line by Monaco's Monarch lexer. */
function tokens(source: string): [string, string][] {
  const lexer = compile(WGSL_LANGUAGE_ID, wgslGrammar);
  // The lexer asks these two services only for a line-length cap and the language's number.
  const configuration = {
    getValue: () => 20_000,
    onDidChangeConfiguration: () => ({ dispose: () => undefined }),
  };
  const languages = { languageIdCodec: { encodeLanguageId: () => 1 } };
  const tokenizer = new MonarchTokenizer(languages, {}, WGSL_LANGUAGE_ID, lexer, configuration);
  let state: MonarchLineState = tokenizer.getInitialState();
  const out: [string, string][] = [];
  for (const line of source.split('\n')) {
    const result = tokenizer.tokenize(line, true, state);
    result.tokens.forEach((t, i) => {
      const end = result.tokens[i + 1]?.offset ?? line.length;
      const text = line.slice(t.offset, end);
      if (t.type !== 'white.wgsl') out.push([text, t.type.replace(/\.wgsl$/, '')]);
    });
    state = result.endState;
  }
  return out;
}

describe('the WGSL grammar', () => {
  it('classes the tokens of a compute kernel', () => {
    const sample = [
      '@group(0) @binding(1) var<storage, read_write> out: array<f32>; // @diff',
      '@compute @workgroup_size(8, 8)',
      'fn step(@builtin(global_invocation_id) gid: vec3u) {',
      '  let x = 0x1Fu + 2.5e-3f * face(1.0, 2i);',
      '  for (var i = 0u; i < 4u; i++) { out[i] += vec3f(1.0).x; }',
      '}',
    ].join('\n');
    const classes = tokens(sample).map(([text, kind]) => `${text} ${kind}`);
    expect(classes.slice(0, 22)).toEqual([
      '@group annotation',
      '( delimiter.parenthesis',
      '0 number',
      ') delimiter.parenthesis',
      '@binding annotation',
      '( delimiter.parenthesis',
      '1 number',
      ') delimiter.parenthesis',
      'var keyword',
      '< operator',
      'storage keyword.qualifier',
      ', delimiter',
      'read_write keyword.qualifier',
      '> operator',
      'out identifier',
      ': delimiter',
      'array type',
      '< operator',
      'f32 type',
      '> operator',
      '; delimiter',
      '// @diff comment',
    ]);
    expect(classes).toEqual(
      expect.arrayContaining([
        '@compute annotation',
        '@workgroup_size annotation',
        'fn keyword',
        'step identifier.function',
        'vec3u type',
        'let keyword',
        '0x1Fu number.hex',
        '2.5e-3f number.float',
        'face identifier.function',
        '2i number',
        'for keyword',
        '0u number',
        '++ operator',
        '+= operator',
        'vec3f type',
      ]),
    );
    expect(classes.filter((c) => c.endsWith(' invalid'))).toEqual([]);
  });

  it('keeps nested block comments open until the last close, across lines', () => {
    const classes = tokens('/* a /* b */ still\n comment */ let y = 1;').map(
      ([text, kind]) => `${text} ${kind}`,
    );
    expect(classes.filter((c) => !c.endsWith(' comment'))).toEqual([
      'let keyword',
      'y identifier',
      '= operator',
      '1 number',
      '; delimiter',
    ]);
  });

  it('marks characters outside WGSL as invalid', () => {
    expect(tokens('let s = "text";')).toContainEqual(['"', 'invalid']);
  });
});
