import { describe, expect, it } from 'vitest';
import type { Expr, Stmt } from './ast.ts';
import { SUPPORTED_BUILTIN_LIST } from './builtins.ts';
import { checkModule, type CheckedModule, type CheckOptions } from './checker.ts';
import { KernelError, type KernelErrorReason } from './errors.ts';
import { parseWgsl } from './parser.ts';
import { typeName } from './types.ts';

const FILE = 'springs.wgsl';

/** Lines 1–6 of most kernels below. */
const BINDINGS = `struct Params { count: u32, dt: f32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> xs: array<f32>;
@group(0) @binding(2) var<storage, read> ids: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<storage, read_write> state: array<f32>;
`;

/**
 * The bindings, then `main` on lines 7–9 with `body` from line 10 (two spaces in, so the first
 * statement is at column 3), then `after` from the line after main's closing brace.
 */
function kernel(body: string, after = ''): string {
  return `${BINDINGS}@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
${body}
}
${after}`;
}

/** The bindings, then `declaration` on line 7, then an entry point that does nothing. */
function withDeclaration(declaration: string): string {
  return `${BINDINGS}${declaration}
@compute @workgroup_size(1)
fn main() {
}
`;
}

function check(source: string, options: CheckOptions = {}): CheckedModule {
  return checkModule(parseWgsl(source, FILE), { file: FILE, ...options });
}

interface Refusal {
  readonly reason: KernelErrorReason;
  /** Line and column of the refused construct. */
  readonly at: readonly [number, number];
  /** Words the problem must contain. */
  readonly problem: readonly string[];
  /** Words the fix must contain. */
  readonly fix: readonly string[];
}

/** Checks `source`, expects a KernelError as described, and returns it. */
function expectRefusal(source: string, expected: Refusal, options: CheckOptions = {}): KernelError {
  let error: unknown = null;
  try {
    check(source, options);
  } catch (thrown) {
    error = thrown;
  }
  if (!(error instanceof KernelError)) {
    throw new Error('expected the checker to refuse the kernel with a KernelError', {
      cause: error,
    });
  }
  const [line, column] = expected.at;
  expect({ reason: error.reason, line: error.span.line, column: error.span.column }).toEqual({
    reason: expected.reason,
    line,
    column,
  });
  for (const word of expected.problem) expect(error.problem).toContain(word);
  for (const word of expected.fix) expect(error.fix).toContain(word);
  expect(error.message).toBe(`${FILE}:${line}:${column}: ${error.problem}. ${error.fix}`);
  return error;
}

// ---- finding expressions by their source text ------------------------------------------------

function* subExpressions(e: Expr): Generator<Expr> {
  yield e;
  switch (e.kind) {
    case 'unary':
      yield* subExpressions(e.operand);
      break;
    case 'binary':
      yield* subExpressions(e.left);
      yield* subExpressions(e.right);
      break;
    case 'call':
      for (const arg of e.args) yield* subExpressions(arg);
      break;
    case 'index':
      yield* subExpressions(e.base);
      yield* subExpressions(e.index);
      break;
    case 'member':
      yield* subExpressions(e.base);
      break;
    case 'paren':
      yield* subExpressions(e.inner);
      break;
    case 'number':
    case 'bool':
    case 'ident':
      break;
  }
}

function* statementExpressions(s: Stmt): Generator<Expr> {
  switch (s.kind) {
    case 'declare':
      if (s.init) yield* subExpressions(s.init);
      break;
    case 'assign':
      if (!(s.target.kind === 'ident' && s.target.name === '_')) yield* subExpressions(s.target);
      yield* subExpressions(s.value);
      break;
    case 'increment':
      yield* subExpressions(s.target);
      break;
    case 'call':
      yield* subExpressions(s.call);
      break;
    case 'if':
      yield* subExpressions(s.condition);
      yield* statementExpressions(s.then);
      if (s.otherwise) yield* statementExpressions(s.otherwise);
      break;
    case 'for':
      if (s.init) yield* statementExpressions(s.init);
      if (s.condition) yield* subExpressions(s.condition);
      if (s.update) yield* statementExpressions(s.update);
      yield* statementExpressions(s.body);
      break;
    case 'return':
      if (s.value) yield* subExpressions(s.value);
      break;
    case 'block':
      for (const statement of s.statements) yield* statementExpressions(statement);
      break;
    case 'break':
    case 'continue':
    case 'unsupported':
      break;
  }
}

/** The first expression, in function bodies and const values, whose source text is `text`. */
function expressionAt(checked: CheckedModule, text: string): Expr {
  const { source, declarations } = checked.module;
  for (const decl of declarations) {
    const expressions =
      decl.kind === 'fn'
        ? statementExpressions(decl.body)
        : decl.kind === 'const' && decl.init
          ? subExpressions(decl.init)
          : [];
    for (const e of expressions) {
      if (source.slice(e.span.offset, e.span.offset + e.span.length) === text) return e;
    }
  }
  throw new Error(`no expression ${JSON.stringify(text)} in the kernel`);
}

