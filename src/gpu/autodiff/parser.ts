/**
 * A recursive-descent parser for WGSL that produces the syntax tree in ast.ts. Constructs outside
 * the differentiable subset (`while`, `loop`, `switch`, …) are recognised and kept as
 * `unsupported` statements so the checker can refuse them with their position.
 */
import type {
  AssignOp,
  Attribute,
  BinaryOp,
  Block,
  Decl,
  Expr,
  Module,
  Param,
  Span,
  Stmt,
  StructMember,
  TypeExpr,
} from './ast.ts';
import { KernelError } from './errors.ts';
import { KEYWORDS, tokenize, type LineComment, type Token } from './lexer.ts';

type Call = Extract<Expr, { kind: 'call' }>;
type If = Extract<Stmt, { kind: 'if' }>;
type Unsupported = Extract<Stmt, { kind: 'unsupported' }>['construct'];

// Operators as the lexer spells them; the tests exercise each one.
const ASSIGN_OPS: ReadonlySet<string> = new Set('= += -= *= /= %= &= |= ^= <<= >>='.split(' '));
const BINARY_OPS: ReadonlySet<string> = new Set(
  '+ - * / % << >> & | ^ && || == != < <= > >='.split(' '),
);
const RELATIONAL: ReadonlySet<string> = new Set('== != < <= > >='.split(' '));
const UNARY_OPS = new Set(['-', '!', '~', '&', '*'] as const);
type UnaryOp = typeof UNARY_OPS extends Set<infer T> ? T : never;
const ADDRESS_SPACES = ['storage', 'uniform', 'workgroup', 'private'] as const;
const ACCESS_MODES = ['read', 'write', 'read_write'] as const;
/** Template arguments that name an address space or access mode stay `ident` expressions. */
const ENUMERANTS = new Set<string>(['function', 'handle', ...ADDRESS_SPACES, ...ACCESS_MODES]);
const UNSUPPORTED_BLOCKS: ReadonlySet<string> = new Set(['while', 'loop', 'switch', 'continuing']);

/**
 * Parses WGSL source into a `Module`. Throws `KernelError('syntax', …)` with the line and column
 * of the first problem; `file` names the source in that error's message.
 *
 * @example
 * const module = parseWgsl(kernelSource, 'spring.wgsl');
 * const main = module.declarations.find((d) => d.kind === 'fn' && d.name === 'main');
 */
export function parseWgsl(source: string, file?: string): Module {
  const { tokens, comments } = tokenize(source, file);
  return new Parser(source, tokens, comments, file).parseModule();
}

function describe(token: Token): string {
  return token.kind === 'eof' ? 'the end of the file' : `'${token.text}'`;
}

function join(first: Span, last: Span): Span {
  return { ...first, length: last.offset + last.length - first.offset };
}

function isAssignable(e: Expr): boolean {
  switch (e.kind) {
    case 'ident':
      return true;
    case 'member':
    case 'index':
      return isAssignable(e.base);
    case 'paren':
      return isAssignable(e.inner);
    case 'unary':
      return (e.op === '*' || e.op === '&') && isAssignable(e.operand);
    default:
      return false;
  }
}

class Parser {
  private pos = 0;
  private readonly ownLineComments = new Map<number, LineComment>();

  constructor(
    private readonly source: string,
    private readonly tokens: readonly Token[],
    private readonly comments: readonly LineComment[],
    private readonly file: string | undefined,
  ) {
    for (const c of comments) if (c.ownLine) this.ownLineComments.set(c.span.line, c);
  }

  // ---- token access ----------------------------------------------------------------------

  private peek(ahead = 0): Token {
    const token = this.tokens[this.pos + ahead] ?? this.tokens.at(-1);
    if (token === undefined) throw new Error('parser: the token list has no eof token');
    return token;
  }

  private previous(): Token {
    return this.tokens[this.pos - 1] ?? this.peek();
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.pos++;
    return token;
  }

  /** The span from `start` to the end of the last consumed token. */
  private from(start: Span): Span {
    return join(start, this.previous().span);
  }

