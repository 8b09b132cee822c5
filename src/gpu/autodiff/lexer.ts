/**
 * Tokens of WGSL source for `parseWgsl` (parser.ts). The lexer skips blank space and comments,
 * keeps the text of `//` comments (authors mark differentiable buffers with `// @diff`) and runs
 * WGSL's template-list discovery, so the parser sees `templateStart` / `templateEnd` tokens where
 * `<` and `>` delimit a template list and plain `<` / `>` symbols where they compare.
 *
 * Offsets, columns and lengths count UTF-16 code units (JavaScript string indices).
 */
import type { LiteralSuffix, Span } from './ast.ts';
import { KernelError } from './errors.ts';

export type Token =
  | {
      readonly kind: 'ident' | 'symbol' | 'templateStart' | 'templateEnd' | 'eof';
      readonly text: string;
      readonly span: Span;
    }
  | {
      readonly kind: 'number';
      readonly text: string;
      readonly span: Span;
      readonly value: number;
      readonly isFloat: boolean;
      readonly suffix: LiteralSuffix;
    };

export interface LineComment {
  /** The text after `//`, trimmed. */
  readonly text: string;
  readonly span: Span;
  /** True when only blank space precedes the comment on its line. */
  readonly ownLine: boolean;
}

export interface Lexed {
  /** Ends with one `eof` token. */
  readonly tokens: readonly Token[];
  readonly comments: readonly LineComment[];
}

/** Words WGSL reserves for its own syntax; none of them can name a variable, type or function. */
export const KEYWORDS: ReadonlySet<string> = new Set([
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
  'false',
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
  'true',
  'var',
  'while',
]);

// Longest first, so that `<<=` is not read as `<<` then `=`.
const SYMBOLS = [
  '<<=',
  '>>=',
  '->',
  '&&',
  '||',
  '==',
  '!=',
  '<=',
  '>=',
  '<<',
  '>>',
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
  ...'()[]{}<>,;:.@=+-*/%&|^!~',
];

const IDENT = /[\p{XID_Start}_]\p{XID_Continue}*/uy;
const DIGITS = /[0-9]*/y;
const HEX_DIGITS = /[0-9a-fA-F]*/y;
const EXPONENT = /[eE][+-]?[0-9]+/y;
const HEX_EXPONENT = /[pP][+-]?[0-9]+/y;
const WORD_TAIL = /[\p{XID_Continue}.]*/uy;
const BLANK = new Set([' ', '\t', '\u200e', '\u200f']);
const LINE_BREAKS = new Set(['\n', '\r', '\v', '\f', '\u0085', '\u2028', '\u2029']);

const NUMBER_FIX =
  'Write a decimal (12, 1.5, .5, 1e-3) or hex (0x1F) literal, optionally followed by i, u, f or h.';

/**
 * Splits WGSL source into tokens and `//` comments, or throws `KernelError('syntax', …)` at an
 * unexpected character, a malformed number or an unterminated block comment.
 */
export function tokenize(source: string, file?: string): Lexed {
  const lexer = new Lexer(source, file);
  lexer.run();
  return { tokens: discoverTemplates(lexer.tokens), comments: lexer.comments };
}

class Lexer {
  readonly tokens: Token[] = [];
  readonly comments: LineComment[] = [];
  private pos = 0;
  private line = 1;
  private lineStart = 0;

  constructor(
    private readonly src: string,
    private readonly file: string | undefined,
  ) {}

  run(): void {
    for (;;) {
      this.skipBlankAndComments();
      if (this.pos >= this.src.length) break;
      this.tokens.push(this.scanToken());
    }
    this.tokens.push({ kind: 'eof', text: '', span: this.span(this.pos, this.pos) });
  }

  private span(start: number, end: number): Span {
    return {
      offset: start,
      length: end - start,
      line: this.line,
      column: start - this.lineStart + 1,
    };
  }

  private fail(problem: string, fix: string, start: number, end: number): never {
    throw new KernelError('syntax', problem, fix, this.span(start, end), this.file);
  }

  /** Length of the line break at `pos` (2 for CR LF), or 0 when there is none. */
  private lineBreakAt(pos: number): number {
    const c = this.src[pos];
    if (c === '\r' && this.src[pos + 1] === '\n') return 2;
    return c !== undefined && LINE_BREAKS.has(c) ? 1 : 0;
  }

  private skipBlankAndComments(): void {
    while (this.pos < this.src.length) {
      const c = this.src[this.pos] ?? '';
      const br = this.lineBreakAt(this.pos);
      if (br > 0) {
        this.pos += br;
        this.line++;
        this.lineStart = this.pos;
      } else if (BLANK.has(c)) {
        this.pos++;
      } else if (this.src.startsWith('//', this.pos)) {
        this.lineComment();
      } else if (this.src.startsWith('/*', this.pos)) {
        this.blockComment();
      } else {
        return;
      }
    }
  }