/** The WGSL type the checker gave the expression written `text`. */
function typeAt(checked: CheckedModule, text: string): string {
  return typeName(checked.typeOf(expressionAt(checked, text)));
}

// ---- refusals ----------------------------------------------------------------------------------

describe('loops the adjoint cannot replay', () => {
  it('refuses a while loop at its keyword with a bounded-for fix', () => {
    expectRefusal(kernel('  while (i < 4u) { }'), {
      reason: 'unbounded_loop',
      at: [10, 3],
      problem: ['while loops', 'no bound'],
      fix: ['for (var i = 0u; i < N; i++)', 'constant or uniform bound'],
    });
  });

  it('refuses loop { } at its keyword with a bounded-for fix', () => {
    expectRefusal(kernel('  loop { }'), {
      reason: 'unbounded_loop',
      at: [10, 3],
      problem: ['loop { }', 'no bound'],
      fix: ['for (var i = 0u; i < N; i++)'],
    });
  });

  it('refuses loop with a continuing block at the loop keyword', () => {
    expectRefusal(kernel(['  loop {', '    continuing { break if i > 4u; }', '  }'].join('\n')), {
      reason: 'unbounded_loop',
      at: [10, 3],
      problem: ['loop { }'],
      fix: ['for loop'],
    });
  });

  it('refuses a continuing block inside a for loop at its keyword', () => {
    expectRefusal(
      kernel(['  for (var j = 0u; j < 4u; j++) {', '    continuing { }', '  }'].join('\n')),
      {
        reason: 'unbounded_loop',
        at: [11, 5],
        problem: ['continuing', 'loop { }'],
        fix: ['update clause'],
      },
    );
  });

  it('refuses break if at its break keyword as a data-dependent trip count', () => {
    expectRefusal(
      kernel(['  for (var j = 0u; j < 4u; j++) {', '    break if j > 2u;', '  }'].join('\n')),
      {
        reason: 'unbounded_loop',
        at: [11, 5],
        problem: ['break if', 'data-dependent'],
        fix: ['for loop', 'constant or uniform bound'],
      },
    );
  });

  it('refuses break inside a for loop and says to guard the body with if', () => {
    expectRefusal(kernel(['  for (var j = 0u; j < 4u; j++) {', '    break;', '  }'].join('\n')), {
      reason: 'unsupported_construct',
      at: [11, 5],
      problem: ['break', 'data-dependent'],
      fix: ['guard the rest of the body with if'],
    });
  });

  it('refuses continue inside a for loop and says to guard the body with if', () => {
    expectRefusal(
      kernel(['  for (var j = 0u; j < 4u; j++) {', '    continue;', '  }'].join('\n')),
      {
        reason: 'unsupported_construct',
        at: [11, 5],
        problem: ['continue', 'data-dependent'],
        fix: ['guard the rest of the body with if'],
      },
    );
  });

  it('refuses return inside a for loop, also nested in an if, at the return', () => {
    expectRefusal(
      kernel(
        ['  for (var j = 0u; j < 4u; j++) {', '    if (j == i) { return; }', '  }'].join('\n'),
      ),
      {
        reason: 'unsupported_construct',
        at: [11, 19],
        problem: ['return inside a loop', 'data-dependent'],
        fix: ['return after it', 'guard the body with if'],
      },
    );
  });

  it('refuses a for loop without a var counter at its keyword', () => {
    expectRefusal(kernel(['  var j = 0u;', '  for (; j < 4u; j++) { }'].join('\n')), {
      reason: 'unbounded_loop',
      at: [11, 3],
      problem: ['counter declared in the loop'],
      fix: ['for (var i = 0u; i < N; i++)'],
    });
  });

  it('refuses a var as a loop bound, since the body could change it, at the condition', () => {
    expectRefusal(kernel(['  var n = 4u;', '  for (var j = 0u; j < n; j++) { }'].join('\n')), {
      reason: 'unbounded_loop',
      at: [11, 20],
      problem: ['compare j with a bound that cannot change during the loop'],
      fix: ['a literal, a const, a let, a uniform or a read-only buffer value'],
    });
  });

  it('refuses a read_write buffer element as a loop bound, at the condition', () => {
    expectRefusal(kernel('  for (var j = 0u; j < u32(state[0]); j++) { }'), {
      reason: 'unbounded_loop',
      at: [10, 20],
      problem: ['compare j with a bound that cannot change during the loop'],
      fix: ['a read-only buffer value'],
    });
  });

  it('accepts bounds that cannot change during the loop: lets, read-only buffers, arrayLength', () => {
    for (const bound of [
      'n',
      'ids[i]',
      'ids[0] + params.count',
      'arrayLength(&xs)',
      'min(n, 8u)',
    ]) {
      expect(() =>
        checkModule(
          parseWgsl(kernel(`  let n = params.count;\n  for (var j = 0u; j < ${bound}; j++) { }`)),
        ),
      ).not.toThrow();
    }
  });

  it('refuses a loop condition that does not test the counter', () => {
    expectRefusal(kernel('  for (var j = 0u; i < 4u; j++) { }'), {
      reason: 'unbounded_loop',
      at: [10, 20],
      problem: ['compare j'],
      fix: ['for (var i = 0u; i < N; i++)'],
    });
  });

  it('refuses a for loop without an update clause at its keyword', () => {
    expectRefusal(kernel('  for (var j = 0u; j < 4u;) { }'), {
      reason: 'unbounded_loop',
      at: [10, 3],
      problem: ['update clause'],
      fix: ['i++'],
    });
  });

  it('refuses an update that steps the counter by a non-constant, at the update', () => {
    expectRefusal(kernel('  for (var j = 0u; j < 4u; j += i) { }'), {
      reason: 'unbounded_loop',
      at: [10, 28],
      problem: ['step j by a constant'],
      fix: ['i++'],
    });
  });

  it('refuses assigning the loop counter in the body, at the assignment', () => {
    expectRefusal(
      kernel(['  for (var j = 0u; j < 4u; j++) {', '    j = j + 2u;', '  }'].join('\n')),
      {
        reason: 'unbounded_loop',
        at: [11, 5],
        problem: ['loop variable j is changed inside the loop body'],
        fix: ['update clause'],
      },
    );
  });

  it('refuses incrementing an outer loop counter inside an inner loop', () => {
    expectRefusal(
      kernel(
        [
          '  for (var j = 0u; j < 4u; j++) {',
          '    for (var k = 0u; k < 2u; k++) {',
          '      j++;',
          '    }',
          '  }',
        ].join('\n'),
      ),
      {
        reason: 'unbounded_loop',
        at: [12, 7],
        problem: ['loop variable j'],
        fix: ['update clause'],
      },
    );
  });
});