  /** True when the next token is the symbol or keyword `text`. */
  private at(text: string): boolean {
    const t = this.peek();
    return (t.kind === 'symbol' || t.kind === 'ident') && t.text === text;
  }

  private accept(text: string): Token | null {
    return this.at(text) ? this.next() : null;
  }

  private fail(problem: string, fix: string, span: Span = this.peek().span): never {
    throw new KernelError('syntax', problem, fix, span, this.file);
  }

  private expect(text: string, context: string, fix = `Write '${text}' here.`): Token {
    return (
      this.accept(text) ??
      this.fail(`expected '${text}' ${context}, found ${describe(this.peek())}`, fix)
    );
  }

  private expectSemicolon(context: string): Token {
    const before = this.previous();
    return this.expect(';', context, `Add ';' after '${before.text}' on line ${before.span.line}.`);
  }

  private expectName(context: string): Token {
    const t = this.peek();
    if (t.kind === 'ident' && !KEYWORDS.has(t.text) && t.text !== '_') return this.next();
    const found = KEYWORDS.has(t.text) ? `the keyword '${t.text}'` : describe(t);
    const fix =
      KEYWORDS.has(t.text) || t.text === '_'
        ? `'${t.text}' is reserved in WGSL; choose another name.`
        : 'Write a name: a letter or _ followed by letters, digits or _.';
    return this.fail(`expected a name ${context}, found ${found}`, fix);
  }

  // ---- module scope ----------------------------------------------------------------------

  parseModule(): Module {
    const declarations: Decl[] = [];
    let seenDeclaration = false;
    while (this.peek().kind !== 'eof') {
      if (this.accept(';')) continue;
      if (this.at('enable') || this.at('requires') || this.at('diagnostic')) {
        if (seenDeclaration) {
          this.fail(
            `directive '${this.peek().text}' must come before all declarations`,
            'Move it to the top of the file.',
          );
        }
        declarations.push(this.parseDirective());
      } else {
        declarations.push(this.parseDeclaration());
        seenDeclaration = true;
      }
    }
    return { declarations, source: this.source };
  }

  private parseDirective(): Decl {
    const start = this.next();
    if (start.text === 'diagnostic') {
      this.expect('(', "after 'diagnostic'", "Write it as 'diagnostic(off, rule_name);'.");
      this.skipBalanced('(', ')', "the 'diagnostic' directive", start.span);
    } else {
      do {
        if (this.at(';')) break;
        this.expectName(`in the '${start.text}' directive`);
      } while (this.accept(','));
    }
    const end = this.previous().span;
    this.expectSemicolon(`after the '${start.text}' directive`);
    const text = this.source.slice(start.span.offset, end.offset + end.length);
    return { kind: 'directive', text, span: this.from(start.span) };
  }

  private parseDeclaration(): Decl {
    const attributes = this.parseAttributes();
    const start = attributes[0]?.span ?? this.peek().span;
    const t = this.peek();
    const keyword = t.kind === 'ident' ? t.text : '';
    if (keyword === 'var') return this.parseGlobalVar(start, attributes);
    if (keyword === 'fn') return this.parseFunction(start, attributes);
    if (keyword === 'override' || (keyword === 'const' && attributes.length === 0)) {
      return this.parseConstant(start, attributes);
    }
    if (attributes.length > 0) {
      this.fail(
        `expected 'fn', 'var' or 'override' after the attributes, found ${describe(t)}`,
        'Attributes go on functions, module-scope variables, overrides, parameters and struct members.',
      );
    }
    if (keyword === 'struct') return this.parseStruct();
    if (keyword === 'alias') return this.parseAlias();
    if (keyword === 'const_assert') this.failConstAssert();
    if (this.at('}')) {
      this.fail("unexpected '}' with no matching '{'", 'Remove it, or check the braces above it.');
    }
    return this.fail(
      `expected a declaration (fn, struct, var, const, override or alias), found ${describe(t)}`,
      'Module scope holds only declarations; statements go inside a function body.',
    );
  }

