import { describe, expect, it } from 'vitest';
import type { Decl, Expr, Stmt, TypeExpr } from './ast.ts';
import { KernelError } from './errors.ts';
import { parseWgsl } from './parser.ts';

/** Renders an expression or type compactly: binary and unary as prefix lists, calls as written. */
function show(e: Expr | TypeExpr): string {
  const list = (items: readonly (Expr | TypeExpr)[]): string => items.map(show).join(', ');
  switch (e.kind) {
    case 'type':
      return e.args.length === 0 ? e.name : `${e.name}<${list(e.args)}>`;
    case 'number':
      return e.raw;
    case 'bool':
      return String(e.value);
    case 'ident':
      return e.name;
    case 'unary':
      return `(${e.op} ${show(e.operand)})`;
    case 'binary':
      return `(${e.op} ${show(e.left)} ${show(e.right)})`;
    case 'call':
      return `${e.callee}${e.templateArgs.length > 0 ? `<${list(e.templateArgs)}>` : ''}(${list(e.args)})`;
    case 'index':
      return `${show(e.base)}[${show(e.index)}]`;
    case 'member':
      return `${show(e.base)}.${e.member}`;
    case 'paren':
      return `{${show(e.inner)}}`;
  }
}

/** The expression `source` as the value of `_ = …;`, whose first character is at column 14. */
function expr(source: string): Expr {
  const body = fnBody(`_ = ${source};`, 'fn f() { ', ' }');
  const statement = body[0];
  if (statement?.kind !== 'assign') throw new Error('expected an assignment');
  return statement.value;
}

/** The statements of a function whose body starts on line 2, column 1. */
function fnBody(source: string, before = 'fn f() {\n', after = '\n}'): readonly Stmt[] {
  const decl = parseWgsl(before + source + after).declarations[0];
  if (decl?.kind !== 'fn') throw new Error('expected a function');
  return decl.body.statements;
}

function declOf<K extends Decl['kind']>(
  source: string,
  kind: K,
  index = 0,
): Extract<Decl, { kind: K }> {
  const decl = parseWgsl(source).declarations[index];
  if (decl?.kind !== kind) throw new Error(`expected a ${kind}, found ${decl?.kind}`);
  return decl as Extract<Decl, { kind: K }>;
}

function typeOf(source: string): TypeExpr {
  const type = declOf(`var<private> x: ${source};`, 'globalVar').type;
  if (type === null) throw new Error('expected a type');
  return type;
}

function syntaxError(source: string): KernelError {
  try {
    parseWgsl(source, 'k.wgsl');
  } catch (error) {
    if (error instanceof KernelError) return error;
    throw error;
  }
  throw new Error(`expected a KernelError for ${JSON.stringify(source)}`);
}

const at = (line: number, column: number) => ({
  span: expect.objectContaining({ line, column }) as unknown,
});