describe('other statements outside the subset', () => {
  it('refuses switch at its keyword and suggests if / else if', () => {
    expectRefusal(kernel('  switch i { default { } }'), {
      reason: 'unsupported_construct',
      at: [10, 3],
      problem: ['switch'],
      fix: ['if / else if'],
    });
  });

  it('refuses discard as a fragment-shader statement', () => {
    expectRefusal(kernel('  discard;'), {
      reason: 'unsupported_construct',
      at: [10, 3],
      problem: ['discard', 'fragment'],
      fix: ['remove it', 'compute'],
    });
  });
});

describe('buffer writes the adjoint cannot undo', () => {
  it('refuses an entry point that reads and writes a buffer, at the write', () => {
    expectRefusal(kernel(['  out[i] = state[i];', '  state[i] = 0.0;'].join('\n')), {
      reason: 'write_after_read',
      at: [11, 3],
      problem: ['main both reads and writes buffer state'],
      fix: ['separate output buffer', 'stateIn / stateOut'],
    });
  });

  it('refuses a read in a helper and a write in the entry point, at the write', () => {
    expectRefusal(
      kernel(
        '  state[i] = smoothed(i);',
        'fn smoothed(j: u32) -> f32 {\n  return 0.5 * state[j];\n}\n',
      ),
      {
        reason: 'write_after_read',
        at: [10, 3],
        problem: ['main both reads and writes buffer state'],
        fix: ['double-buffer'],
      },
    );
  });

  it('refuses a write in a helper and a read in the entry point, at the write in the helper', () => {
    expectRefusal(
      kernel(
        ['  out[i] = state[i];', '  reset(i);'].join('\n'),
        'fn reset(j: u32) {\n  state[j] = 0.0;\n}\n',
      ),
      {
        reason: 'write_after_read',
        at: [14, 3],
        problem: ['main both reads and writes buffer state'],
        fix: ['double-buffer'],
      },
    );
  });

  it('refuses reading a buffer the entry point accumulates into', () => {
    expectRefusal(kernel(['  state[i] += xs[i];', '  out[i] = state[i];'].join('\n')), {
      reason: 'write_after_read',
      at: [10, 3],
      problem: ['both reads and writes buffer state'],
      fix: ['separate output buffer'],
    });
  });

  it('refuses = and += into the same buffer, at the second kind of write', () => {
    expectRefusal(kernel(['  out[i] = xs[i];', '  out[i] += 1.0;'].join('\n')), {
      reason: 'write_after_read',
      at: [11, 3],
      problem: ['both assigns and accumulates into buffer out'],
      fix: ['= for one writer per element', '+= for sums'],
    });
  });

  it.each(['*=', '/=', '%='])('refuses in-place %s on a buffer element at the statement', (op) => {
    expectRefusal(kernel(`  state[i] ${op} 2.0;`), {
      reason: 'in_place_update',
      at: [10, 3],
      problem: [`in-place ${op} on buffer state`, 'overwrites'],
      fix: ['separate output buffer', `stateOut[i] = x ${op.slice(0, -1)} y`],
    });
  });

  it('refuses writing a read-only storage buffer', () => {
    expectRefusal(kernel('  xs[i] = 1.0;'), {
      reason: 'invalid_kernel',
      at: [10, 3],
      problem: ['xs is read-only'],
      fix: ['var<storage, read_write>'],
    });
  });

  it('refuses writing a uniform buffer', () => {
    expectRefusal(kernel('  params.dt = 1.0;'), {
      reason: 'invalid_kernel',
      at: [10, 3],
      problem: ['params is read-only'],
      fix: ['read_write'],
    });
  });

  it('refuses assigning to a let at its name, suggesting var', () => {
    expectRefusal(kernel(['  let a = xs[i];', '  a = 2.0;'].join('\n')), {
      reason: 'invalid_kernel',
      at: [11, 3],
      problem: ['a is not a var'],
      fix: ['var instead of let'],
    });
  });
});