  private failConstAssert(): never {
    throw new KernelError(
      'unsupported_construct',
      "'const_assert' is not supported in differentiable kernels",
      'Remove it and check the condition in TypeScript instead.',
      this.peek().span,
      this.file,
    );
  }

  private parseAttributes(): Attribute[] {
    const attributes: Attribute[] = [];
    while (this.at('@')) {
      const at = this.next();
      const name = this.peek();
      if (name.kind !== 'ident') {
        this.fail(
          `expected an attribute name after '@', found ${describe(name)}`,
          'Write an attribute such as @group(0) or @builtin(global_invocation_id).',
        );
      }
      this.next();
      const args = this.at('(') ? this.parseArguments(`'@${name.text}'`) : [];
      attributes.push({ name: name.text, args, span: this.from(at.span) });
    }
    return attributes;
  }

  private parseGlobalVar(start: Span, attributes: readonly Attribute[]): Decl {
    this.next();
    let addressSpace: (typeof ADDRESS_SPACES)[number] | null = null;
    let access: (typeof ACCESS_MODES)[number] | null = null;
    if (this.peek().kind === 'templateStart') {
      this.next();
      addressSpace = this.enumerant(
        ADDRESS_SPACES,
        'address space',
        'storage, uniform, workgroup or private',
      );
      if (this.accept(',') && this.peek().kind !== 'templateEnd') {
        access = this.enumerant(ACCESS_MODES, 'access mode', 'read, write or read_write');
        this.accept(',');
      }
      this.expectTemplateEnd('var');
    }
    const name = this.expectName("after 'var'");
    const type = this.accept(':') ? this.parseType("after ':'") : null;
    const init = this.accept('=') ? this.parseExpression() : null;
    this.expectSemicolon(`after the declaration of '${name.text}'`);
    return {
      kind: 'globalVar',
      name: name.text,
      nameSpan: name.span,
      addressSpace,
      access,
      type,
      init,
      attributes,
      comments: this.commentsFor(start, name.span),
      span: this.from(start),
    };
  }

  private enumerant<T extends string>(allowed: readonly T[], what: string, list: string): T {
    const t = this.peek();
    const found = allowed.find((a) => a === t.text && t.kind === 'ident');
    if (found === undefined) {
      const fix =
        t.text === 'function'
          ? 'Declare function-scope variables inside the function body.'
          : `Use ${list}.`;
      this.fail(`expected an ${what}, found ${describe(t)}`, fix);
    }
    this.next();
    return found;
  }

  private parseConstant(start: Span, attributes: readonly Attribute[]): Decl {
    const kind = this.next().text === 'const' ? 'const' : 'override';
    const name = this.expectName(`after '${kind}'`);
    const type = this.accept(':') ? this.parseType("after ':'") : null;
    const init = this.accept('=') ? this.parseExpression() : null;
    if (kind === 'const' && init === null) this.failMissingInit(kind, name.text);
    this.expectSemicolon(`after the declaration of '${name.text}'`);
    return {
      kind,
      name: name.text,
      nameSpan: name.span,
      type,
      init,
      attributes,
      span: this.from(start),
    };
  }

  private failMissingInit(keyword: string, name: string): never {
    return this.fail(
      `expected '=' and a value after '${keyword} ${name}', found ${describe(this.peek())}`,
      `A '${keyword}' needs a value: write '${keyword} ${name} = …;'.`,
    );
  }

  private parseStruct(): Decl {
    const start = this.next().span;
    const name = this.expectName("after 'struct'");
    this.expect('{', `after 'struct ${name.text}'`);
    const members: StructMember[] = [];
    while (!this.at('}')) {
      const attributes = this.parseAttributes();
      const member = this.expectName(`for a member of struct '${name.text}'`);
      this.expect(
        ':',
        `after the struct member '${member.text}'`,
        `Give it a type: '${member.text}: f32'.`,
      );
      const type = this.parseType("after ':'");
      members.push({
        name: member.text,
        type,
        attributes,
        span: this.from(attributes[0]?.span ?? member.span),
      });
      if (!this.accept(',')) break;
    }
    this.expect(
      '}',
      `after the members of struct '${name.text}'`,
      "Separate members with ',' and close the struct with '}'.",
    );
    return { kind: 'struct', name: name.text, members, span: this.from(start) };
  }