describe('module-scope declarations', () => {
  it('parses a struct with attributes on members and a trailing comma', () => {
    const s = declOf('struct S { a: vec4f, @align(16) b: f32, }', 'struct');
    expect(s.name).toBe('S');
    expect(s.members.map((m) => [m.name, show(m.type), m.attributes.map((a) => a.name)])).toEqual([
      ['a', 'vec4f', []],
      ['b', 'f32', ['align']],
    ]);
    expect(s.members[1]?.span).toEqual({ offset: 21, length: 17, line: 1, column: 22 });
    expect(s.members[1]?.attributes[0]?.args.map(show)).toEqual(['16']);
    expect(s.span).toEqual({ offset: 0, length: 41, line: 1, column: 1 });
  });

  it('parses a storage buffer with its bindings, address space and access mode', () => {
    const v = declOf(
      '@group(0) @binding(1) var<storage, read_write> name: array<f32>;',
      'globalVar',
    );
    expect(v).toMatchObject({
      name: 'name',
      nameSpan: { line: 1, column: 48, length: 4 },
      addressSpace: 'storage',
      access: 'read_write',
      init: null,
      span: { offset: 0, line: 1, column: 1, length: 64 },
    });
    expect(v.attributes.map((a) => `${a.name}(${a.args.map(show).join()})`)).toEqual([
      'group(0)',
      'binding(1)',
    ]);
    expect(v.type && show(v.type)).toBe('array<f32>');
  });

  it('parses uniform, workgroup and private variables', () => {
    const decls = parseWgsl(
      'var<uniform> p: Params;\nvar<workgroup> tile: array<f32, 64>;\nvar<private> x: f32 = 1.0;\nvar<storage> r: array<u32>;',
    ).declarations;
    expect(
      decls.map((d) =>
        d.kind === 'globalVar'
          ? [d.addressSpace, d.access, d.type && show(d.type), d.init && show(d.init)]
          : null,
      ),
    ).toEqual([
      ['uniform', null, 'Params', null],
      ['workgroup', null, 'array<f32, 64>', null],
      ['private', null, 'f32', '1.0'],
      ['storage', null, 'array<u32>', null],
    ]);
  });

  it('parses const and override declarations with and without types', () => {
    const decls = parseWgsl(
      'const N = 16u;\nconst K: f32 = 2.0;\noverride W: u32 = 64;\n@id(3) override H: f32;',
    ).declarations;
    expect(decls).toMatchObject([
      {
        kind: 'const',
        name: 'N',
        type: null,
        init: { raw: '16u', suffix: 'u' },
        span: { line: 1, length: 14 },
      },
      { kind: 'const', name: 'K', type: { name: 'f32' }, init: { raw: '2.0', isFloat: true } },
      { kind: 'override', name: 'W', type: { name: 'u32' }, init: { value: 64 } },
      {
        kind: 'override',
        name: 'H',
        init: null,
        attributes: [{ name: 'id' }],
        span: { line: 4, column: 1 },
      },
    ]);
  });

  it('parses a type alias', () => {
    expect(declOf('alias Float3 = vec3<f32>;', 'alias')).toMatchObject({
      name: 'Float3',
      type: {
        name: 'vec3',
        args: [{ kind: 'type', name: 'f32' }],
        span: { column: 16, length: 9 },
      },
      span: { length: 25 },
    });
  });

  it('parses a function with attributes, parameter attributes and a return type', () => {
    const f = declOf(
      'fn name(a: f32, @builtin(global_invocation_id) gid: vec3u,) -> f32 { return a; }',
      'fn',
    );
    expect(f.params.map((p) => [p.name, show(p.type), p.attributes.map((a) => a.name)])).toEqual([
      ['a', 'f32', []],
      ['gid', 'vec3u', ['builtin']],
    ]);
    expect(f.params[1]?.attributes[0]?.args.map(show)).toEqual(['global_invocation_id']);
    expect(f.params[1]?.span).toMatchObject({ column: 17, length: 41 });
    expect(f.returnType && show(f.returnType)).toBe('f32');
    expect(f.nameSpan).toMatchObject({ column: 4, length: 4 });
  });

  it('keeps compute attributes and return attributes apart', () => {
    const compute = declOf('@compute @workgroup_size(8, 8, 1)\nfn main() {}', 'fn');
    expect(compute.attributes.map((a) => [a.name, a.args.map(show)])).toEqual([
      ['compute', []],
      ['workgroup_size', ['8', '8', '1']],
    ]);
    expect(compute.span).toMatchObject({ line: 1, column: 1, length: 46 });
    const fragment = declOf('@fragment fn fs() -> @location(0) vec4f { return vec4f(1.0); }', 'fn');
    expect(fragment.returnAttributes).toMatchObject([{ name: 'location', span: { column: 22 } }]);
    expect(fragment.returnType?.name).toBe('vec4f');
  });

  it('keeps directives as text', () => {
    const decls = parseWgsl(
      'enable f16;\nrequires readonly_and_readwrite_storage_textures;\ndiagnostic(off, derivative_uniformity);\n;\nconst a = 1;',
    ).declarations;
    expect(decls.map((d) => (d.kind === 'directive' ? d.text : d.kind))).toEqual([
      'enable f16',
      'requires readonly_and_readwrite_storage_textures',
      'diagnostic(off, derivative_uniformity)',
      'const',
    ]);
    expect(decls[2]?.span).toEqual({ offset: 62, length: 39, line: 3, column: 1 });
  });
});

