import { describe, expect, it } from 'vitest';
import { KernelError } from './errors.ts';
import { tokenize, type Token } from './lexer.ts';

const kinds = (source: string): string[] =>
  tokenize(source)
    .tokens.filter((t) => t.kind !== 'eof')
    .map((t) => (t.kind === 'templateStart' ? '<T' : t.kind === 'templateEnd' ? 'T>' : t.text));

const number = (source: string): Extract<Token, { kind: 'number' }> => {
  const token = tokenize(source).tokens[0];
  if (token?.kind !== 'number') throw new Error(`not a number: ${source}`);
  return token;
};

function lexError(source: string): KernelError {
  try {
    tokenize(source, 'k.wgsl');
  } catch (error) {
    if (error instanceof KernelError) return error;
    throw error;
  }
  throw new Error(`expected a KernelError for ${JSON.stringify(source)}`);
}

describe('tokenize', () => {
  it('reads names, keywords and the longest symbol', () => {
    expect(kinds('let x_1 = a <<= b >>= c -> d && e || f != g;')).toEqual([
      'let',
      'x_1',
      '=',
      'a',
      '<<=',
      'b',
      '>>=',
      'c',
      '->',
      'd',
      '&&',
      'e',
      '||',
      'f',
      '!=',
      'g',
      ';',
    ]);
    expect(kinds('i++; j--; k += 1;')).toEqual([
      'i',
      '++',
      ';',
      'j',
      '--',
      ';',
      'k',
      '+=',
      '1',
      ';',
    ]);
  });

  it('gives every token its line, column, offset and length', () => {
    const { tokens } = tokenize('let a =\n  foo(1.5);');
    const foo = tokens.find((t) => t.text === 'foo');
    expect(foo?.span).toEqual({ offset: 10, length: 3, line: 2, column: 3 });
    expect(tokens.at(-1)).toMatchObject({ kind: 'eof', span: { offset: 19, line: 2, column: 12 } });
  });

  it('counts CR LF, CR and Unicode line breaks once each, including inside block comments', () => {
    const { tokens } = tokenize('a\r\nb\rc\u2028/* x\r\n y */ d');
    expect(tokens.map((t) => [t.text, t.span.line, t.span.column])).toEqual([
      ['a', 1, 1],
      ['b', 2, 1],
      ['c', 3, 1],
      ['d', 5, 7],
      ['', 5, 8],
    ]);
  });

  it('accepts Unicode identifiers', () => {
    expect(kinds('let Δx = 1;')).toEqual(['let', 'Δx', '=', '1', ';']);
  });

  it('skips nested block comments', () => {
    expect(kinds('a /* one /* two */ still comment */ b')).toEqual(['a', 'b']);
  });

  it('keeps line comment text and whether the comment has its own line', () => {
    const { comments } = tokenize('// @diff\nvar x: f32; //  trailing  \n  // indented');
    expect(comments).toEqual([
      { text: '@diff', ownLine: true, span: { offset: 0, length: 8, line: 1, column: 1 } },
      { text: 'trailing', ownLine: false, span: { offset: 21, length: 14, line: 2, column: 13 } },
      { text: 'indented', ownLine: true, span: { offset: 38, length: 11, line: 3, column: 3 } },
    ]);
  });

  it('does not start a comment inside a line comment or a line comment inside a block one', () => {
    expect(kinds('a // b /* c\nd /* // */ e')).toEqual(['a', 'd', 'e']);
    expect(tokenize('/* // no */ x').comments).toEqual([]);
  });
});

describe('number literals', () => {
  it.each([
    ['0', 0, false, ''],
    ['123', 123, false, ''],
    ['16u', 16, false, 'u'],
    ['7i', 7, false, 'i'],
    ['0x1F', 31, false, ''],
    ['0XfF', 255, false, ''],
    ['0x10u', 16, false, 'u'],
    ['1.0', 1, true, ''],
    ['.5', 0.5, true, ''],
    ['1.', 1, true, ''],
    ['00.5', 0.5, true, ''],
    ['1e-3', 0.001, true, ''],
    ['2.5e+2f', 250, true, 'f'],
    ['1f', 1, true, 'f'],
    ['0f', 0, true, 'f'],
    ['3h', 3, true, 'h'],
    ['1.5h', 1.5, true, 'h'],
    ['0x1.8', 1.5, true, ''],
    ['0x1p4', 16, true, ''],
    ['0x1.8p1f', 3, true, 'f'],
    ['0x.8p-1', 0.25, true, ''],
  ] as const)('reads %s', (raw, value, isFloat, suffix) => {
    expect(number(raw)).toMatchObject({ kind: 'number', text: raw, value, isFloat, suffix });
    expect(number(raw).span.length).toBe(raw.length);
  });

  it('ends a number at a symbol, not at a member dot after it', () => {
    expect(kinds('a[1].x + 2u*b')).toEqual(['a', '[', '1', ']', '.', 'x', '+', '2u', '*', 'b']);
  });
});