describe('state and types the adjoint cannot replay', () => {
  it('refuses a workgroup variable at its declaration', () => {
    expectRefusal(withDeclaration('var<workgroup> tile: array<f32, 64>;'), {
      reason: 'unsupported_construct',
      at: [7, 1],
      problem: ['workgroup variable tile', 'cannot be replayed'],
      fix: ['function variables', 'storage buffers'],
    });
  });

  it('refuses a private variable at its declaration', () => {
    expectRefusal(withDeclaration('var<private> seed: u32;'), {
      reason: 'unsupported_construct',
      at: [7, 1],
      problem: ['module-scope variable seed', 'cannot be replayed'],
      fix: ['const', 'function-scope var'],
    });
  });

  it('refuses a module-scope variable without an address space', () => {
    expectRefusal(withDeclaration('var seed: u32;'), {
      reason: 'unsupported_construct',
      at: [7, 1],
      problem: ['module-scope variable seed'],
      fix: ['function-scope var'],
    });
  });

  it('refuses override, suggesting a const or a uniform field', () => {
    expectRefusal(withDeclaration('override count: u32 = 4u;'), {
      reason: 'unsupported_construct',
      at: [7, 1],
      problem: ['override count'],
      fix: ['const', 'uniform buffer'],
    });
  });

  it('refuses an atomic type at the type', () => {
    expectRefusal(
      withDeclaration('@group(0) @binding(5) var<storage, read_write> hits: atomic<u32>;'),
      {
        reason: 'unsupported_construct',
        at: [7, 54],
        problem: ['atomic<…>'],
        fix: ['+=', 'Twinbench emits the atomics'],
      },
    );
  });

  it('refuses a matrix type at the type, suggesting vectors and dot', () => {
    expectRefusal(kernel('  let m: mat3x3f = mat3x3f();'), {
      reason: 'unsupported_construct',
      at: [10, 10],
      problem: ['matrix type mat3x3f'],
      fix: ['one vec per column', 'dot()'],
    });
  });

  it('refuses a matrix constructor like the matrix type', () => {
    expectRefusal(kernel('  let m = mat2x2f(1.0, 0.0, 0.0, 1.0);'), {
      reason: 'unsupported_construct',
      at: [10, 11],
      problem: ['matrix type mat2x2f'],
      fix: ['dot()'],
    });
  });

  it('refuses a ptr parameter type at the type', () => {
    expectRefusal(kernel('  out[i] = 1.0;', 'fn scale(p: ptr<function, f32>) {\n}\n'), {
      reason: 'unsupported_construct',
      at: [12, 13],
      problem: ['type ptr'],
      fix: ['f32', 'structs'],
    });
  });

  it('refuses taking an address with & outside arrayLength', () => {
    expectRefusal(kernel(['  var a = 1.0;', '  let p = &a;'].join('\n')), {
      reason: 'unsupported_construct',
      at: [11, 11],
      problem: ['pointers'],
      fix: ['pass values to helper functions'],
    });
  });

  it('refuses dereferencing with *', () => {
    expectRefusal(kernel(['  var a = 1.0;', '  let b = *a;'].join('\n')), {
      reason: 'unsupported_construct',
      at: [11, 11],
      problem: ['pointers'],
      fix: ['return results'],
    });
  });

  it('refuses an f16 literal at the literal', () => {
    expectRefusal(kernel('  let h = 1.5h;'), {
      reason: 'unsupported_construct',
      at: [10, 11],
      problem: ['f16 literals'],
      fix: ['f32 literal'],
    });
  });

  it('refuses the f16 type, also as a vector constructor argument', () => {
    expectRefusal(kernel('  let h: f16 = 1.0;'), {
      reason: 'unsupported_construct',
      at: [10, 10],
      problem: ['type f16'],
      fix: ['f32'],
    });
    expectRefusal(kernel('  let v = vec3<f16>(1.0);'), {
      reason: 'unsupported_construct',
      at: [10, 16],
      problem: ['type f16'],
      fix: ['f32'],
    });
  });
});