describe('types', () => {
  it.each([
    ['vec3<f32>', 'vec3<f32>'],
    ['vec3f', 'vec3f'],
    ['mat4x4f', 'mat4x4f'],
    ['array<vec4f, 16>', 'array<vec4f, 16>'],
    ['array<f32, N>', 'array<f32, N>'],
    ['array<f32, N * 2u>', 'array<f32, (* N 2u)>'],
    ['atomic<u32>', 'atomic<u32>'],
    ['ptr<function, f32>', 'ptr<function, f32>'],
    ['ptr<storage, array<f32>, read_write>', 'ptr<storage, array<f32>, read_write>'],
    ['array<array<f32, 4>, 4>', 'array<array<f32, 4>, 4>'],
    ['array<vec2<f32>>', 'array<vec2<f32>>'],
    ['array<array<vec2<f32>, 2>>', 'array<array<vec2<f32>, 2>>'],
    ['vec3<f32,>', 'vec3<f32>'],
  ])('parses %s', (source, shown) => {
    expect(show(typeOf(source))).toBe(shown);
  });

  it('keeps an array length as an expression and address spaces as names', () => {
    expect(typeOf('array<f32, N>').args).toMatchObject([
      { kind: 'type', name: 'f32' },
      { kind: 'ident', name: 'N' },
    ]);
    expect(typeOf('ptr<function, f32>').args).toMatchObject([
      { kind: 'ident', name: 'function' },
      { kind: 'type', name: 'f32' },
    ]);
  });

  it('gives nested template types exact spans when >> closes two lists', () => {
    const outer = typeOf('array<vec2<f32>>');
    expect(outer.span).toEqual({ offset: 16, length: 16, line: 1, column: 17 });
    expect(outer.args[0]?.span).toEqual({ offset: 22, length: 9, line: 1, column: 23 });
  });
});

describe('statements', () => {
  it('parses let, var and const declarations', () => {
    const statements = fnBody(
      'let a = 1;\nvar b: f32;\nvar<function> c: i32 = 2i;\nconst d: u32 = 3u;\nvar e = a;',
    );
    expect(
      statements.map((s) =>
        s.kind === 'declare'
          ? [s.declaration, s.name, s.type && show(s.type), s.init && show(s.init)]
          : s.kind,
      ),
    ).toEqual([
      ['let', 'a', null, '1'],
      ['var', 'b', 'f32', null],
      ['var', 'c', 'i32', '2i'],
      ['const', 'd', 'u32', '3u'],
      ['var', 'e', null, 'a'],
    ]);
    expect(statements[2]).toMatchObject({
      nameSpan: { line: 4, column: 15 },
      span: { line: 4, column: 1, length: 26 },
    });
  });

  it('parses every assignment operator', () => {
    const ops = ['=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<=', '>>='];
    const statements = fnBody(ops.map((op) => `x ${op} y;`).join('\n'));
    expect(statements.map((s) => (s.kind === 'assign' ? s.op : s.kind))).toEqual(ops);
    expect(statements[10]).toMatchObject({
      target: { name: 'x' },
      value: { name: 'y', span: { column: 7 } },
    });
  });

  it('parses assignments to fields, elements and dereferenced pointers', () => {
    const statements = fnBody('s[i].u.y = 1.0;\n*p = 2.0;\n(*q).x += 1.0;\n_ = f(x);');
    expect(
      statements.map((s) =>
        s.kind === 'assign' ? `${show(s.target)} ${s.op} ${show(s.value)}` : s.kind,
      ),
    ).toEqual(['s[i].u.y = 1.0', '(* p) = 2.0', '{(* q)}.x += 1.0', '_ = f(x)']);
    expect(statements[3]).toMatchObject({
      target: { kind: 'ident', name: '_', span: { line: 5, column: 1, length: 1 } },
    });
  });

  it('parses increments, decrements and call statements', () => {
    const statements = fnBody('x++;\na[i].y--;\nstoreValue(a, 2u);\natomicAdd(&counter, 1u);');
    expect(statements).toMatchObject([
      { kind: 'increment', op: '++', target: { name: 'x' }, span: { line: 2, length: 4 } },
      { kind: 'increment', op: '--', span: { line: 3, length: 9 } },
      {
        kind: 'call',
        call: { callee: 'storeValue', args: [{ name: 'a' }, { raw: '2u' }] },
        span: { line: 4, length: 18 },
      },
      { kind: 'call', call: { args: [{ kind: 'unary', op: '&' }, { raw: '1u' }] } },
    ]);
  });

  it('parses if, else if and else, with or without parentheses', () => {
    const [statement] = fnBody('if (a) { x = 1; } else if b < c { x = 2; } else { x = 3; }');
    if (statement?.kind !== 'if') throw new Error('expected if');
    expect(show(statement.condition)).toBe('{a}');
    const elseIf = statement.otherwise;
    if (elseIf?.kind !== 'if') throw new Error('expected else if');
    expect(show(elseIf.condition)).toBe('(< b c)');
    expect(elseIf.span).toMatchObject({ line: 2, column: 24, length: 35 });
    expect(elseIf.otherwise).toMatchObject({
      kind: 'block',
      statements: [{ kind: 'assign' }],
      span: { column: 49 },
    });
    expect(statement.span).toMatchObject({ line: 2, column: 1, length: 58 });
  });

  it('parses for loops with any part left out', () => {
    const loops = fnBody(
      'for (var i = 0u; i < n; i++) { }\nfor (;;) { break; }\nfor (i = 0u; i < n; i += 2u) {}\nfor (let k = 1; ; step(k)) { continue; }',
    );
    expect(loops).toMatchObject([
      {
        kind: 'for',
        init: { kind: 'declare', declaration: 'var', name: 'i', span: { column: 6, length: 10 } },
        condition: { kind: 'binary', op: '<' },
        update: { kind: 'increment', span: { column: 25, length: 3 } },
        body: { statements: [] },
        span: { line: 2, column: 1, length: 32 },
      },
      { init: null, condition: null, update: null, body: { statements: [{ kind: 'break' }] } },
      { init: { kind: 'assign', op: '=' }, update: { kind: 'assign', op: '+=' } },
      {
        init: { declaration: 'let' },
        condition: null,
        update: { kind: 'call' },
        body: { statements: [{ kind: 'continue' }] },
      },
    ]);
  });

  it('parses returns, nested blocks and empty statements', () => {
    const statements = fnBody('return;\n{ let a = 1; { return a + 1; } };\nreturn f(x);');
    expect(statements).toMatchObject([
      { kind: 'return', value: null, span: { length: 7 } },
      {
        kind: 'block',
        statements: [
          { kind: 'declare' },
          { kind: 'block', statements: [{ kind: 'return', value: { op: '+' } }] },
        ],
      },
      { kind: 'return', value: { kind: 'call', callee: 'f' }, span: { line: 4, length: 12 } },
    ]);
  });
});