  private lineComment(): void {
    const start = this.pos;
    let end = start;
    while (end < this.src.length && this.lineBreakAt(end) === 0) end++;
    const before = this.src.slice(this.lineStart, start);
    this.comments.push({
      text: this.src.slice(start + 2, end).trim(),
      span: this.span(start, end),
      ownLine: [...before].every((c) => BLANK.has(c)),
    });
    this.pos = end;
  }

  /** Block comments nest: `/* a /* b *\/ c *\/` is one comment. */
  private blockComment(): void {
    const opening = this.span(this.pos, this.pos + 2);
    this.pos += 2;
    let depth = 1;
    while (depth > 0) {
      if (this.pos >= this.src.length) {
        throw new KernelError(
          'syntax',
          `unterminated block comment: the '/*' at line ${opening.line}, column ${opening.column} has no matching '*/'`,
          "Close it with '*/'; block comments nest, so every '/*' inside it needs its own '*/'.",
          opening,
          this.file,
        );
      }
      const br = this.lineBreakAt(this.pos);
      if (br > 0) {
        this.pos += br;
        this.line++;
        this.lineStart = this.pos;
      } else if (this.src.startsWith('/*', this.pos)) {
        depth++;
        this.pos += 2;
      } else if (this.src.startsWith('*/', this.pos)) {
        depth--;
        this.pos += 2;
      } else {
        this.pos++;
      }
    }
  }

  private match(pattern: RegExp, at: number): string {
    pattern.lastIndex = at;
    return pattern.exec(this.src)?.[0] ?? '';
  }

  private scanToken(): Token {
    const start = this.pos;
    const c = this.src[start] ?? '';
    const next = this.src[start + 1] ?? '';
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(next))) return this.scanNumber();
    const word = this.match(IDENT, start);
    if (word !== '') {
      if (word.startsWith('__')) {
        this.fail(
          `'${word}' is not a valid name: names starting with '__' are reserved`,
          'Rename it without the leading double underscore.',
          start,
          start + word.length,
        );
      }
      this.pos += word.length;
      return { kind: 'ident', text: word, span: this.span(start, this.pos) };
    }
    const symbol = SYMBOLS.find((s) => this.src.startsWith(s, start));
    if (symbol !== undefined) {
      this.pos += symbol.length;
      return { kind: 'symbol', text: symbol, span: this.span(start, this.pos) };
    }
    const char = String.fromCodePoint(this.src.codePointAt(start) ?? 0);
    const fix =
      char === '?'
        ? "WGSL has no '?:' operator; use select(ifFalse, ifTrue, condition)."
        : char === '"' || char === "'"
          ? 'WGSL has no string or character literals; remove it.'
          : 'Remove it; it is not part of any WGSL token.';
    return this.fail(`unexpected character '${char}'`, fix, start, start + char.length);
  }

  private scanNumber(): Token {
    const start = this.pos;
    const hex = /^0[xX]/.test(this.src.slice(start, start + 2));
    const literal = hex ? this.scanHex(start) : this.scanDecimal(start);
    const tail = this.match(WORD_TAIL, literal.end);
    const raw = this.src.slice(start, literal.end);
    if (tail !== '') {
      const bad = raw + tail;
      const fix =
        /^[0-9]*\.[0-9]*$/.test(raw) && /^[iu]/.test(tail)
          ? `Float literals take the suffix f or h: write ${raw}f for an f32, or ${raw.split('.')[0] || '0'}${tail[0] ?? ''} for an integer.`
          : NUMBER_FIX;
      this.fail(`invalid number literal '${bad}'`, fix, start, literal.end + tail.length);
    }
    if (!Number.isFinite(literal.value)) {
      this.fail(`number literal '${raw}' is too large`, 'Use a smaller value.', start, literal.end);
    }
    const limit =
      literal.suffix === 'i' ? 2 ** 31 - 1 : literal.suffix === 'u' ? 2 ** 32 - 1 : null;
    if (limit !== null && literal.value > limit) {
      const type = literal.suffix === 'i' ? 'i32' : 'u32';
      this.fail(
        `'${raw}' is out of range for ${type} (largest is ${limit})`,
        `Use a value up to ${limit}${literal.suffix}, or another type.`,
        start,
        literal.end,
      );
    }
    this.pos = literal.end;
    return { kind: 'number', text: raw, span: this.span(start, this.pos), ...literal };
  }

  private scanDecimal(start: number): NumberParts {
    let end = start;
    const whole = this.match(DIGITS, end);
    end += whole.length;
    const hasDot = this.src[end] === '.';
    if (hasDot) end += 1 + this.match(DIGITS, end + 1).length;
    const exp = this.match(EXPONENT, end);
    if (exp === '' && /[eE]/.test(this.src[end] ?? '')) {
      this.fail(
        `invalid number literal '${this.src.slice(start, end + 1)}': the exponent has no digits`,
        'Write digits after the e, e.g. 1e-3.',
        start,
        end + 1,
      );
    }
    end += exp.length;
    let isFloat = hasDot || exp !== '';
    if (!isFloat && whole.length > 1 && whole.startsWith('0')) {
      this.fail(
        `invalid number literal '${whole}': integers cannot have leading zeros`,
        `Write ${whole.replace(/^0+(?=.)/, '')}; WGSL has no octal literals.`,
        start,
        end,
      );
    }
    const s = this.src[end] ?? '';
    let suffix: LiteralSuffix = '';
    if (s === 'f' || s === 'h' || (!isFloat && (s === 'i' || s === 'u'))) {
      suffix = s;
      isFloat ||= s === 'f' || s === 'h';
      end++;
    }
    const digits = this.src.slice(start, end - suffix.length);
    return { end, value: Number(digits), isFloat, suffix };
  }

  private scanHex(start: number): NumberParts {
    let end = start + 2;
    const whole = this.match(HEX_DIGITS, end);
    end += whole.length;
    let fraction = '';
    const hasDot = this.src[end] === '.';
    if (hasDot) {
      fraction = this.match(HEX_DIGITS, end + 1);
      end += 1 + fraction.length;
    }
    const exp = this.match(HEX_EXPONENT, end);
    end += exp.length;
    if (whole === '' && fraction === '') {
      const text = this.src.slice(start, end);
      this.fail(
        `invalid number literal '${text}': no hex digits`,
        'Write digits after 0x, e.g. 0x1F.',
        start,
        end,
      );
    }
    const isFloat = hasDot || exp !== '';
    const s = this.src[end] ?? '';
    let suffix: LiteralSuffix = '';
    // A hex float may only take f or h after its exponent: before it they are hex digits.
    if ((!isFloat && (s === 'i' || s === 'u')) || (exp !== '' && (s === 'f' || s === 'h'))) {
      suffix = s;
      end++;
    }
    const mantissa = Number.parseInt(whole + fraction || '0', 16) / 16 ** fraction.length;
    const value = mantissa * 2 ** (exp === '' ? 0 : Number(exp.slice(1)));
    return { end, value, isFloat, suffix };
  }
}