describe('builtins outside the subset', () => {
  it('refuses atomicAdd at its name, saying Twinbench adds the atomics', () => {
    expectRefusal(kernel('  atomicAdd(&ids[0], 1u);'), {
      reason: 'unsupported_builtin',
      at: [10, 3],
      problem: ['atomicAdd', 'side effects'],
      fix: ['+= into f32 buffers', 'atomics'],
    });
  });

  it('refuses workgroupBarrier at its name', () => {
    expectRefusal(kernel('  workgroupBarrier();'), {
      reason: 'unsupported_builtin',
      at: [10, 3],
      problem: ['workgroupBarrier', 'cannot be replayed'],
      fix: ['barriers'],
    });
  });

  it('refuses texture builtins at their name, pointing to storage buffers', () => {
    expectRefusal(kernel('  let t = textureLoad(xs, vec2i(0, 0), 0);'), {
      reason: 'unsupported_builtin',
      at: [10, 11],
      problem: ['textureLoad', 'textures'],
      fix: ['storage buffer'],
    });
  });

  it('refuses an unknown builtin and lists the supported ones', () => {
    expectRefusal(kernel('  out[i] = asinh(xs[i]);'), {
      reason: 'unsupported_builtin',
      at: [10, 12],
      problem: ['asinh is not a supported builtin or a function of this module'],
      fix: [`use one of: ${SUPPORTED_BUILTIN_LIST}`],
    });
    expect(SUPPORTED_BUILTIN_LIST).toContain('smoothstep');
    expect(SUPPORTED_BUILTIN_LIST).toContain('arrayLength');
  });

  it('refuses a builtin called with the wrong number of arguments, at the call', () => {
    expectRefusal(kernel('  out[i] = clamp(xs[i], 0.0);'), {
      reason: 'type_mismatch',
      at: [10, 12],
      problem: ['clamp takes 3 arguments, got 2'],
      fix: ['docs/kernels.md'],
    });
  });
});

describe('names', () => {
  it('refuses an unknown identifier at the name', () => {
    expectRefusal(kernel('  out[i] = xz[i];'), {
      reason: 'unknown_identifier',
      at: [10, 12],
      problem: ['unknown name xz'],
      fix: ['declare it', 'check the spelling'],
    });
  });

  it('refuses an unknown struct field at the field and lists the fields', () => {
    expectRefusal(kernel('  out[i] = params.dx;'), {
      reason: 'unknown_identifier',
      at: [10, 19],
      problem: ['Params has no field dx'],
      fix: ['count, dt'],
    });
  });

  it('refuses a swizzle past the end of a vector at the swizzle', () => {
    expectRefusal(kernel(['  let v = vec3f(xs[i]);', '  out[i] = v.w;'].join('\n')), {
      reason: 'type_mismatch',
      at: [11, 14],
      problem: ['.w reads past a vec3'],
      fix: ['up to z'],
    });
  });
});

describe('marking', () => {
  it('refuses @diff on a u32 buffer at its name', () => {
    const source = `// @diff
@group(0) @binding(0) var<storage, read> ids: array<u32>;
@compute @workgroup_size(1)
fn main() {
}
`;
    expectRefusal(source, {
      reason: 'bad_marking',
      at: [2, 42],
      problem: ['ids is marked @diff', 'no f32 values'],
      fix: ['f32', 'vecNf'],
    });
  });

  it('refuses a manifest marking of a u32 buffer at its name', () => {
    expectRefusal(
      kernel('  out[i] = 1.0;'),
      {
        reason: 'bad_marking',
        at: [4, 42],
        problem: ['ids is marked @diff'],
        fix: ['f32'],
      },
      { differentiable: ['ids'] },
    );
  });

  it('refuses a manifest marking of a binding the kernel lacks, listing its bindings', () => {
    expectRefusal(
      kernel('  out[i] = 1.0;'),
      {
        reason: 'bad_marking',
        at: [1, 1],
        problem: ['the manifest marks positions differentiable', 'no such binding'],
        fix: ['check the name in the manifest', 'params, xs, ids, out, state'],
      },
      { differentiable: ['positions'] },
    );
  });
});