describe('constructs outside the differentiable subset', () => {
  it('recognises each with the span of the whole construct and goes on after it', () => {
    const source = [
      'while i < 4u { i++; if x { break; } }',
      'loop {',
      '  i++;',
      '  continuing { break if i > 10u; }',
      '}',
      'switch x { case 1, 2: { y = 1; } default: { } }',
      'discard;',
      'break if (a && b);',
      'continuing { }',
      'let after = 1;',
    ].join('\n');
    const statements = fnBody(source);
    expect(statements.map((s) => (s.kind === 'unsupported' ? s.construct : s.kind))).toEqual([
      'while',
      'loop',
      'switch',
      'discard',
      'break if',
      'continuing',
      'declare',
    ]);
    expect(statements.map((s) => s.span)).toEqual([
      { offset: 9, length: 37, line: 2, column: 1 },
      { offset: 47, length: 50, line: 3, column: 1 },
      { offset: 98, length: 47, line: 7, column: 1 },
      { offset: 146, length: 8, line: 8, column: 1 },
      { offset: 155, length: 18, line: 9, column: 1 },
      { offset: 174, length: 14, line: 10, column: 1 },
      { offset: 189, length: 14, line: 11, column: 1 },
    ]);
  });

  it('recognises while with a parenthesised condition inside a nested block', () => {
    const [block] = fnBody('{\n  while (a[i] < n) { }\n}');
    expect(block).toMatchObject({
      kind: 'block',
      statements: [
        { kind: 'unsupported', construct: 'while', span: { line: 3, column: 3, length: 20 } },
      ],
    });
  });

  it('refuses const_assert as an unsupported construct', () => {
    const error = syntaxError('fn f() {\n  const_assert 1 < 2;\n}');
    expect(error).toMatchObject({ reason: 'unsupported_construct', span: { line: 2, column: 3 } });
    expect(error.problem).toBe("'const_assert' is not supported in differentiable kernels");
  });
});