  private parseAlias(): Decl {
    const start = this.next().span;
    const name = this.expectName("after 'alias'");
    this.expect('=', `after 'alias ${name.text}'`);
    const type = this.parseType("after '='");
    this.expectSemicolon(`after the alias '${name.text}'`);
    return { kind: 'alias', name: name.text, type, span: this.from(start) };
  }

  private parseFunction(start: Span, attributes: readonly Attribute[]): Decl {
    this.next();
    const name = this.expectName("after 'fn'");
    this.expect('(', `after 'fn ${name.text}'`, `Write the parameter list: 'fn ${name.text}(…)'.`);
    const params: Param[] = [];
    while (!this.at(')')) {
      const paramAttributes = this.parseAttributes();
      const param = this.expectName(`for a parameter of '${name.text}'`);
      this.expect(
        ':',
        `after the parameter '${param.text}'`,
        `Give it a type: '${param.text}: f32'.`,
      );
      const type = this.parseType("after ':'");
      const span = this.from(paramAttributes[0]?.span ?? param.span);
      params.push({ name: param.text, type, attributes: paramAttributes, span });
      if (!this.accept(',')) break;
    }
    this.expect(
      ')',
      `after the parameters of '${name.text}'`,
      "Separate parameters with ',' and close the list with ')'.",
    );
    let returnType: TypeExpr | null = null;
    let returnAttributes: Attribute[] = [];
    if (this.accept('->')) {
      returnAttributes = this.parseAttributes();
      returnType = this.parseType("after '->'");
    }
    const body = this.parseBlock(`to start the body of '${name.text}'`);
    return {
      kind: 'fn',
      name: name.text,
      nameSpan: name.span,
      params,
      returnType,
      returnAttributes,
      attributes,
      body,
      comments: this.commentsFor(start, name.span),
      span: this.from(start),
    };
  }

  /**
   * `//` comments on the lines directly above a declaration, between its attributes and its
   * name, and at the end of its last line.
   */
  private commentsFor(start: Span, name: Span): string[] {
    const above: LineComment[] = [];
    for (let line = start.line - 1; ; line--) {
      const comment = this.ownLineComments.get(line);
      if (comment === undefined) break;
      above.unshift(comment);
    }
    const endLine = this.previous().span.line;
    const rest = this.comments.filter(
      (c) =>
        (c.ownLine && c.span.offset > start.offset && c.span.offset < name.offset) ||
        (!c.ownLine && c.span.line === endLine && c.span.offset > start.offset),
    );
    return [...above, ...rest].map((c) => c.text);
  }

  // ---- types -----------------------------------------------------------------------------

  private parseType(context: string): TypeExpr {
    const t = this.peek();
    if (t.kind !== 'ident' || KEYWORDS.has(t.text) || t.text === '_') {
      this.fail(
        `expected a type ${context}, found ${describe(t)}`,
        'Write a type such as f32, vec3f, array<f32> or a struct name.',
      );
    }
    this.next();
    const args = this.peek().kind === 'templateStart' ? this.parseTemplateArgs(t.text) : [];
    return { kind: 'type', name: t.text, args, span: this.from(t.span) };
  }

  private parseTemplateArgs(generator: string): (TypeExpr | Expr)[] {
    this.next();
    const args: (TypeExpr | Expr)[] = [];
    while (this.peek().kind !== 'templateEnd') {
      args.push(this.parseTemplateArg(generator, args.length));
      if (!this.accept(',')) break;
    }
    this.expectTemplateEnd(generator);
    return args;
  }

