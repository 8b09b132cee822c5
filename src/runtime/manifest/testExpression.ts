/**
 * The expressions of a manifest's test cases (`expect[].value`, `invariants[].value`): a small
 * arithmetic over a model's observables and state buffers, parsed here and evaluated by walking
 * the tree — never `eval`, so a manifest cannot run code.
 *
 *     position                       an observable (after its scale)
 *     temperature[17]                element 17 of a state buffer
 *     sum(temperature) / 256         sum, mean, min or max of a state buffer
 *     max(temperature) - min(temperature)
 *     abs(position - 500), sqrt(x), min(a, b), max(a, b)
 *     `axis-pos`                     a name with characters other than letters, digits, _ and .
 *
 * Numbers, unary minus, + - * / and parentheses; the usual precedence.
 */

export type Reduction = 'sum' | 'mean' | 'min' | 'max';
export type ScalarFunction = 'abs' | 'sqrt' | 'min' | 'max';

/** A parsed expression; `at` is the 0-based character where the node starts. */
export type TestExpression =
  | { readonly kind: 'number'; readonly value: number; readonly at: number }
  /** An observable (or, wrongly, a buffer: the checks say so). */
  | { readonly kind: 'name'; readonly name: string; readonly at: number }
  | {
      readonly kind: 'element';
      readonly buffer: string;
      readonly index: number;
      readonly at: number;
    }
  | {
      readonly kind: 'reduce';
      readonly fn: Reduction;
      readonly buffer: string;
      readonly at: number;
      /** Where the buffer's name starts. */
      readonly bufferAt: number;
    }
  | {
      readonly kind: 'call';
      readonly fn: ScalarFunction;
      readonly args: readonly TestExpression[];
      readonly at: number;
    }
  | { readonly kind: 'negate'; readonly operand: TestExpression; readonly at: number }
  | {
      readonly kind: 'binary';
      readonly op: '+' | '-' | '*' | '/';
      readonly left: TestExpression;
      readonly right: TestExpression;
      readonly at: number;
    };

/** A problem at character `at` (0-based) of an expression. */
export class TestExpressionError extends Error {
  override readonly name = 'TestExpressionError';
  constructor(
    readonly at: number,
    readonly problem: string,
  ) {
    super(`${problem} (character ${at + 1})`);
  }
}

type Token =
  | { readonly kind: 'number'; readonly value: number; readonly at: number }
  | { readonly kind: 'name'; readonly text: string; readonly at: number }
  | { readonly kind: 'symbol'; readonly text: string; readonly at: number }
  | { readonly kind: 'end'; readonly at: number };

const NUMBER = /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
const NAME = /[A-Za-z_][A-Za-z0-9_.]*/y;
const QUOTED = /`([^`]+)`/y;
const REDUCTIONS: ReadonlySet<string> = new Set(['sum', 'mean', 'min', 'max']);
const FUNCTIONS: ReadonlySet<string> = new Set(['sum', 'mean', 'min', 'max', 'abs', 'sqrt']);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  const match = (pattern: RegExp) => {
    pattern.lastIndex = at;
    return pattern.exec(text);
  };
  while (at < text.length) {
    const c = text[at]!;
    if (/\s/.test(c)) {
      at++;
      continue;
    }
    const number = /[\d.]/.test(c) ? match(NUMBER) : null;
    if (number) {
      tokens.push({ kind: 'number', value: Number(number[0]), at });
      at += number[0].length;
      continue;
    }
    const name = match(NAME) ?? match(QUOTED);
    if (name) {
      tokens.push({ kind: 'name', text: name[1] ?? name[0], at });
      at += name[0].length;
      continue;
    }
    if ('+-*/()[],'.includes(c)) {
      tokens.push({ kind: 'symbol', text: c, at });
      at++;
      continue;
    }
    throw new TestExpressionError(
      at,
      c === '`'
        ? 'unclosed ` — end the quoted name with `'
        : `unexpected \`${c}\` — use numbers, names, + - * /, parentheses and sum/mean/min/max/abs/sqrt`,
    );
  }
  tokens.push({ kind: 'end', at: text.length });
  return tokens;
}