describe('entry points and functions', () => {
  it('refuses a @vertex entry point at its attribute', () => {
    const source = `@vertex
fn vs() -> @builtin(position) vec4f {
  return vec4f(0.0);
}
`;
    expectRefusal(source, {
      reason: 'invalid_kernel',
      at: [1, 1],
      problem: ['@vertex entry points are not kernels'],
      fix: ['@compute @workgroup_size'],
    });
  });

  it('refuses a compute entry point without @workgroup_size at its name', () => {
    const source = `@compute
fn main(@builtin(global_invocation_id) gid: vec3u) {
}
`;
    expectRefusal(source, {
      reason: 'invalid_kernel',
      at: [2, 4],
      problem: ['main has no @workgroup_size'],
      fix: ['@workgroup_size(64)'],
    });
  });

  it('refuses an entry point parameter without @builtin at the parameter', () => {
    const source = `@compute @workgroup_size(64)
fn main(gid: vec3u) {
}
`;
    expectRefusal(source, {
      reason: 'invalid_kernel',
      at: [2, 9],
      problem: ['parameter gid needs a @builtin'],
      fix: ['@builtin(global_invocation_id)'],
    });
  });

  it('refuses a recursive helper at the recursive call', () => {
    const helper = `fn decay(v: f32, n: u32) -> f32 {
  if (n == 0u) { return v; }
  return decay(0.5 * v, n - 1u);
}
`;
    expectRefusal(kernel('  out[i] = decay(xs[i], 3u);', helper), {
      reason: 'invalid_kernel',
      at: [14, 10],
      problem: ['decay calls itself', 'recursion'],
      fix: ['WGSL has no recursion', 'for loop'],
    });
  });

  it('refuses mutual recursion that no entry point calls, naming the cycle', () => {
    const helpers = `fn ping(n: u32) -> u32 {
  return pong(n);
}
fn pong(n: u32) -> u32 {
  return ping(n);
}
`;
    expectRefusal(kernel('  out[i] = xs[i];', helpers), {
      reason: 'invalid_kernel',
      at: [16, 10],
      problem: ['ping calls itself through pong', 'ping → pong → ping'],
      fix: ['WGSL has no recursion'],
    });
  });

  it('refuses a const whose value is read from a buffer, at the buffer', () => {
    expectRefusal(
      kernel(['  const n = ids[i];', '  for (var j = 0u; j < n; j++) { }'].join('\n')),
      {
        reason: 'invalid_kernel',
        at: [10, 13],
        problem: ['const n must be known before the kernel runs', 'ids is not a constant'],
        fix: ['with let'],
      },
    );
  });
});

describe('type mismatches', () => {
  it('refuses f32 + u32 and suggests converting to f32', () => {
    expectRefusal(kernel('  out[i] = xs[i] + gid.x;'), {
      reason: 'type_mismatch',
      at: [10, 12],
      problem: ['operator +', 'f32 and u32'],
      fix: ['f32(…)'],
    });
  });

  it('refuses a float literal as a u32 at the literal', () => {
    expectRefusal(kernel('  let n: u32 = 1.5;'), {
      reason: 'type_mismatch',
      at: [10, 16],
      problem: ['float literal cannot become u32'],
      fix: ['integer literal'],
    });
  });

  it('refuses a negative literal as a u32 at the literal', () => {
    expectRefusal(kernel('  let k = i * -1;'), {
      reason: 'type_mismatch',
      at: [10, 15],
      problem: ['negative literal cannot become u32'],
      fix: ['i32'],
    });
  });

  it('refuses vec3 + vec4', () => {
    expectRefusal(kernel('  let v = vec3f(1.0) + vec4f(1.0);'), {
      reason: 'type_mismatch',
      at: [10, 11],
      problem: ['vectors of 3 and 4 components'],
      fix: ['same size'],
    });
  });

  it('refuses an if condition that is not a bool, at the condition', () => {
    // The condition is the parenthesised expression `(i)`, from column 6.
    expectRefusal(kernel('  if (i) { out[i] = 1.0; }'), {
      reason: 'type_mismatch',
      at: [10, 6],
      problem: ['bool condition', 'u32'],
      fix: ['compare'],
    });
  });

  it('refuses a scalar literal as a vector value instead of splatting it', () => {
    expectRefusal(kernel('  var v: vec3f = 1.0;'), {
      reason: 'type_mismatch',
      at: [10, 18],
      problem: ['expected vec3<f32>, found f32'],
      fix: ['vec3<f32>(…)'],
    });
  });
});

// ---- what the checker accepts and reports ------------------------------------------------------

describe('marking differentiable bindings', () => {
  const differentiable = (checked: CheckedModule) =>
    checked.bindings.filter((b) => b.differentiable).map((b) => b.name);

  it('marks a binding with // @diff on the line above', () => {
    const checked = check(`// @diff
@group(0) @binding(0) var<storage, read> xs: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(1)
fn main() {
  out[0] = xs[0];
}
`);
    expect(differentiable(checked)).toEqual(['xs']);
  });

  it('marks a binding with // @diff above its attributes on their own lines', () => {
    const checked = check(`// positions, in metres
// @diff
@group(0)
@binding(0)
var<storage, read> xs: array<vec4f>;
@compute @workgroup_size(1)
fn main() {
}
`);
    expect(differentiable(checked)).toEqual(['xs']);
  });

  it('marks a binding with // @diff between its attributes and var', () => {
    const checked = check(`@group(0) @binding(0)
// @diff
var<storage, read> xs: array<f32>;
@compute @workgroup_size(1)
fn main() {
}
`);
    expect(differentiable(checked)).toEqual(['xs']);
  });

  it('marks a binding with // @diff at the end of its line', () => {
    const checked = check(`struct Params { count: u32, dt: f32 }
@group(0) @binding(0) var<storage, read> xs: array<f32>;
@group(0) @binding(1) var<uniform> params: Params; // @diff
@compute @workgroup_size(1)
fn main() {
}
`);
    expect(differentiable(checked)).toEqual(['params']);
  });

  it('does not mark a binding whose @diff comment is a blank line away or another word', () => {
    const checked = check(`// @diff

@group(0) @binding(0) var<storage, read> xs: array<f32>;
// @different
@group(0) @binding(1) var<storage, read> ys: array<f32>;
@compute @workgroup_size(1)
fn main() {
}
`);
    expect(differentiable(checked)).toEqual([]);
  });

  it('marks bindings listed in the differentiable option', () => {
    const checked = check(kernel('  out[i] = xs[i];'), { differentiable: ['xs', 'state'] });
    expect(differentiable(checked)).toEqual(['xs', 'state']);
  });
});