  private expectTemplateEnd(generator: string): void {
    if (this.peek().kind !== 'templateEnd') {
      this.fail(
        `expected ',' or '>' in the template list of '${generator}', found ${describe(this.peek())}`,
        "Close the template list with '>', or remove the extra argument.",
      );
    }
    this.next();
  }

  /**
   * Template arguments are expressions in WGSL's grammar; a bare or templated name becomes a
   * `TypeExpr`, except an array's length and address-space or access-mode words.
   */
  private parseTemplateArg(generator: string, index: number): TypeExpr | Expr {
    const t = this.peek();
    const after = this.peek(1);
    const isLength = generator === 'array' && index === 1;
    if (t.kind === 'ident' && !KEYWORDS.has(t.text) && !isLength) {
      if (after.kind === 'templateStart') return this.parseType('as a template argument');
      if (after.kind === 'templateEnd' || (after.kind === 'symbol' && after.text === ',')) {
        if (!ENUMERANTS.has(t.text)) return this.parseType('as a template argument');
        this.next();
        return { kind: 'ident', name: t.text, span: t.span };
      }
    }
    return this.parseExpression();
  }

  // ---- statements ------------------------------------------------------------------------

  private parseBlock(context: string): Block {
    const open = this.expect('{', context, 'WGSL requires braces around every body: { … }.');
    const statements: Stmt[] = [];
    while (!this.at('}')) {
      if (this.peek().kind === 'eof') {
        const { line, column } = open.span;
        this.fail(
          `expected '}' to close the block opened at line ${line}, column ${column}, found the end of the file`,
          "Add the missing '}'.",
        );
      }
      const statement = this.parseStatement();
      if (statement !== null) statements.push(statement);
    }
    this.next();
    return { kind: 'block', statements, span: this.from(open.span) };
  }

  /** One statement, or null for an empty `;`. */
  private parseStatement(): Stmt | null {
    const t = this.peek();
    const start = t.span;
    if (this.accept(';')) return null;
    if (this.at('{')) return this.parseBlock('to start the block');
    if (t.kind === 'ident' && UNSUPPORTED_BLOCKS.has(t.text)) {
      return this.skipUnsupported(t.text as Unsupported);
    }
    switch (t.kind === 'ident' ? t.text : '') {
      case 'if':
        return this.parseIf();
      case 'for':
        return this.parseFor();
      case 'return': {
        this.next();
        const value = this.at(';') ? null : this.parseExpression();
        this.expectSemicolon('after the return statement');
        return { kind: 'return', value, span: this.from(start) };
      }
      case 'break':
        this.next();
        if (this.at('if')) return this.skipToSemicolon('break if', start);
        this.expectSemicolon("after 'break'");
        return { kind: 'break', span: this.from(start) };
      case 'continue':
        this.next();
        this.expectSemicolon("after 'continue'");
        return { kind: 'continue', span: this.from(start) };
      case 'discard':
        this.next();
        this.expectSemicolon("after 'discard'");
        return { kind: 'unsupported', construct: 'discard', span: this.from(start) };
      case 'const_assert':
        return this.failConstAssert();
      case 'else':
        return this.fail("'else' without a matching 'if'", "Put it right after the '}' of an if.");
    }
    const statement = this.parseSimpleStatement('statement');
    this.expectSemicolon('after the statement');
    return { ...statement, span: this.from(start) };
  }