interface NumberParts {
  readonly end: number;
  readonly value: number;
  readonly isFloat: boolean;
  readonly suffix: LiteralSuffix;
}

// Tokens that end every open candidate, as the spec's assignment, `;`, `{` and `:` do. As in the
// spec, `==`, `!=`, `>=`, `>>=` and `<=` right after a name are comparisons or shifts, not resets.
const RESETS = new Set([';', '{', ':', '=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<=']);

/** What is left of a symbol after its first `drop` characters closed template lists. */
function remainder(token: Token, drop: number): Token {
  const { span } = token;
  const text = token.text.slice(drop);
  return {
    kind: 'symbol',
    text,
    span: {
      offset: span.offset + drop,
      length: text.length,
      line: span.line,
      column: span.column + drop,
    },
  };
}

/**
 * WGSL's template-list discovery (WGSL spec §3.9), on tokens instead of characters. A name
 * followed by `<` opens a candidate list; the first `>` at the same bracket depth closes it,
 * unless a `;`, `{`, `:`, an assignment, or (at its depth) `&&`, `||` or a closing bracket comes
 * first. Closing `>`s are split off `>>`, `>=` and `>>=`, so `array<vec2<f32>>` closes two lists.
 * Like every WGSL compiler, this reads `f(a < b, c > d)` as a template list: write `(a < b)`.
 */
function discoverTemplates(input: readonly Token[]): Token[] {
  const out: Token[] = [];
  const pending: { index: number; depth: number }[] = [];
  let depth = 0;
  const dropDeeper = (): void => {
    while ((pending.at(-1)?.depth ?? -1) >= depth) pending.pop();
  };
  const emit = (token: Token): void => {
    const open = pending.at(-1);
    if (token.kind === 'symbol' && token.text.startsWith('>') && open?.depth === depth) {
      pending.pop();
      const start = out[open.index];
      if (start !== undefined) out[open.index] = { ...start, kind: 'templateStart' };
      out.push({ kind: 'templateEnd', text: '>', span: { ...token.span, length: 1 } });
      if (token.text.length > 1) emit(remainder(token, 1));
      return;
    }
    if (token.kind === 'symbol') {
      const t = token.text;
      if (t === '<' && out.at(-1)?.kind === 'ident') pending.push({ index: out.length, depth });
      else if (t === '(' || t === '[') depth++;
      else if (t === ')' || t === ']') {
        dropDeeper();
        depth = Math.max(0, depth - 1);
      } else if (t === '&&' || t === '||') dropDeeper();
      else if (RESETS.has(t) || (t === '<=' && out.at(-1)?.kind !== 'ident')) {
        depth = 0;
        pending.length = 0;
      }
    }
    out.push(token);
  };
  for (const token of input) emit(token);
  return out;
}