/**
 * Parses an expression, or throws a TestExpressionError at the character that is wrong.
 *
 * @example parseTestExpression('sum(temperature) / 256') // { kind: 'binary', op: '/', … }
 */
export function parseTestExpression(text: string): TestExpression {
  const tokens = tokenize(text);
  let i = 0;
  const peek = () => tokens[i]!;
  const isSymbol = (s: string) => {
    const t = peek();
    return t.kind === 'symbol' && t.text === s;
  };
  const describe = (t: Token) =>
    t.kind === 'end' ? 'the end' : t.kind === 'number' ? `${t.value}` : `\`${t.text}\``;
  const expect = (s: string, fix: string) => {
    if (!isSymbol(s))
      throw new TestExpressionError(
        peek().at,
        `expected \`${s}\`, found ${describe(peek())} — ${fix}`,
      );
    i++;
  };

  const sum = (): TestExpression => {
    let left = product();
    while (isSymbol('+') || isSymbol('-')) {
      const op = (tokens[i++] as { text: '+' | '-' }).text;
      left = { kind: 'binary', op, left, right: product(), at: left.at };
    }
    return left;
  };
  const product = (): TestExpression => {
    let left = unary();
    while (isSymbol('*') || isSymbol('/')) {
      const op = (tokens[i++] as { text: '*' | '/' }).text;
      left = { kind: 'binary', op, left, right: unary(), at: left.at };
    }
    return left;
  };
  const unary = (): TestExpression => {
    if (isSymbol('-')) {
      const at = tokens[i++]!.at;
      return { kind: 'negate', operand: unary(), at };
    }
    return primary();
  };
  const primary = (): TestExpression => {
    const t = peek();
    if (t.kind === 'number') {
      i++;
      return { kind: 'number', value: t.value, at: t.at };
    }
    if (t.kind === 'symbol' && t.text === '(') {
      i++;
      const inner = sum();
      expect(')', 'close the parenthesis');
      return inner;
    }
    if (t.kind !== 'name')
      throw new TestExpressionError(
        t.at,
        `expected a number, a name or \`(\`, found ${describe(t)}${t.kind === 'end' ? ' — complete the expression' : ''}`,
      );
    i++;
    if (isSymbol('[')) {
      i++;
      const index = peek();
      if (index.kind !== 'number' || !Number.isInteger(index.value))
        throw new TestExpressionError(
          index.at,
          `the index of \`${t.text}\` must be a whole number, found ${describe(index)}`,
        );
      i++;
      expect(']', 'close the index');
      return { kind: 'element', buffer: t.text, index: index.value, at: t.at };
    }
    if (!isSymbol('(')) return { kind: 'name', name: t.text, at: t.at };
    if (!FUNCTIONS.has(t.text))
      throw new TestExpressionError(
        t.at,
        `unknown function \`${t.text}\` — use sum, mean, min or max of a buffer, or abs, sqrt, min or max of values`,
      );
    i++;
    const args: TestExpression[] = [];
    if (!isSymbol(')')) {
      args.push(sum());
      while (isSymbol(',')) {
        i++;
        args.push(sum());
      }
    }
    expect(')', `close the call of ${t.text}`);
    const only = args.length === 1 ? args[0]! : undefined;
    if (REDUCTIONS.has(t.text) && only?.kind === 'name')
      return {
        kind: 'reduce',
        fn: t.text as Reduction,
        buffer: only.name,
        at: t.at,
        bufferAt: only.at,
      };
    if (t.text === 'sum' || t.text === 'mean')
      throw new TestExpressionError(
        t.at,
        `${t.text}() takes the name of one state buffer, e.g. ${t.text}(temperature)`,
      );
    const extremum = t.text === 'min' || t.text === 'max';
    if (extremum ? args.length < 2 : args.length !== 1)
      throw new TestExpressionError(
        t.at,
        extremum
          ? `${t.text}() takes two or more values, or the name of one state buffer, got ${args.length}`
          : `${t.text}() takes one value, got ${args.length}`,
      );
    return { kind: 'call', fn: t.text as ScalarFunction, args, at: t.at };
  };

  const tree = sum();
  if (peek().kind !== 'end')
    throw new TestExpressionError(
      peek().at,
      `unexpected ${describe(peek())} after a complete expression — join the parts with an operator`,
    );
  return tree;
}