describe('template discovery', () => {
  it('marks the brackets of template lists', () => {
    expect(kinds('var<storage, read_write> a: array<vec4f, 16>;')).toEqual([
      'var',
      '<T',
      'storage',
      ',',
      'read_write',
      'T>',
      'a',
      ':',
      'array',
      '<T',
      'vec4f',
      ',',
      '16',
      'T>',
      ';',
    ]);
  });

  it('splits >> that closes two template lists into two closing tokens with their own columns', () => {
    const { tokens } = tokenize('array<vec2<f32>>');
    expect(tokens.slice(5, 7)).toEqual([
      { kind: 'templateEnd', text: '>', span: { offset: 14, length: 1, line: 1, column: 15 } },
      { kind: 'templateEnd', text: '>', span: { offset: 15, length: 1, line: 1, column: 16 } },
    ]);
  });

  it('splits >= and >>= after a template list into the closing token and the rest', () => {
    expect(kinds('var a: vec3<f32>= b;')).toEqual([
      'var',
      'a',
      ':',
      'vec3',
      '<T',
      'f32',
      'T>',
      '=',
      'b',
      ';',
    ]);
    expect(kinds('x: array<vec2<f32>>= y')).toEqual([
      'x',
      ':',
      'array',
      '<T',
      'vec2',
      '<T',
      'f32',
      'T>',
      'T>',
      '=',
      'y',
    ]);
    const { tokens } = tokenize('a: vec2<f32>>= b');
    expect(tokens[6]).toMatchObject({
      kind: 'symbol',
      text: '>=',
      span: { column: 13, length: 2 },
    });
  });

  it('leaves comparisons alone', () => {
    expect(kinds('if a < b { x = c > d; }')).toEqual([
      'if',
      'a',
      '<',
      'b',
      '{',
      'x',
      '=',
      'c',
      '>',
      'd',
      ';',
      '}',
    ]);
    expect(kinds('for (var i = 0u; i < n; i++) {}')).not.toContain('<T');
    expect(kinds('let z = a < b && c > d;')).not.toContain('<T');
    expect(kinds('let y = select(a, b, c < d) > e;')).not.toContain('<T');
    expect(kinds('let s = a << b; let t = a <= b;')).not.toContain('<T');
  });

  it('follows the spec where a comparison pair inside one call reads as a template list', () => {
    expect(kinds('f(a < b, c > d)')).toEqual(['f', '(', 'a', '<T', 'b', ',', 'c', 'T>', 'd', ')']);
    expect(kinds('f((a < b), c > d)')).not.toContain('<T');
  });

  it('ignores > inside parentheses within a template list', () => {
    expect(kinds('array<f32, (N > 2)>')).toEqual([
      'array',
      '<T',
      'f32',
      ',',
      '(',
      'N',
      '>',
      '2',
      ')',
      'T>',
    ]);
  });
});

describe('lexical errors', () => {
  it('reports an unterminated block comment at its opening', () => {
    const error = lexError('let a = 1;\n  /* outer /* inner */\nlet b = 2;');
    expect(error.reason).toBe('syntax');
    expect(error.problem).toBe(
      "unterminated block comment: the '/*' at line 2, column 3 has no matching '*/'",
    );
    expect(error.span).toEqual({ offset: 13, length: 2, line: 2, column: 3 });
    expect(error.message).toMatch(/^k\.wgsl:2:3: unterminated block comment/);
  });

  it('reports an unexpected character with its position', () => {
    const error = lexError('let a = 1;\nlet b = $x;');
    expect(error.problem).toBe("unexpected character '$'");
    expect(error.span).toMatchObject({ line: 2, column: 9, length: 1 });
    expect(lexError('a ? b : c').fix).toContain('select(');
  });

  it('reports a float literal with an integer suffix', () => {
    const error = lexError('let x = 1.0u;');
    expect(error.problem).toBe("invalid number literal '1.0u'");
    expect(error.fix).toBe(
      'Float literals take the suffix f or h: write 1.0f for an f32, or 1u for an integer.',
    );
    expect(error.span).toMatchObject({ line: 1, column: 9, length: 4 });
  });

  it('reports letters run into a number', () => {
    expect(lexError('x = 12abc;').problem).toBe("invalid number literal '12abc'");
    expect(lexError('x = 1.5.2;').problem).toBe("invalid number literal '1.5.2'");
  });

  it('reports an exponent without digits, hex without digits and leading zeros', () => {
    expect(lexError('x = 1e+;').problem).toBe(
      "invalid number literal '1e': the exponent has no digits",
    );
    expect(lexError('x = 0x;')).toMatchObject({
      problem: "invalid number literal '0x': no hex digits",
      span: { column: 5, length: 2 },
    });
    expect(lexError('x = 012;')).toMatchObject({
      problem: "invalid number literal '012': integers cannot have leading zeros",
      fix: 'Write 12; WGSL has no octal literals.',
    });
  });

  it('reports integers out of range for their suffix', () => {
    expect(lexError('x = 2147483648i;').problem).toBe(
      "'2147483648i' is out of range for i32 (largest is 2147483647)",
    );
    expect(lexError('x = 0x100000000u;').problem).toContain('out of range for u32');
    expect(number('4294967295u').value).toBe(4294967295);
  });

  it('reports names that start with a double underscore', () => {
    expect(lexError('let __x = 1;').problem).toBe(
      "'__x' is not a valid name: names starting with '__' are reserved",
    );
  });
});