describe('effects, entry points and workgroup sizes', () => {
  const source = `struct Params { count: u32, dt: f32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> pos: array<vec4f>;
@group(0) @binding(2) var<storage, read> stiffness: array<f32>;
@group(0) @binding(3) var<storage, read_write> force: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> energy: array<f32>;
const WG = 4u;
fn push(i: u32, f: vec3f) {
  force[i] += vec4f(f, 0.0);
}
fn spring(i: u32, j: u32) -> vec3f {
  return stiffness[i] * (pos[j].xyz - pos[i].xyz);
}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= arrayLength(&energy)) { return; }
  push(i, params.dt * spring(i, (i + 1u) % params.count));
  energy[i] = 0.0;
}
@compute @workgroup_size(8, 8)
fn clear(@builtin(global_invocation_id) gid: vec3u) {
  force[gid.x] = vec4f(0.0);
}
@compute @workgroup_size(WG, 2, 2)
fn idle() {
}
`;

  it('gathers reads, stores and accumulates of an entry point through its helpers', () => {
    const main = check(source).effects.get('main');
    expect(main && [...main.reads].sort()).toEqual(['params', 'pos', 'stiffness']);
    expect(main && [...main.stores]).toEqual(['energy']);
    expect(main && [...main.accumulates]).toEqual(['force']);
  });

  it('keeps effects per entry point, so one may assign what another accumulates', () => {
    const clear = check(source).effects.get('clear');
    expect(clear).toEqual({ reads: new Set(), stores: new Set(['force']), accumulates: new Set() });
  });

  it('lists compute entry points with their workgroup sizes, and not helpers', () => {
    const checked = check(source);
    expect(checked.entryPoints.map((e) => [e.name, e.workgroupSize])).toEqual([
      ['main', [64, 1, 1]],
      ['clear', [8, 8, 1]],
      ['idle', [4, 2, 2]],
    ]);
    expect(checked.functions.get('spring')?.workgroupSize).toBeNull();
    expect([...(checked.functions.get('main')?.calls ?? [])].sort()).toEqual(['push', 'spring']);
  });

  it('types arrayLength(&buffer) as u32 without counting it as a read', () => {
    const checked = check(source);
    expect(typeAt(checked, 'arrayLength(&energy)')).toBe('u32');
    expect(checked.effects.get('main')?.reads.has('energy')).toBe(false);
  });
});

describe('abstract literals', () => {
  it('types let x = 1 as i32 and var s = 0.0 as f32', () => {
    const checked = check(
      kernel(['  let x = 1;', '  var s = 0.0;', '  out[i] = s + f32(x);'].join('\n')),
    );
    expect(typeAt(checked, '1')).toBe('i32');
    expect(typeAt(checked, '0.0')).toBe('f32');
    expect(typeAt(checked, 'f32(x)')).toBe('f32');
    const x = expressionAt(checked, 'x');
    if (x.kind !== 'ident') throw new Error('expected the identifier x');
    expect(checked.symbolOf(x)).toMatchObject({ kind: 'local', type: { scalar: 'i32' } });
  });

  it('gives a literal the type of the other operand: x * 2 with x u32 is u32', () => {
    const checked = check(kernel('  let k = i * 2;'));
    expect(typeAt(checked, '2')).toBe('u32');
    expect(typeAt(checked, 'i * 2')).toBe('u32');
  });

  it('types the integer literals of vec3f(1, 2, 3) as f32', () => {
    const checked = check(kernel('  let v = vec3f(1, 2, 3);'));
    expect(['1', '2', '3', 'vec3f(1, 2, 3)'].map((t) => typeAt(checked, t))).toEqual([
      'f32',
      'f32',
      'f32',
      'vec3<f32>',
    ]);
  });

  it('types the blend factor of mix(a, b, 0.5) from the other arguments', () => {
    const checked = check(kernel('  out[i] = mix(xs[i], 2, 0.5);'));
    expect(typeAt(checked, '2')).toBe('f32');
    expect(typeAt(checked, '0.5')).toBe('f32');
    expect(typeAt(checked, 'mix(xs[i], 2, 0.5)')).toBe('f32');
  });

  it('lets a const declared from an untyped literal take its type from use, as in WGSL', () => {
    const checked = check(
      kernel(
        ['  for (var j = 0u; j < N; j++) {', '    out[i] += xs[j] * N;', '  }'].join('\n'),
        'const N = 8;\n',
      ),
    );
    expect(typeAt(checked, 'j < N')).toBe('bool');
    expect(typeAt(checked, 'xs[j] * N')).toBe('f32');
    expect(checked.constants.get('N')).toEqual({
      type: { kind: 'scalar', scalar: 'i32' },
      value: 8,
    });
  });

  it('divides integer consts like WGSL integers', () => {
    const checked = check(withDeclaration('const HALF = 7 / 2;\nconst RATE = 7.0 / 2;'));
    expect(checked.constants.get('HALF')?.value).toBe(3);
    expect(checked.constants.get('RATE')?.value).toBe(3.5);
  });
});