describe('expressions', () => {
  it.each([
    ['a + b * c', '(+ a (* b c))'],
    ['a * b + c', '(+ (* a b) c)'],
    ['a - b - c', '(- (- a b) c)'],
    ['a * b / c % d', '(% (/ (* a b) c) d)'],
    ['-a * b', '(* (- a) b)'],
    ['- -a', '(- (- a))'],
    ['!a[0].x', '(! a[0].x)'],
    ['~m & 0xFFu', '(& (~ m) 0xFFu)'],
    ['*p + 1.0', '(+ (* p) 1.0)'],
    ['&v', '(& v)'],
    ['(a + b) * c', '(* {(+ a b)} c)'],
    ['a << 2u', '(<< a 2u)'],
    ['a >> b', '(>> a b)'],
    ['a + b < c * d', '(< (+ a b) (* c d))'],
    ['x >= y', '(>= x y)'],
    ['a == b', '(== a b)'],
    ['a != b', '(!= a b)'],
    ['a <= b', '(<= a b)'],
    ['a < b && c >= d', '(&& (< a b) (>= c d))'],
    ['a && b && c', '(&& (&& a b) c)'],
    ['a || b || c', '(|| (|| a b) c)'],
    ['a & b & c', '(& (& a b) c)'],
    ['a | b', '(| a b)'],
    ['a ^ b ^ c', '(^ (^ a b) c)'],
    ['(a & b) | c', '(| {(& a b)} c)'],
    ['(a < b) == c', '(== {(< a b)} c)'],
    ['s[i].u.xyz', 's[i].u.xyz'],
    ['m[i][j]', 'm[i][j]'],
    ['f(a, b)', 'f(a, b)'],
    ['f()', 'f()'],
    ['f(a,)', 'f(a)'],
    ['vec3<f32>(1.0, 2.0, 3.0)', 'vec3<f32>(1.0, 2.0, 3.0)'],
    ['bitcast<u32>(x)', 'bitcast<u32>(x)'],
    ['bitcast<vec4<u32>>(x)', 'bitcast<vec4<u32>>(x)'],
    ['array<f32, 3>(1.0, 2.0, 3.0)', 'array<f32, 3>(1.0, 2.0, 3.0)'],
    ['vec2<f32>(a < b, c)', 'vec2<f32>((< a b), c)'],
    ['select(a, b, c < d)', 'select(a, b, (< c d))'],
    ['f((a < b), c > d)', 'f({(< a b)}, (> c d))'],
    ['true', 'true'],
    ['!false', '(! false)'],
  ])('parses %s', (source, shown) => {
    expect(show(expr(source))).toBe(shown);
  });

  it('fills raw, value, isFloat and suffix for numbers', () => {
    expect(expr('2.5e+2f')).toEqual({
      kind: 'number',
      raw: '2.5e+2f',
      value: 250,
      isFloat: true,
      suffix: 'f',
      span: { offset: 13, length: 7, line: 1, column: 14 },
    });
    expect(expr('0x10u')).toMatchObject({ value: 16, isFloat: false, suffix: 'u' });
    expect(expr('.5')).toMatchObject({ value: 0.5, isFloat: true, suffix: '' });
  });

  it('gives nested expressions exact spans', () => {
    const e = expr('foo(a.b[1 + i], -c)');
    if (e.kind !== 'call') throw new Error('expected a call');
    expect(e.span).toEqual({ offset: 13, length: 19, line: 1, column: 14 });
    expect(e.calleeSpan).toEqual({ offset: 13, length: 3, line: 1, column: 14 });
    const [index, negated] = e.args;
    if (index?.kind !== 'index' || index.base.kind !== 'member') throw new Error('expected a[…]');
    expect(index.span).toMatchObject({ column: 18, length: 10 });
    expect(index.base.memberSpan).toMatchObject({ column: 20, length: 1 });
    expect(index.index).toMatchObject({
      op: '+',
      span: { column: 22, length: 5 },
      right: { span: { column: 26 } },
    });
    expect(negated).toMatchObject({
      kind: 'unary',
      span: { column: 30, length: 2 },
      operand: { span: { column: 31 } },
    });
  });

  it('gives a call with template arguments spans for the callee and its arguments', () => {
    const e = expr('vec3<f32>(x)');
    expect(e).toMatchObject({
      kind: 'call',
      calleeSpan: { column: 14, length: 4 },
      templateArgs: [{ kind: 'type', name: 'f32', span: { column: 19, length: 3 } }],
      span: { column: 14, length: 12 },
    });
  });

  it('spans expressions that cross lines from their first character', () => {
    const [statement] = fnBody('let v = a +\n    b * c;');
    expect(statement).toMatchObject({
      init: { span: { line: 2, column: 9, length: 13 }, right: { span: { line: 3, column: 5 } } },
    });
  });
});