  /** Declarations, assignments, `++`/`--` and calls: what may also appear in a for header. */
  private parseSimpleStatement(where: 'statement' | 'for-loop update'): Stmt {
    const t = this.peek();
    if (t.kind === 'ident' && (t.text === 'let' || t.text === 'var' || t.text === 'const')) {
      if (where === 'for-loop update') {
        this.fail(
          `expected an assignment, increment or call in the for-loop update, found ${describe(t)}`,
          'Declare the variable in the for-loop initializer instead.',
        );
      }
      return this.parseLocalDeclaration();
    }
    if (t.kind === 'ident' && t.text === '_') {
      this.next();
      this.expect('=', "after '_'", "Write '_ = value;' to evaluate and discard a value.");
      const value = this.parseExpression();
      const target: Expr = { kind: 'ident', name: '_', span: t.span };
      return { kind: 'assign', op: '=', target, value, span: this.from(t.span) };
    }
    if (
      t.kind !== 'ident' &&
      !(t.kind === 'symbol' && (t.text === '*' || t.text === '&' || t.text === '('))
    ) {
      this.fail(
        `expected a ${where}, found ${describe(t)}`,
        'Write a declaration, an assignment, an increment or a function call.',
      );
    }
    const target = this.parseUnary();
    const op = this.peek();
    if (op.kind === 'symbol' && (ASSIGN_OPS.has(op.text) || op.text === '++' || op.text === '--')) {
      if (!isAssignable(target)) {
        this.fail(
          `cannot assign to '${this.text(target.span)}'`,
          'Assign to a variable, a struct field, an element or a dereferenced pointer.',
          target.span,
        );
      }
      this.next();
      if (op.text === '++' || op.text === '--') {
        return { kind: 'increment', op: op.text, target, span: this.from(t.span) };
      }
      const value = this.parseExpression();
      return { kind: 'assign', op: op.text as AssignOp, target, value, span: this.from(t.span) };
    }
    if (target.kind === 'call') return { kind: 'call', call: target, span: target.span };
    return this.fail(
      `expected '=', '++', '--' or a call after '${this.text(target.span)}', found ${describe(op)}`,
      `A ${where} must assign, increment or call; a value on its own can be discarded with '_ = …'.`,
    );
  }

  private parseLocalDeclaration(): Stmt {
    const keyword = this.next();
    const declaration = keyword.text as 'let' | 'var' | 'const';
    if (declaration === 'var' && this.peek().kind === 'templateStart') {
      this.next();
      const space = this.peek();
      if (!(space.kind === 'ident' && space.text === 'function')) {
        this.fail(
          `expected 'function' as the address space of a local variable, found ${describe(space)}`,
          `Declare '${space.text}' variables at module scope, or drop the '<…>'.`,
        );
      }
      this.next();
      this.expectTemplateEnd('var');
    }
    const name = this.expectName(`after '${declaration}'`);
    const type = this.accept(':') ? this.parseType("after ':'") : null;
    const init = this.accept('=') ? this.parseExpression() : null;
    if (declaration !== 'var' && init === null) this.failMissingInit(declaration, name.text);
    return {
      kind: 'declare',
      declaration,
      name: name.text,
      nameSpan: name.span,
      type,
      init,
      span: this.from(keyword.span),
    };
  }

  private parseIf(): If {
    const start = this.next().span;
    const condition = this.parseExpression();
    const then = this.parseBlock('after the if condition');
    let otherwise: If | Block | null = null;
    if (this.accept('else')) {
      otherwise = this.at('if') ? this.parseIf() : this.parseBlock("after 'else'");
    }
    return { kind: 'if', condition, then, otherwise, span: this.from(start) };
  }

  private parseFor(): Stmt {
    const start = this.next().span;
    this.expect('(', "after 'for'", 'Write for (var i = 0u; i < n; i++) { … }.');
    const init = this.at(';') ? null : this.parseSimpleStatement('statement');
    this.expectSemicolon('after the for-loop initializer');
    const condition = this.at(';') ? null : this.parseExpression();
    this.expectSemicolon('after the for-loop condition');
    const update = this.at(')') ? null : this.parseSimpleStatement('for-loop update');
    this.expect(')', 'after the for-loop update', "Close the for-loop header with ')'.");
    const body = this.parseBlock('to start the for-loop body');
    return { kind: 'for', init, condition, update, body, span: this.from(start) };
  }

