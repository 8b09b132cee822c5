/**
 * WGSL for Monaco: a Monarch grammar and the language's brackets and comments. Plain data (types
 * only from Monaco), so `wgslLanguage.test.ts` runs it through Monaco's own Monarch lexer in Node.
 */
import type { languages } from 'monaco-editor/editor/editor.api.js';

export const WGSL_LANGUAGE_ID = 'wgsl';

const keywords = [
  'alias',
  'break',
  'case',
  'const',
  'const_assert',
  'continue',
  'continuing',
  'default',
  'diagnostic',
  'discard',
  'else',
  'enable',
  'fn',
  'for',
  'if',
  'let',
  'loop',
  'override',
  'requires',
  'return',
  'struct',
  'switch',
  'var',
  'while',
];
const types = [
  'bool',
  'f16',
  'f32',
  'i32',
  'u32',
  'array',
  'atomic',
  'ptr',
  'sampler',
  'sampler_comparison',
  'vec2',
  'vec3',
  'vec4',
  'mat2x2',
  'mat2x3',
  'mat2x4',
  'mat3x2',
  'mat3x3',
  'mat3x4',
  'mat4x2',
  'mat4x3',
  'mat4x4',
  'vec2f',
  'vec3f',
  'vec4f',
  'vec2i',
  'vec3i',
  'vec4i',
  'vec2u',
  'vec3u',
  'vec4u',
  'vec2h',
  'vec3h',
  'vec4h',
  'mat2x2f',
  'mat3x3f',
  'mat4x4f',
  'texture_1d',
  'texture_2d',
  'texture_2d_array',
  'texture_3d',
  'texture_cube',
  'texture_storage_2d',
  'texture_depth_2d',
];
/** Address spaces and access modes inside `var<…>` and `ptr<…>`. */
const qualifiers = [
  'function',
  'private',
  'workgroup',
  'uniform',
  'storage',
  'handle',
  'read',
  'write',
  'read_write',
];
const literals = ['true', 'false'];

/** Brackets, comments and auto-closing pairs. */
export const wgslConfiguration: languages.LanguageConfiguration = {
  comments: { lineComment: '//', blockComment: ['/*', '*/'] },
  brackets: [
    ['{', '}'],
    ['[', ']'],
    ['(', ')'],
  ],
  autoClosingPairs: [
    { open: '{', close: '}' },
    { open: '[', close: ']' },
    { open: '(', close: ')' },
    { open: '/*', close: ' */', notIn: ['comment'] },
  ],
  surroundingPairs: [
    { open: '{', close: '}' },
    { open: '[', close: ']' },
    { open: '(', close: ')' },
  ],
};

/**
 * Token classes: `keyword`, `type`, `keyword.qualifier` (address spaces and access modes),
 * `annotation` (`@compute`, `@group`), `number` / `number.float` / `number.hex`, `comment`,
 * `identifier.function` (a name before `(`), `identifier`, `operator`, `delimiter`.
 */
export const wgslGrammar: languages.IMonarchLanguage = {
  defaultToken: 'invalid',
  tokenPostfix: '.wgsl',
  keywords,
  types,
  qualifiers,
  literals,
  operators: [
    '&&',
    '||',
    '==',
    '!=',
    '<=',
    '>=',
    '<<',
    '>>',
    '->',
    '++',
    '--',
    '+=',
    '-=',
    '*=',
    '/=',
    '%=',
    '&=',
    '|=',
    '^=',
    '<<=',
    '>>=',
    '=',
    '<',
    '>',
    '+',
    '-',
    '*',
    '/',
    '%',
    '&',
    '|',
    '^',
    '!',
    '~',
  ],
  symbols: /[=><!~&|+\-*/^%]+/,
  tokenizer: {
    root: [
      [/@\s*[A-Za-z_]\w*/, 'annotation'],
      // A name directly followed by `(` is a call or a declaration's name, unless it is a type
      // constructor or a keyword (`if (`, `vec3f(`).
      [
        /[A-Za-z_]\w*(?=\s*\()/,
        {
          cases: {
            '@keywords': 'keyword',
            '@types': 'type',
            '@literals': 'keyword.literal',
            '@default': 'identifier.function',
          },
        },
      ],
      [
        /[A-Za-z_]\w*/,
        {
          cases: {
            '@keywords': 'keyword',
            '@types': 'type',
            '@qualifiers': 'keyword.qualifier',
            '@literals': 'keyword.literal',
            '@default': 'identifier',
          },
        },
      ],
      { include: '@whitespace' },
      [/[{}()[\]]/, '@brackets'],
      [/0[xX][\da-fA-F]+[iu]?/, 'number.hex'],
      [/(\d+\.\d*|\.\d+)([eE][+-]?\d+)?[fh]?/, 'number.float'],
      [/\d+[eE][+-]?\d+[fh]?/, 'number.float'],
      [/\d+[fh]/, 'number.float'],
      [/\d+[iu]?/, 'number'],
      [/[;,.:]/, 'delimiter'],
      [/@symbols/, { cases: { '@operators': 'operator', '@default': '' } }],
    ],
    whitespace: [
      [/[ \t\r\n]+/, 'white'],
      [/\/\*/, 'comment', '@comment'],
      [/\/\/.*$/, 'comment'],
    ],
    // WGSL block comments nest.
    comment: [
      [/[^/*]+/, 'comment'],
      [/\/\*/, 'comment', '@push'],
      [/\*\//, 'comment', '@pop'],
      [/[/*]/, 'comment'],
    ],
  },
};