describe('comments for marking', () => {
  const source = [
    'var<private> a: f32; // first',
    '// one',
    '// two',
    '@group(0) @binding(0)',
    '// between',
    'var<storage> b: array<f32>; // @diff',
    '',
    '// detached',
    '',
    'var<private> c: f32;',
    '// @diff: the gradient of this function',
    'fn f(x: f32) -> f32 {',
    '  // inside',
    '  return x;',
    '} // end',
  ].join('\n');
  const decls = parseWgsl(source).declarations;
  const comments = decls.map((d) =>
    d.kind === 'globalVar' || d.kind === 'fn' ? d.comments : null,
  );

  it('collects consecutive comments above the attributes and the one at the end of the line', () => {
    expect(comments[1]).toEqual(['one', 'two', 'between', '@diff']);
  });

  it('keeps a trailing comment with its own declaration', () => {
    expect(comments[0]).toEqual(['first']);
  });

  it('drops comments separated by a blank line', () => {
    expect(comments[2]).toEqual([]);
  });

  it('collects a function comment above it and after its closing brace, not inside its body', () => {
    expect(comments[3]).toEqual(['@diff: the gradient of this function', 'end']);
  });
});

describe('syntax errors', () => {
  it('reports a missing semicolon at the next token and says where to add it', () => {
    const error = syntaxError('fn f() {\n  let a = 1\n  let b = 2;\n}');
    expect(error).toMatchObject({ reason: 'syntax', ...at(3, 3) });
    expect(error.problem).toBe("expected ';' after the statement, found 'let'");
    expect(error.fix).toBe("Add ';' after '1' on line 2.");
    expect(error.message).toBe(
      "k.wgsl:3:3: expected ';' after the statement, found 'let'. Add ';' after '1' on line 2.",
    );
  });

  it.each([
    [
      '_ = a & b | c;',
      "'&' and '|' cannot be mixed without parentheses",
      "Add parentheses to make the order explicit, e.g. '(a & b) | …'.",
      11,
    ],
    [
      '_ = a < b < c;',
      "'<' cannot be chained without parentheses",
      "Add parentheses to make the order explicit, e.g. '(a < b) < …'.",
      11,
    ],
    [
      '_ = a + b << c;',
      "'+' and '<<' cannot be mixed without parentheses",
      "Add parentheses to make the order explicit, e.g. '(a + b) << …'.",
      11,
    ],
    [
      '_ = a << b + c;',
      "'<<' and '+' cannot be mixed without parentheses",
      "Add parentheses to make the order explicit, e.g. '(a << b) + …'.",
      12,
    ],
    [
      '_ = a && b || c;',
      "'&&' and '||' cannot be mixed without parentheses",
      "Add parentheses to make the order explicit, e.g. '(a && b) || …'.",
      12,
    ],
    [
      '_ = a & b + c;',
      "'&' and '+' cannot be mixed without parentheses",
      "Add parentheses to make the order explicit, e.g. '(a & b) + …'.",
      11,
    ],
    [
      '_ = a == b & c;',
      "'==' and '&' cannot be mixed without parentheses",
      "Add parentheses to make the order explicit, e.g. '(a == b) & …'.",
      12,
    ],
  ])('refuses %s without parentheses', (statement, problem, fix, column) => {
    const error = syntaxError(`fn f() {\n${statement}\n}`);
    expect(error).toMatchObject({ reason: 'syntax', problem, fix, ...at(2, column) });
  });

  it.each([
    [
      'fn f() {\n  let x = 1;\n',
      "expected '}' to close the block opened at line 1, column 8, found the end of the file",
      3,
      1,
    ],
    ['fn f() {\n  g(a, b;\n}', "expected ')' or ',' in the arguments of 'g', found ';'", 2, 9],
    ['fn f() {\n  let x;\n}', "expected '=' and a value after 'let x', found ';'", 2, 8],
    ['fn f() {\n  let var = 1;\n}', "expected a name after 'let', found the keyword 'var'", 2, 7],
    [
      '@group(0) @binding(0) var<stroage> x: array<f32>;',
      "expected an address space, found 'stroage'",
      1,
      27,
    ],
    [
      'fn f() {\n  _ = g(a < b, c > d);\n}',
      "'a < b, c >' reads as a template list, which must be followed by '(' here, found 'd'",
      2,
      20,
    ],
    [
      'const a = 1;\nx = 1;',
      "expected a declaration (fn, struct, var, const, override or alias), found 'x'",
      2,
      1,
    ],
    ['struct S {\n  a,\n}', "expected ':' after the struct member 'a', found ','", 2, 4],
    ['fn f() {\n  g(x) = 1;\n}', "cannot assign to 'g(x)'", 2, 3],
    ['const a = 1;\nenable f16;', "directive 'enable' must come before all declarations", 2, 1],
    ['fn f() {\n  if x {} else return;\n}', "expected '{' after 'else', found 'return'", 2, 16],
    ['fn f() {\n  if x return;\n}', "expected '{' after the if condition, found 'return'", 2, 8],
    ['fn f() {\n  let x = ;\n}', "expected an expression, found ';'", 2, 11],
    ['fn f() {\n  for i = 0; i < 3; i++ {}\n}', "expected '(' after 'for', found 'i'", 2, 7],
    [
      'fn f() {\n  } else {\n}',
      "expected a declaration (fn, struct, var, const, override or alias), found 'else'",
      2,
      5,
    ],
    ['fn f() {\n  x = 1;\n}\n}', "unexpected '}' with no matching '{'", 4, 1],
    [
      'var<storage, read, write> x: f32;',
      "expected ',' or '>' in the template list of 'var', found 'write'",
      1,
      20,
    ],
    ['fn f() {\n  else { }\n}', "'else' without a matching 'if'", 2, 3],
    ['fn f() {\n  x + 1;\n}', "expected '=', '++', '--' or a call after 'x', found '+'", 2, 5],
    [
      'fn f() {\n  _ = (a + b;\n}',
      "expected ')' to close the '(' at line 2, column 7, found ';'",
      2,
      13,
    ],
    ['fn f() {\n  while x;\n}', "expected '{' to start the 'while' body, found ';'", 2, 10],
    [
      'fn f() {\n  loop { x++;\n',
      "expected '}' to close the 'loop' body opened at line 2, column 8, found the end of the file",
      3,
      1,
    ],
    [
      'fn f() {\n  var<private> x: f32;\n}',
      "expected 'function' as the address space of a local variable, found 'private'",
      2,
      7,
    ],
    ['fn f(a: f32 b: f32) {}', "expected ')' after the parameters of 'f', found 'b'", 1, 13],
    ['var<private> x: 3;', "expected a type after ':', found '3'", 1, 17],
    [
      'var<private> a: array<f32, 4 x;',
      "expected ';' after the declaration of 'a', found '<'",
      1,
      22,
    ],
    ['fn f() -> vec3<f32 {}', "expected '{' to start the body of 'f', found '<'", 1, 15],
    [
      '@compute\nstruct S { a: f32 }',
      "expected 'fn', 'var' or 'override' after the attributes, found 'struct'",
      2,
      1,
    ],
    ['fn f() {\n  _ = a.(b);\n}', "expected a field or swizzle name after '.', found '('", 2, 9],
    [
      'fn f() {\n  for (var i = 0; i < 3; var j = 1) {}\n}',
      "expected an assignment, increment or call in the for-loop update, found 'var'",
      2,
      26,
    ],
  ])('reports %j', (source, problem, line, column) => {
    const error = syntaxError(source);
    expect(error).toMatchObject({ problem, ...at(line, column) });
    expect(error.fix).toMatch(/\.$/);
  });

  it('reports lexical errors with the file name through parseWgsl', () => {
    expect(syntaxError('fn f() {\n  let x = 1.0u;\n}').message).toBe(
      "k.wgsl:2:11: invalid number literal '1.0u'. Float literals take the suffix f or h: write 1.0f for an f32, or 1u for an integer.",
    );
    expect(syntaxError('/* never closed').message).toMatch(
      /^k\.wgsl:1:1: unterminated block comment/,
    );
  });
});