  /** Skips `while …`, `loop`, `switch …` or `continuing` with its braced body. */
  private skipUnsupported(construct: Unsupported): Stmt {
    const start = this.next().span;
    let depth = 0;
    while (depth > 0 || !this.at('{')) {
      const t = this.peek();
      if (t.kind === 'eof' || (depth === 0 && (this.at(';') || this.at('}')))) {
        this.fail(
          `expected '{' to start the '${construct}' body, found ${describe(t)}`,
          'WGSL requires braces around every body: { … }.',
        );
      }
      if (this.at('(') || this.at('[')) depth++;
      if (this.at(')') || this.at(']')) depth--;
      this.next();
    }
    const open = this.next().span;
    this.skipBalanced('{', '}', `the '${construct}' body`, open);
    return { kind: 'unsupported', construct, span: this.from(start) };
  }

  /** Skips the condition of `break if cond;`. */
  private skipToSemicolon(construct: Unsupported, start: Span): Stmt {
    let depth = 0;
    while (depth > 0 || !this.at(';')) {
      if (this.peek().kind === 'eof' || (depth === 0 && this.at('}'))) {
        this.expectSemicolon(`after '${construct}'`);
      }
      if (this.at('(') || this.at('[')) depth++;
      if (this.at(')') || this.at(']')) depth--;
      this.next();
    }
    this.next();
    return { kind: 'unsupported', construct, span: this.from(start) };
  }

  /** Consumes tokens up to the `close` matching an already consumed `open`. */
  private skipBalanced(open: string, close: string, what: string, opened: Span): void {
    for (let depth = 1; depth > 0;) {
      if (this.peek().kind === 'eof') {
        this.fail(
          `expected '${close}' to close ${what} opened at line ${opened.line}, column ${opened.column}, found the end of the file`,
          `Add the missing '${close}'.`,
        );
      }
      if (this.at(open)) depth++;
      if (this.at(close)) depth--;
      this.next();
    }
  }

  // ---- expressions -----------------------------------------------------------------------

  private text(span: Span): string {
    return this.source.slice(span.offset, span.offset + span.length);
  }

  private binaryOp(): BinaryOp | null {
    const t = this.peek();
    return t.kind === 'symbol' && BINARY_OPS.has(t.text) ? (t.text as BinaryOp) : null;
  }

  private binary(op: BinaryOp, left: Expr, right: Expr): Expr {
    return { kind: 'binary', op, left, right, span: join(left.span, right.span) };
  }

  /**
   * WGSL's expression grammar: `&`, `|` and `^` chain only with themselves and take unary
   * operands; `&&` and `||` chain only with themselves and take relational operands; comparisons
   * and shifts do not chain. Anything else must be parenthesised.
   */
  private parseExpression(): Expr {
    const first = this.parseUnary();
    const op = this.binaryOp();
    let result: Expr;
    if (op === '&' || op === '|' || op === '^') {
      result = this.parseChain(first, op, () => this.parseUnary());
    } else {
      result = this.parseRelational(first);
      const logical = this.binaryOp();
      if (logical === '&&' || logical === '||') {
        result = this.parseChain(result, logical, () => this.parseRelational(this.parseUnary()));
      }
    }
    const extra = this.binaryOp();
    if (extra !== null) this.failMixed(result, extra);
    return result;
  }

  private failMixed(left: Expr, op: BinaryOp): never {
    const previous = left.kind === 'binary' ? left.op : null;
    const problem =
      previous === op
        ? `'${op}' cannot be chained without parentheses`
        : `'${previous ?? '?'}' and '${op}' cannot be mixed without parentheses`;
    return this.fail(
      problem,
      `Add parentheses to make the order explicit, e.g. '(${this.text(left.span)}) ${op} …'.`,
    );
  }

  private parseChain(first: Expr, op: BinaryOp, operand: () => Expr): Expr {
    let left = first;
    while (this.binaryOp() === op) {
      this.next();
      left = this.binary(op, left, operand());
    }
    return left;
  }

  private parseRelational(first: Expr): Expr {
    const left = this.parseShift(first);
    const op = this.binaryOp();
    if (op === null || !RELATIONAL.has(op)) return left;
    this.next();
    return this.binary(op, left, this.parseShift(this.parseUnary()));
  }