/** What an expression refers to, for checks: names used as scalars, buffers indexed or reduced. */
export function expressionReferences(expression: TestExpression): {
  readonly scalars: readonly { readonly name: string; readonly at: number }[];
  readonly buffers: readonly {
    readonly name: string;
    readonly at: number;
    readonly index?: number;
  }[];
} {
  const scalars: { name: string; at: number }[] = [];
  const buffers: { name: string; at: number; index?: number }[] = [];
  const visit = (e: TestExpression): void => {
    switch (e.kind) {
      case 'number':
        return;
      case 'name':
        scalars.push({ name: e.name, at: e.at });
        return;
      case 'element':
        buffers.push({ name: e.buffer, at: e.at, index: e.index });
        return;
      case 'reduce':
        buffers.push({ name: e.buffer, at: e.bufferAt });
        return;
      case 'call':
        e.args.forEach(visit);
        return;
      case 'negate':
        visit(e.operand);
        return;
      case 'binary':
        visit(e.left);
        visit(e.right);
        return;
    }
  };
  visit(expression);
  return { scalars, buffers };
}

/** The values an expression reads at one sample of a run. */
export interface ExpressionScope {
  /** An observable's value (after scale); undefined when there is none of that name. */
  observable(name: string): number | undefined;
  /** A state buffer's contents; undefined when there is none of that name. */
  buffer(name: string): ArrayLike<number> | undefined;
}

/**
 * The expression's value (float64) in `scope`. Names that do not resolve throw a
 * TestExpressionError; the manifest checks rule them out before a run.
 */
export function evaluateTestExpression(e: TestExpression, scope: ExpressionScope): number {
  const buffer = (name: string, at: number) => {
    const values = scope.buffer(name);
    if (values === undefined)
      throw new TestExpressionError(at, `no state buffer named \`${name}\``);
    return values;
  };
  switch (e.kind) {
    case 'number':
      return e.value;
    case 'name': {
      const value = scope.observable(e.name);
      if (value === undefined)
        throw new TestExpressionError(e.at, `no observable named \`${e.name}\``);
      return value;
    }
    case 'element': {
      const values = buffer(e.buffer, e.at);
      if (e.index < 0 || e.index >= values.length)
        throw new TestExpressionError(
          e.at,
          `index ${e.index} is outside \`${e.buffer}\` (length ${values.length})`,
        );
      return values[e.index]!;
    }
    case 'reduce': {
      const values = buffer(e.buffer, e.bufferAt);
      let total = 0;
      let low = Infinity;
      let high = -Infinity;
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!;
        total += v;
        // NaN poisons min and max too, so a diverged state fails every bound.
        low = Number.isNaN(v) || Number.isNaN(low) ? NaN : Math.min(low, v);
        high = Number.isNaN(v) || Number.isNaN(high) ? NaN : Math.max(high, v);
      }
      return { sum: total, mean: total / values.length, min: low, max: high }[e.fn];
    }
    case 'call':
      return apply(
        e.fn,
        e.args.map((a) => evaluateTestExpression(a, scope)),
      );
    case 'negate':
      return -evaluateTestExpression(e.operand, scope);
    case 'binary': {
      const a = evaluateTestExpression(e.left, scope);
      const b = evaluateTestExpression(e.right, scope);
      switch (e.op) {
        case '+':
          return a + b;
        case '-':
          return a - b;
        case '*':
          return a * b;
        case '/':
          return a / b;
      }
    }
  }
}

function apply(fn: ScalarFunction, args: readonly number[]): number {
  switch (fn) {
    case 'abs':
      return Math.abs(args[0]!);
    case 'sqrt':
      return Math.sqrt(args[0]!);
    case 'min':
      return Math.min(...args);
    case 'max':
      return Math.max(...args);
  }
}