describe('typeOf', () => {
  const source = `struct Body { pos: vec4f, mass: f32, id: u32 }
struct Params { count: u32, dt: f32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> bodies: array<Body>;
@group(0) @binding(2) var<storage, read_write> out: array<vec4f>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let b = bodies[gid.x];
  var taps: array<f32, 3>;
  let p = b.pos.xyz * params.dt;
  out[gid.x] = vec4f(p.zyx, taps[1] + b.pos.w + f32(b.id) + p.r);
}
`;

  it('types swizzles by their length and the vector’s scalar', () => {
    const checked = check(source);
    expect(['b.pos.xyz', 'p.zyx', 'b.pos.w', 'p.r'].map((t) => typeAt(checked, t))).toEqual([
      'vec3<f32>',
      'vec3<f32>',
      'f32',
      'f32',
    ]);
  });

  it('types struct fields, including fields of a uniform', () => {
    const checked = check(source);
    expect(['b.pos', 'b.id', 'params.dt', 'b'].map((t) => typeAt(checked, t))).toEqual([
      'vec4<f32>',
      'u32',
      'f32',
      'Body',
    ]);
  });

  it('types indexing into storage arrays, local arrays and vectors', () => {
    const checked = check(source);
    expect(
      ['bodies[gid.x]', 'taps[1]', 'out[gid.x]', 'bodies'].map((t) => typeAt(checked, t)),
    ).toEqual(['Body', 'f32', 'vec4<f32>', 'array<Body>']);
  });

  it('types a module-scope const vector from its value', () => {
    const checked = check(
      kernel(
        '  out[i] = xs[i] * UP.y + dot(UP, UP * params.dt);',
        'const UP = vec3f(0.0, 1.0, 0.0);\n',
      ),
    );
    expect(typeAt(checked, 'UP.y')).toBe('f32');
    expect(typeAt(checked, 'UP * params.dt')).toBe('vec3<f32>');
    expect(checked.constants.get('UP')?.type).toEqual({ kind: 'vector', size: 3, scalar: 'f32' });
  });

  it('calls a helper named like an Object.prototype member as a helper', () => {
    const checked = check(
      kernel('  out[i] = valueOf(xs[i]);', 'fn valueOf(v: f32) -> f32 {\n  return 2.0 * v;\n}\n'),
    );
    expect(typeAt(checked, 'valueOf(xs[i])')).toBe('f32');
  });

  it('accepts a struct whose name ends in h', () => {
    const checked = check(`struct Mesh { area: f32 }
@group(0) @binding(0) var<storage, read> meshes: array<Mesh>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(1)
fn main() {
  out[0] = meshes[0].area;
}
`);
    expect(typeAt(checked, 'meshes[0]')).toBe('Mesh');
  });
});

describe('bounded loops', () => {
  it('accepts a loop bounded by a uniform field', () => {
    const checked = check(
      kernel(
        ['  for (var j = 0u; j < params.count; j++) {', '    out[i] += xs[j];', '  }'].join('\n'),
      ),
    );
    expect(checked.effects.get('main')?.accumulates.has('out')).toBe(true);
  });

  it('accepts a loop bounded by a const, stepping by a constant', () => {
    expect(() =>
      check(kernel('  for (var j = 0u; j < N; j += 2u) { }', 'const N = 8u;\n')),
    ).not.toThrow();
  });

  it('accepts a loop bounded by a literal, and one bounded by a local const', () => {
    expect(() => check(kernel('  for (var j = 0u; j < 4u; j++) { }'))).not.toThrow();
    expect(() =>
      check(kernel(['  const n = 3u;', '  for (var j = 0u; j <= n; j++) { }'].join('\n'))),
    ).not.toThrow();
  });

  it('accepts a loop bounded by an expression of uniforms and constants', () => {
    expect(() =>
      check(kernel('  for (var j = 0u; j < min(params.count, 16u) - 1u; j++) { }')),
    ).not.toThrow();
  });
});