  private parseShift(first: Expr): Expr {
    const op = this.binaryOp();
    if (op === '<<' || op === '>>') {
      this.next();
      return this.binary(op, first, this.parseUnary());
    }
    let left = this.parseMultiplicative(first);
    for (let add = this.binaryOp(); add === '+' || add === '-'; add = this.binaryOp()) {
      this.next();
      left = this.binary(add, left, this.parseMultiplicative(this.parseUnary()));
    }
    return left;
  }

  private parseMultiplicative(first: Expr): Expr {
    let left = first;
    for (let op = this.binaryOp(); op === '*' || op === '/' || op === '%'; op = this.binaryOp()) {
      this.next();
      left = this.binary(op, left, this.parseUnary());
    }
    return left;
  }

  private parseUnary(): Expr {
    const t = this.peek();
    if (t.kind === 'symbol' && UNARY_OPS.has(t.text as UnaryOp)) {
      this.next();
      const operand = this.parseUnary();
      return { kind: 'unary', op: t.text as UnaryOp, operand, span: this.from(t.span) };
    }
    let base = this.parsePrimary();
    for (;;) {
      if (this.accept('[')) {
        const index = this.parseExpression();
        this.expect(']', 'after the index', "Close the index with ']'.");
        base = { kind: 'index', base, index, span: this.from(base.span) };
      } else if (this.accept('.')) {
        const member = this.peek();
        if (member.kind !== 'ident') {
          this.fail(
            `expected a field or swizzle name after '.', found ${describe(member)}`,
            'Write a field name or a swizzle such as .x or .xyz.',
          );
        }
        this.next();
        base = {
          kind: 'member',
          base,
          member: member.text,
          memberSpan: member.span,
          span: this.from(base.span),
        };
      } else {
        return base;
      }
    }
  }

  private parsePrimary(): Expr {
    const t = this.peek();
    if (t.kind === 'number') {
      this.next();
      const { text: raw, value, isFloat, suffix, span } = t;
      return { kind: 'number', raw, value, isFloat, suffix, span };
    }
    if (t.kind === 'ident' && (t.text === 'true' || t.text === 'false')) {
      this.next();
      return { kind: 'bool', value: t.text === 'true', span: t.span };
    }
    if (t.kind === 'ident' && !KEYWORDS.has(t.text) && t.text !== '_') {
      this.next();
      if (this.peek().kind === 'templateStart') {
        const templateArgs = this.parseTemplateArgs(t.text);
        if (!this.at('(')) {
          this.fail(
            `'${this.text(this.from(t.span))}' reads as a template list, which must be followed by '(' here, found ${describe(this.peek())}`,
            `If '<' and '>' are comparisons, put each in parentheses, e.g. '(${t.text} < …)'.`,
          );
        }
        return this.parseCall(t, templateArgs);
      }
      if (this.at('(')) return this.parseCall(t, []);
      return { kind: 'ident', name: t.text, span: t.span };
    }
    if (this.accept('(')) {
      const inner = this.parseExpression();
      const { line, column } = t.span;
      this.expect(
        ')',
        `to close the '(' at line ${line}, column ${column}`,
        "Add the missing ')'.",
      );
      return { kind: 'paren', inner, span: this.from(t.span) };
    }
    return this.fail(
      `expected an expression, found ${describe(t)}`,
      'Write a value, a variable, a call or a parenthesised expression.',
    );
  }

  private parseCall(callee: Token, templateArgs: (TypeExpr | Expr)[]): Call {
    const args = this.parseArguments(`'${callee.text}'`);
    return {
      kind: 'call',
      callee: callee.text,
      templateArgs,
      args,
      calleeSpan: callee.span,
      span: this.from(callee.span),
    };
  }

  /** `( a, b, )`: a trailing comma is allowed. */
  private parseArguments(owner: string): Expr[] {
    this.next();
    const args: Expr[] = [];
    while (!this.at(')')) {
      args.push(this.parseExpression());
      if (!this.accept(',')) break;
    }
    this.expect(
      ')',
      `or ',' in the arguments of ${owner}`,
      "Separate arguments with ',' and close the list with ')'.",
    );
    return args;
  }
}