describe('a realistic kernel', () => {
  const source = `struct Params { dt: f32, count: u32, }
@group(0) @binding(0) var<uniform> params: Params;
// @diff
@group(0) @binding(1) var<storage, read> stiffness: array<f32>;
@group(0) @binding(2) var<storage, read> pos: array<vec4f>; // @diff
@group(0) @binding(3) var<storage, read_write> force: array<vec4f>;
fn spring(d: vec3f, k: f32, rest: f32) -> vec3f {
  let len = length(d);
  return k * (len - rest) * d / len;
}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= params.count) { return; }
  var f = vec3f(0.0);
  for (var j = 0u; j < 4u; j++) {
    let o = (i + j + 1u) % params.count;
    f += spring(pos[o].xyz - pos[i].xyz, stiffness[i], 1.0);
  }
  force[i] = vec4f(f * params.dt, 0.0);
}
`;
  const module = parseWgsl(source, 'spring.wgsl');

  it('parses every declaration and keeps the source', () => {
    expect(module.source).toBe(source);
    expect(
      module.declarations.map((d) => (d.kind === 'directive' ? d.text : `${d.kind} ${d.name}`)),
    ).toEqual([
      'struct Params',
      'globalVar params',
      'globalVar stiffness',
      'globalVar pos',
      'globalVar force',
      'fn spring',
      'fn main',
    ]);
  });

  it('marks the two buffers commented @diff', () => {
    const marked = module.declarations.filter(
      (d) => d.kind === 'globalVar' && d.comments.includes('@diff'),
    );
    expect(marked.map((d) => d.kind === 'globalVar' && [d.name, d.access, d.span.line])).toEqual([
      ['stiffness', 'read', 4],
      ['pos', 'read', 5],
    ]);
  });

  it('parses the spring formula with its precedence and spans', () => {
    const spring = module.declarations[5];
    if (spring?.kind !== 'fn') throw new Error('expected fn spring');
    const ret = spring.body.statements[1];
    if (ret?.kind !== 'return' || ret.value === null) throw new Error('expected return');
    expect(show(ret.value)).toBe('(/ (* (* k {(- len rest)}) d) len)');
    expect(ret.value.span).toEqual({ offset: 382, length: 26, line: 9, column: 10 });
    expect(ret.value).toMatchObject({
      left: { left: { right: { kind: 'paren', span: { column: 14, length: 12 } } } },
    });
  });

  it('parses the main loop body', () => {
    const main = module.declarations[6];
    if (main?.kind !== 'fn') throw new Error('expected fn main');
    expect(main.attributes.map((a) => a.name)).toEqual(['compute', 'workgroup_size']);
    expect(main.span).toMatchObject({ line: 11, column: 1 });
    const [, guard, , loop, store] = main.body.statements;
    expect(guard).toMatchObject({
      kind: 'if',
      condition: { kind: 'paren', inner: { op: '>=' } },
      otherwise: null,
    });
    if (loop?.kind !== 'for') throw new Error('expected for');
    const [offset, accumulate] = loop.body.statements;
    expect(offset?.kind === 'declare' && offset.init && show(offset.init)).toBe(
      '(% {(+ (+ i j) 1u)} params.count)',
    );
    expect(accumulate).toMatchObject({ kind: 'assign', op: '+=', span: { line: 18, column: 5 } });
    expect(accumulate?.kind === 'assign' && show(accumulate.value)).toBe(
      'spring((- pos[o].xyz pos[i].xyz), stiffness[i], 1.0)',
    );
    expect(store?.kind === 'assign' && `${show(store.target)} = ${show(store.value)}`).toBe(
      'force[i] = vec4f((* f params.dt), 0.0)',
    );
    expect(store).toMatchObject({ span: { line: 20, column: 3, length: 37 } });
  });
});
