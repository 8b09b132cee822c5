import type { Attribute, Block, Decl, Expr, Module, Span, Stmt, TypeExpr } from './ast.ts';
import {
  DIFFERENTIABLE_BUILTINS,
  SCALAR_CONSTRUCTORS,
  SUPPORTED_BUILTIN_LIST,
  VECTOR_ALIASES,
} from './builtins.ts';
import { KernelError } from './errors.ts';
import {
  BOOL,
  F32,
  I32,
  U32,
  VOID,
  componentCount,
  containsFloat,
  isInteger,
  scalarOf,
  typeName,
  vector,
  type ScalarKind,
  type Type,
} from './types.ts';

export interface Binding {
  readonly name: string;
  readonly group: number;
  readonly binding: number;
  readonly addressSpace: 'storage' | 'uniform';
  readonly access: 'read' | 'read_write';
  readonly type: Type;
  readonly differentiable: boolean;
  readonly span: Span;
}

export type SymbolRef =
  | { readonly kind: 'binding'; readonly binding: Binding }
  | {
      readonly kind: 'const';
      readonly name: string;
      readonly type: Type;
      readonly value: number | null;
    }
  | {
      readonly kind: 'local';
      readonly name: string;
      readonly type: Type;
      readonly mutable: boolean;
      readonly span: Span;
    }
  | {
      readonly kind: 'param';
      readonly name: string;
      readonly type: Type;
      readonly builtin: string | null;
    };

export interface FunctionInfo {
  readonly name: string;
  readonly decl: Extract<Decl, { kind: 'fn' }>;
  readonly params: readonly {
    readonly name: string;
    readonly type: Type;
    readonly builtin: string | null;
  }[];
  readonly returnType: Type;
  readonly workgroupSize: readonly [number, number, number] | null;
  /** Functions this one calls, directly. */
  readonly calls: ReadonlySet<string>;
}

/** How an entry point (with everything it calls) touches each binding. */
export interface Effects {
  readonly reads: ReadonlySet<string>;
  readonly stores: ReadonlySet<string>;
  readonly accumulates: ReadonlySet<string>;
}

export interface CheckedModule {
  readonly module: Module;
  readonly file: string;
  readonly structs: ReadonlyMap<string, Extract<Type, { kind: 'struct' }>>;
  /** `alias` names and the types they stand for (usable as constructors too). */
  readonly aliases: ReadonlyMap<string, Type>;
  readonly bindings: readonly Binding[];
  readonly constants: ReadonlyMap<string, { readonly type: Type; readonly value: number | null }>;
  readonly functions: ReadonlyMap<string, FunctionInfo>;
  readonly entryPoints: readonly FunctionInfo[];
  readonly effects: ReadonlyMap<string, Effects>;
  typeOf(expr: Expr): Type;
  symbolOf(expr: Extract<Expr, { kind: 'ident' }>): SymbolRef;
}

export interface CheckOptions {
  readonly file?: string;
  /** Bindings marked differentiable by a manifest, besides `// @diff` comments. */
  readonly differentiable?: readonly string[];
  /**
   * For code Twinbench generated itself (adjoint kernels run on the CPU backend): skips the
   * differentiability rules (read-and-write of a buffer, break) but still resolves and types.
   */
  readonly trusted?: boolean;
}

const SWIZZLE = /^([xyzw]{1,4}|[rgba]{1,4})$/;
const SWIZZLE_INDEX: Record<string, number> = { x: 0, y: 1, z: 2, w: 3, r: 0, g: 1, b: 2, a: 3 };

/** Index of each component named by a swizzle (`zyx` → [2, 1, 0]). */
export function swizzleIndices(member: string): number[] {
  return [...member].map((c) => SWIZZLE_INDEX[c]!);
}

/** `table[key]` for the table's own keys: a helper named `valueOf` is not a builtin. */
const own = <T>(table: Readonly<Record<string, T>>, key: string): T | undefined =>
  Object.hasOwn(table, key) ? table[key] : undefined;

type Scope = Map<string, SymbolRef>;

interface Inferred {
  readonly type: Type;
  /** An untyped literal expression (WGSL's abstract int or float) that takes its type from context. */
  readonly abstract: 'int' | 'float' | null;
}

/**
 * Resolves names and types of a parsed kernel module and enforces the rules of the
 * differentiable subset, throwing a KernelError at the first construct it cannot accept.
 */
export function checkModule(module: Module, options: CheckOptions = {}): CheckedModule {
  const file = options.file ?? 'kernel.wgsl';
  const fail = (reason: KernelError['reason'], problem: string, fix: string, span: Span): never => {
    throw new KernelError(reason, problem, fix, span, file);
  };

  const structs = new Map<string, Extract<Type, { kind: 'struct' }>>();
  const aliases = new Map<string, Type>();
  const constants = new Map<string, { type: Type; value: number | null }>();
  const bindings: Binding[] = [];
  const functions = new Map<string, FunctionInfo>();
  const types = new Map<Expr, Type>();
  const symbols = new Map<Expr, SymbolRef>();
  const globals: Scope = new Map();
  /** Consts declared without a type from untyped literals: like literals, they take their type from use. */
  const abstractConsts = new Map<SymbolRef, 'int' | 'float'>();
  const marked = new Set(options.differentiable ?? []);

  // ---- types written in the source -------------------------------------------------------

  const resolveType = (t: TypeExpr): Type => {
    const vectorAlias = own(VECTOR_ALIASES, t.name);
    if (vectorAlias) return vector(vectorAlias.size, vectorAlias.scalar);
    const scalar = own(SCALAR_CONSTRUCTORS, t.name);
    if (scalar) return { kind: 'scalar', scalar };
    const match = /^vec([234])$/.exec(t.name);
    if (match) {
      const inner = t.args[0];
      if (!inner || inner.kind !== 'type')
        return fail(
          'type_mismatch',
          `${t.name} needs its component type`,
          `write ${t.name}<f32>`,
          t.span,
        );
      const elem = resolveType(inner);
      if (elem.kind !== 'scalar')
        return fail(
          'type_mismatch',
          `vector components must be scalars, not ${typeName(elem)}`,
          'use f32, i32, u32 or bool',
          inner.span,
        );
      return vector(Number(match[1]) as 2 | 3 | 4, elem.scalar);
    }
    if (t.name === 'array') {
      const [elemExpr, lengthExpr] = t.args;
      if (!elemExpr || elemExpr.kind !== 'type')
        return fail(
          'type_mismatch',
          'array needs an element type',
          'write array<f32> or array<f32, 16>',
          t.span,
        );
      const element = resolveType(elemExpr);
      if (!lengthExpr) return { kind: 'array', element, length: null };
      const length =
        lengthExpr.kind === 'type'
          ? constantOf({ kind: 'ident', name: lengthExpr.name, span: lengthExpr.span })
          : constantOf(lengthExpr);
      if (length === null || !Number.isInteger(length) || length <= 0) {
        return fail(
          'type_mismatch',
          'array length must be a positive integer constant',
          'write a literal or a `const` for the length',
          lengthExpr.span,
        );
      }
      return { kind: 'array', element, length };
    }
    if (t.name === 'atomic') {
      return fail(
        'unsupported_construct',
        'atomic<…> types are not part of the differentiable subset',
        'accumulate into plain f32 buffers with +=; Twinbench emits the atomics itself',
        t.span,
      );
    }
    if (/^mat\d/.test(t.name)) {
      return fail(
        'unsupported_construct',
        `matrix type ${t.name} is not supported yet`,
        'write the matrix as vectors (one vec per column) and use dot()',
        t.span,
      );
    }
    // Only f16 and vec2h/vec3h/vec4h: user structs and aliases may end in h (`struct Mesh`).
    if (t.name === 'ptr' || t.name === 'f16' || /^vec[234]h$/.test(t.name)) {
      return fail(
        'unsupported_construct',
        `type ${t.name} is not part of the differentiable subset`,
        'use f32, i32, u32, bool, vecN<f32>, arrays and structs of those',
        t.span,
      );
    }
    const named = structs.get(t.name) ?? aliases.get(t.name);
    if (named) return named;
    return fail(
      'unknown_identifier',
      `unknown type ${t.name}`,
      'declare the struct before using it, or use a WGSL type such as f32 or vec3f',
      t.span,
    );
  };

  // ---- constant evaluation (array lengths, loop bounds) ----------------------------------

  const constantOf = (e: Expr): number | null => {
    switch (e.kind) {
      case 'number':
        return e.value;
      case 'paren':
        return constantOf(e.inner);
      case 'ident':
        return constants.get(e.name)?.value ?? null;
      case 'unary':
        if (e.op === '-') {
          const v = constantOf(e.operand);
          return v === null ? null : -v;
        }
        return null;
      case 'binary': {
        const a = constantOf(e.left);
        const b = constantOf(e.right);
        if (a === null || b === null) return null;
        switch (e.op) {
          case '+':
            return a + b;
          case '-':
            return a - b;
          case '*':
            return a * b;
          case '/':
            // Integer constants divide like WGSL integers: `const HALF = 7 / 2;` is 3.
            if (b === 0) return null;
            return isFloatConstant(e) ? a / b : Math.trunc(a / b);
          default:
            return null;
        }
      }
      default:
        return null;
    }
  };

  /** True when a constant expression is float-valued: it has a float literal or an f32 const. */
  const isFloatConstant = (e: Expr): boolean => {
    switch (e.kind) {
      case 'number':
        return e.isFloat;
      case 'paren':
        return isFloatConstant(e.inner);
      case 'unary':
        return isFloatConstant(e.operand);
      case 'binary':
        return isFloatConstant(e.left) || isFloatConstant(e.right);
      case 'ident':
        return scalarOf(constants.get(e.name)?.type ?? VOID) === 'f32';
      default:
        return false;
    }
  };

  // ---- module-level declarations ---------------------------------------------------------

  const attr = (attributes: readonly Attribute[], name: string) =>
    attributes.find((a) => a.name === name);
  const intAttr = (a: Attribute | undefined): number | null =>
    a?.args[0] ? constantOf(a.args[0]) : null;

  for (const decl of module.declarations) {
    switch (decl.kind) {
      case 'struct':
        structs.set(decl.name, {
          kind: 'struct',
          name: decl.name,
          members: decl.members.map((m) => ({ name: m.name, type: resolveType(m.type) })),
        });
        break;
      case 'alias':
        aliases.set(decl.name, resolveType(decl.type));
        break;
      case 'const': {
        if (!decl.init)
          fail(
            'syntax',
            `const ${decl.name} has no value`,
            `write const ${decl.name} = <value>;`,
            decl.span,
          );
        const value = constantOf(decl.init!);
        const inferred = decl.type
          ? resolveType(decl.type)
          : decl.init!.kind === 'number' && decl.init!.isFloat
            ? F32
            : decl.init!.kind === 'number' && decl.init!.suffix === 'u'
              ? U32
              : value !== null && !Number.isInteger(value)
                ? F32
                : I32;
        constants.set(decl.name, { type: inferred, value });
        globals.set(decl.name, { kind: 'const', name: decl.name, type: inferred, value });
        break;
      }
      case 'override':
        fail(
          'unsupported_construct',
          `override ${decl.name} is not supported`,
          'use a const, or a field of a uniform buffer',
          decl.span,
        );
        break;
      case 'globalVar': {
        if (decl.addressSpace === 'workgroup') {
          fail(
            'unsupported_construct',
            `workgroup variable ${decl.name} cannot be replayed for the adjoint`,
            'keep per-thread values in function variables, and shared data in storage buffers',
            decl.span,
          );
        }
        if (decl.addressSpace === 'private' || decl.addressSpace === null) {
          fail(
            'unsupported_construct',
            `module-scope variable ${decl.name} (private state) cannot be replayed for the adjoint`,
            'use a const, or a function-scope var',
            decl.span,
          );
        }
        if (!decl.type)
          fail(
            'syntax',
            `${decl.name} has no type`,
            `write var<storage, read> ${decl.name}: array<f32>;`,
            decl.span,
          );
        const group = intAttr(attr(decl.attributes, 'group'));
        const binding = intAttr(attr(decl.attributes, 'binding'));
        if (group === null || binding === null) {
          fail(
            'invalid_kernel',
            `${decl.name} needs @group and @binding`,
            `write @group(0) @binding(N) before var`,
            decl.span,
          );
        }
        const type = resolveType(decl.type!);
        const diffMarked =
          marked.has(decl.name) || decl.comments.some((c) => /(^|\s)@diff(\s|$)/.test(c));
        if (diffMarked && !containsFloat(type)) {
          fail(
            'bad_marking',
            `${decl.name} is marked @diff but holds no f32 values`,
            'mark only buffers of f32, vecNf or structs containing them',
            decl.nameSpan,
          );
        }
        const access = decl.addressSpace === 'uniform' ? 'read' : (decl.access ?? 'read');
        if (access === 'write')
          fail(
            'unsupported_construct',
            `write-only storage ${decl.name}`,
            'declare it read_write',
            decl.span,
          );
        const b: Binding = {
          name: decl.name,
          group: group!,
          binding: binding!,
          addressSpace: decl.addressSpace as 'storage' | 'uniform',
          access: access as 'read' | 'read_write',
          type,
          differentiable: diffMarked,
          span: decl.span,
        };
        bindings.push(b);
        globals.set(decl.name, { kind: 'binding', binding: b });
        break;
      }
      case 'fn':
      case 'directive':
        break;
    }
  }
  for (const name of marked) {
    if (!bindings.some((b) => b.name === name)) {
      fail(
        'bad_marking',
        `the manifest marks ${name} differentiable but the kernel has no such binding`,
        bindings.length > 0
          ? `check the name in the manifest; the kernel's bindings are ${bindings.map((b) => b.name).join(', ')}`
          : 'check the name in the manifest; the kernel declares no bindings',
        { offset: 0, length: 0, line: 1, column: 1 },
      );
    }
  }

  // Signatures first, so calls can come before definitions.
  const fnDecls = module.declarations.filter(
    (d): d is Extract<Decl, { kind: 'fn' }> => d.kind === 'fn',
  );
  const signatures = new Map<string, { params: FunctionInfo['params']; returnType: Type }>();
  for (const fn of fnDecls) {
    signatures.set(fn.name, {
      params: fn.params.map((p) => {
        const builtin = attr(p.attributes, 'builtin')?.args[0];
        return {
          name: p.name,
          type: resolveType(p.type),
          builtin: builtin?.kind === 'ident' ? builtin.name : null,
        };
      }),
      returnType: fn.returnType ? resolveType(fn.returnType) : VOID,
    });
  }

  // ---- expressions -----------------------------------------------------------------------

  const record = (e: Expr, type: Type): Type => {
    types.set(e, type);
    return type;
  };

  /** Gives an abstract (untyped literal) expression its concrete scalar kind, recursively. */
  const concretize = (e: Expr, scalar: ScalarKind): void => {
    const old = types.get(e);
    if (!old) return;
    if (scalar === 'u32' && e.kind === 'unary' && e.op === '-')
      fail(
        'type_mismatch',
        'a negative literal cannot become u32',
        'write a value of 0 or more, or make the other side an i32',
        e.span,
      );
    const count = componentCount(old);
    types.set(e, count <= 1 ? { kind: 'scalar', scalar } : vector(count as 2 | 3 | 4, scalar));
    if (e.kind === 'binary' && !['==', '!=', '<', '<=', '>', '>=', '&&', '||'].includes(e.op)) {
      concretize(e.left, scalar);
      concretize(e.right, scalar);
    } else if (e.kind === 'unary' || e.kind === 'paren') {
      concretize(e.kind === 'unary' ? e.operand : e.inner, scalar);
    }
  };

  const settle = (e: Expr, inferred: Inferred): Type => {
    if (inferred.abstract) concretize(e, inferred.abstract === 'float' ? 'f32' : 'i32');
    return types.get(e)!;
  };

  /** Converts an abstract expression to `target`'s scalar kind when allowed. */
  const coerce = (e: Expr, inferred: Inferred, target: Type, what: string): void => {
    const s = scalarOf(target);
    // A scalar literal does not splat into a vector: `var v: vec3f = 1.0` is not WGSL.
    if (inferred.abstract && s && componentCount(inferred.type) === componentCount(target)) {
      if (inferred.abstract === 'float' && s !== 'f32') {
        fail(
          'type_mismatch',
          `${what}: a float literal cannot become ${typeName(target)}`,
          'write an integer literal, or convert explicitly',
          e.span,
        );
      }
      concretize(e, s);
      return;
    }
    const actual = types.get(e)!;
    if (typeName(actual) !== typeName(target)) {
      fail(
        'type_mismatch',
        `${what}: expected ${typeName(target)}, found ${typeName(actual)}`,
        `convert it, e.g. ${typeName(target)}(…)`,
        e.span,
      );
    }
  };

  const lookup = (scopes: Scope[], name: string): SymbolRef | undefined => {
    for (let i = scopes.length - 1; i >= 0; i--) {
      const found = scopes[i]!.get(name);
      if (found) return found;
    }
    return globals.get(name);
  };

  interface FnContext {
    /** Null while typing module-scope consts. */
    readonly fn: Extract<Decl, { kind: 'fn' }> | null;
    readonly returnType: Type;
    readonly scopes: Scope[];
    /** Callees, with the first call site of each. */
    readonly calls: Map<string, Span>;
    readonly reads: Set<string>;
    /** Bindings assigned (`=`) and accumulated into (`+=`, `-=`), with the first site of each. */
    readonly stores: Map<string, Span>;
    readonly accumulates: Map<string, Span>;
    loopDepth: number;
    /** Loop variables of enclosing for loops: assigning them in the body is refused. */
    readonly loopVariables: Set<string>;
  }

  /** The binding an l-value or r-value chain (`buf[i].x`) is rooted at, if any. */
  const rootBinding = (e: Expr, ctx: FnContext): Binding | null => {
    switch (e.kind) {
      case 'ident': {
        const s = lookup(ctx.scopes, e.name);
        return s?.kind === 'binding' ? s.binding : null;
      }
      case 'index':
      case 'member':
        return rootBinding(e.base, ctx);
      case 'paren':
        return rootBinding(e.inner, ctx);
      default:
        return null;
    }
  };

  const infer = (e: Expr, ctx: FnContext): Inferred => {
    switch (e.kind) {
      case 'number': {
        const scalar: ScalarKind | null =
          e.suffix === 'f' ? 'f32' : e.suffix === 'u' ? 'u32' : e.suffix === 'i' ? 'i32' : null;
        if (e.suffix === 'h')
          fail(
            'unsupported_construct',
            'f16 literals are not supported',
            'write an f32 literal (no h suffix)',
            e.span,
          );
        if (scalar) return { type: record(e, { kind: 'scalar', scalar }), abstract: null };
        return { type: record(e, e.isFloat ? F32 : I32), abstract: e.isFloat ? 'float' : 'int' };
      }
      case 'bool':
        return { type: record(e, BOOL), abstract: null };
      case 'paren': {
        const inner = infer(e.inner, ctx);
        return { type: record(e, inner.type), abstract: inner.abstract };
      }
      case 'ident': {
        const s = lookup(ctx.scopes, e.name);
        if (!s)
          return fail(
            'unknown_identifier',
            `unknown name ${e.name}`,
            'declare it with let or var before this line, or check the spelling',
            e.span,
          );
        symbols.set(e, s);
        if (s.kind === 'binding') {
          ctx.reads.add(s.binding.name);
          return { type: record(e, s.binding.type), abstract: null };
        }
        if (s.kind === 'const')
          return { type: record(e, s.type), abstract: abstractConsts.get(s) ?? null };
        return { type: record(e, s.type), abstract: null };
      }
      case 'unary': {
        if (e.op === '&' || e.op === '*') {
          return fail(
            'unsupported_construct',
            'pointers are not part of the differentiable subset',
            'pass values to helper functions and return results',
            e.span,
          );
        }
        const operand = infer(e.operand, ctx);
        if (e.op === '!' && scalarOf(operand.type) !== 'bool')
          fail(
            'type_mismatch',
            `! needs a bool, found ${typeName(operand.type)}`,
            'compare first, e.g. x != 0',
            e.span,
          );
        if (e.op === '~' && !isInteger(operand.type))
          fail(
            'type_mismatch',
            `~ needs an integer, found ${typeName(operand.type)}`,
            'use ~ on i32 or u32 values',
            e.span,
          );
        if (e.op === '-' && scalarOf(operand.type) === 'u32')
          fail('type_mismatch', 'cannot negate a u32', 'convert to i32 or f32 first', e.span);
        return { type: record(e, operand.type), abstract: operand.abstract };
      }
      case 'binary':
        return inferBinary(e, ctx);
      case 'call':
        return { type: inferCall(e, ctx), abstract: null };
      case 'index': {
        const base = infer(e.base, ctx);
        const index = infer(e.index, ctx);
        const indexType = settle(e.index, index);
        if (!isInteger(indexType) || componentCount(indexType) !== 1) {
          fail(
            'type_mismatch',
            `index must be an i32 or u32, found ${typeName(indexType)}`,
            'convert it with u32(…)',
            e.index.span,
          );
        }
        const t = base.type;
        if (t.kind === 'array') return { type: record(e, t.element), abstract: null };
        if (t.kind === 'vector')
          return { type: record(e, { kind: 'scalar', scalar: t.scalar }), abstract: null };
        return fail(
          'type_mismatch',
          `cannot index a ${typeName(t)}`,
          'index arrays and vectors only',
          e.span,
        );
      }
      case 'member': {
        const base = infer(e.base, ctx);
        const t = base.type;
        if (t.kind === 'struct') {
          const field = t.members.find((m) => m.name === e.member);
          if (!field)
            return fail(
              'unknown_identifier',
              `${t.name} has no field ${e.member}`,
              `use one of: ${t.members.map((m) => m.name).join(', ')}`,
              e.memberSpan,
            );
          return { type: record(e, field.type), abstract: null };
        }
        if (t.kind === 'vector' && SWIZZLE.test(e.member)) {
          const indices = swizzleIndices(e.member);
          if (indices.some((i) => i >= t.size))
            fail(
              'type_mismatch',
              `.${e.member} reads past a vec${t.size}`,
              `use components up to ${'xyzw'[t.size - 1]}`,
              e.memberSpan,
            );
          const type: Type =
            indices.length === 1
              ? { kind: 'scalar', scalar: t.scalar }
              : vector(indices.length as 2 | 3 | 4, t.scalar);
          return { type: record(e, type), abstract: base.abstract };
        }
        return fail(
          'type_mismatch',
          `cannot read .${e.member} of a ${typeName(t)}`,
          'use a struct field or a vector swizzle such as .xyz',
          e.memberSpan,
        );
      }
    }
  };

  const inferBinary = (e: Extract<Expr, { kind: 'binary' }>, ctx: FnContext): Inferred => {
    const left = infer(e.left, ctx);
    const right = infer(e.right, ctx);
    // Abstract literals take the other side's type.
    if (left.abstract && !right.abstract) concretize(e.left, scalarOf(right.type) ?? 'i32');
    if (right.abstract && !left.abstract) concretize(e.right, scalarOf(left.type) ?? 'i32');
    const abstract =
      left.abstract && right.abstract
        ? left.abstract === 'float' || right.abstract === 'float'
          ? 'float'
          : 'int'
        : null;
    if (abstract) {
      concretize(e.left, abstract === 'float' ? 'f32' : 'i32');
      concretize(e.right, abstract === 'float' ? 'f32' : 'i32');
    }
    const lt = types.get(e.left)!;
    const rt = types.get(e.right)!;
    const ls = scalarOf(lt);
    const rs = scalarOf(rt);
    if (left.abstract === 'float' && rs !== 'f32' && !abstract)
      fail(
        'type_mismatch',
        `a float literal cannot combine with ${typeName(rt)}`,
        'convert the other side to f32, or write an integer literal',
        e.left.span,
      );
    if (right.abstract === 'float' && ls !== 'f32' && !abstract)
      fail(
        'type_mismatch',
        `a float literal cannot combine with ${typeName(lt)}`,
        'convert the other side to f32, or write an integer literal',
        e.right.span,
      );
    if (ls === null || rs === null)
      return fail(
        'type_mismatch',
        `operator ${e.op} needs scalars or vectors`,
        'operate on components or fields',
        e.span,
      );
    if (['&&', '||'].includes(e.op)) {
      if (ls !== 'bool' || rs !== 'bool')
        fail(
          'type_mismatch',
          `${e.op} needs bool operands`,
          'compare first, e.g. (a > 0.0) && (b > 0.0)',
          e.span,
        );
      return { type: record(e, BOOL), abstract: null };
    }
    if (e.op === '<<' || e.op === '>>') {
      if (!isInteger(lt) || scalarOf(rt) !== 'u32')
        fail(
          'type_mismatch',
          `${e.op} needs an integer on the left and a u32 shift`,
          'write x << 2u',
          e.span,
        );
      return { type: record(e, lt), abstract: null };
    }
    if (ls !== rs) {
      fail(
        'type_mismatch',
        `operator ${e.op} mixes ${typeName(lt)} and ${typeName(rt)}`,
        `convert one side, e.g. ${ls === 'f32' || rs === 'f32' ? 'f32' : (rs ?? 'f32')}(…)`,
        e.span,
      );
    }
    const lc = componentCount(lt);
    const rc = componentCount(rt);
    if (lc !== rc && lc !== 1 && rc !== 1)
      fail(
        'type_mismatch',
        `operator ${e.op} mixes vectors of ${lc} and ${rc} components`,
        'use vectors of the same size',
        e.span,
      );
    const size = Math.max(lc, rc);
    const result: Type =
      size === 1 ? { kind: 'scalar', scalar: ls } : vector(size as 2 | 3 | 4, ls);
    if (['==', '!=', '<', '<=', '>', '>='].includes(e.op)) {
      return {
        type: record(e, size === 1 ? BOOL : vector(size as 2 | 3 | 4, 'bool')),
        abstract: null,
      };
    }
    if (['&', '|', '^'].includes(e.op) && !isInteger(result) && ls !== 'bool')
      fail(
        'type_mismatch',
        `${e.op} needs integers or bools`,
        'use && or || for conditions',
        e.span,
      );
    if (e.op === '%' && ls === 'f32') {
      // WGSL allows it; its derivative is fine almost everywhere (1 and −trunc(a/b)).
    }
    return { type: record(e, result), abstract };
  };

  const inferArgs = (args: readonly Expr[], ctx: FnContext): Inferred[] =>
    args.map((a) => infer(a, ctx));

  const inferCall = (e: Extract<Expr, { kind: 'call' }>, ctx: FnContext): Type => {
    // An alias used as a constructor builds the type it stands for.
    const aliased = aliases.get(e.callee);
    if (aliased && aliased.kind !== 'array') {
      const args = inferArgs(e.args, ctx);
      if (aliased.kind === 'struct') {
        if (args.length !== aliased.members.length && args.length !== 0) {
          fail(
            'type_mismatch',
            `${e.callee}(…) needs ${aliased.members.length} values`,
            `pass one value per field: ${aliased.members.map((m) => m.name).join(', ')}`,
            e.span,
          );
        }
        args.forEach((a, i) =>
          coerce(e.args[i]!, a, aliased.members[i]!.type, `field ${aliased.members[i]!.name}`),
        );
        return record(e, aliased);
      }
      const scalar = scalarOf(aliased);
      let count = 0;
      args.forEach((a, i) => {
        if (a.abstract && scalar) concretize(e.args[i]!, scalar);
        const t = types.get(e.args[i]!)!;
        if (aliased.kind === 'vector' && scalarOf(t) !== scalar) {
          fail(
            'type_mismatch',
            `${e.callee} (${typeName(aliased)}) cannot take a ${typeName(t)} component`,
            `convert it with ${scalar ?? 'f32'}(…)`,
            e.args[i]!.span,
          );
        }
        count += componentCount(t);
      });
      const size = componentCount(aliased);
      if (
        aliased.kind === 'vector'
          ? !(count === size || count === 1 || count === 0)
          : args.length > 1
      ) {
        fail(
          'type_mismatch',
          `${e.callee} (${typeName(aliased)}) needs ${size} component${size > 1 ? 's' : ''}, got ${count}`,
          `pass ${size} values`,
          e.span,
        );
      }
      return record(e, aliased);
    }
    // Type constructors and conversions.
    const vectorAlias = own(VECTOR_ALIASES, e.callee);
    const vecMatch = /^vec([234])$/.exec(e.callee);
    if (vectorAlias || vecMatch) {
      let size: 2 | 3 | 4;
      let scalar: ScalarKind | null;
      if (vectorAlias) {
        size = vectorAlias.size;
        scalar = vectorAlias.scalar;
      } else {
        size = Number(vecMatch![1]) as 2 | 3 | 4;
        // Resolved so that `vec3<f16>(…)` is refused like the type `vec3<f16>`.
        const arg = e.templateArgs[0];
        scalar = arg
          ? scalarOf(resolveType({ kind: 'type', name: e.callee, args: [arg], span: e.calleeSpan }))
          : null;
      }
      const args = inferArgs(e.args, ctx);
      if (scalar === null) {
        const first = args.find((a) => !a.abstract);
        scalar = first
          ? scalarOf(first.type)
          : args.some((a) => a.abstract === 'float')
            ? 'f32'
            : 'i32';
      }
      const target = scalar ?? 'f32';
      let count = 0;
      args.forEach((a, i) => {
        const arg = e.args[i]!;
        if (a.abstract) concretize(arg, target);
        const t = types.get(arg)!;
        if (scalarOf(t) !== target && !(args.length === 1 && t.kind === 'vector')) {
          fail(
            'type_mismatch',
            `vec${size}<${target}> cannot take a ${typeName(t)} component`,
            `convert it with ${target}(…)`,
            arg.span,
          );
        }
        count += componentCount(t);
      });
      const convert = args.length === 1 && args[0]!.type.kind === 'vector';
      if (!(
        count === size ||
        (args.length === 1 && count === 1) ||
        args.length === 0 ||
        (convert && count === size)
      )) {
        fail(
          'type_mismatch',
          `vec${size} needs ${size} components, got ${count}`,
          `pass ${size} scalars, one scalar to splat, or vectors adding up to ${size}`,
          e.span,
        );
      }
      return record(e, vector(size, target));
    }
    const scalarCtor = own(SCALAR_CONSTRUCTORS, e.callee);
    if (scalarCtor) {
      const args = inferArgs(e.args, ctx);
      // f32() is WGSL's zero value.
      if (
        args.length > 1 ||
        (args.length === 1 && componentCount(settle(e.args[0]!, args[0]!)) !== 1)
      ) {
        fail('type_mismatch', `${e.callee}(…) converts one scalar`, `write ${e.callee}(x)`, e.span);
      }
      return record(e, { kind: 'scalar', scalar: scalarCtor });
    }
    const struct = structs.get(e.callee);
    if (struct) {
      const args = inferArgs(e.args, ctx);
      if (args.length !== struct.members.length && args.length !== 0)
        fail(
          'type_mismatch',
          `${struct.name}(…) needs ${struct.members.length} values`,
          `pass one value per field: ${struct.members.map((m) => m.name).join(', ')}`,
          e.span,
        );
      args.forEach((a, i) =>
        coerce(e.args[i]!, a, struct.members[i]!.type, `field ${struct.members[i]!.name}`),
      );
      return record(e, struct);
    }
    if (e.callee === 'arrayLength') {
      const arg = e.args[0];
      if (
        e.args.length === 1 &&
        arg?.kind === 'unary' &&
        arg.op === '&' &&
        arg.operand.kind === 'ident'
      ) {
        const s = lookup(ctx.scopes, arg.operand.name);
        if (
          s?.kind === 'binding' &&
          s.binding.type.kind === 'array' &&
          s.binding.type.length === null
        ) {
          symbols.set(arg.operand, s);
          return record(e, U32);
        }
      }
      return fail(
        'type_mismatch',
        'arrayLength takes &buffer of a runtime-sized array binding',
        'write arrayLength(&name)',
        e.span,
      );
    }
    const builtin = own(DIFFERENTIABLE_BUILTINS, e.callee);
    if (builtin) {
      const args = inferArgs(e.args, ctx);
      if (args.length !== builtin.arity)
        fail(
          'type_mismatch',
          `${e.callee} takes ${builtin.arity} argument${builtin.arity > 1 ? 's' : ''}, got ${args.length}`,
          `see docs/kernels.md for ${e.callee}`,
          e.span,
        );
      // Literals take the type of the first typed argument (mix(a, b, 0.5) → f32); select's
      // bool condition says nothing about its values' type.
      const typed = (e.callee === 'select' ? args.slice(0, 2) : args).find((a) => !a.abstract);
      const target = typed
        ? scalarOf(typed.type)
        : args.some((a) => a.abstract === 'float')
          ? 'f32'
          : 'i32';
      args.forEach((a, i) => {
        if (a.abstract && !(e.callee === 'select' && i === 2))
          concretize(e.args[i]!, target ?? 'f32');
      });
      const result = builtin.signature(e.args.map((a) => types.get(a)!));
      if (typeof result === 'string')
        return fail(
          'type_mismatch',
          `${e.callee} ${result}; got ${e.args.map((a) => typeName(types.get(a)!)).join(', ')}`,
          `see docs/kernels.md for ${e.callee}`,
          e.span,
        );
      return record(e, result);
    }
    const sig = signatures.get(e.callee);
    if (sig) {
      if (sig.params.some((p) => p.builtin))
        fail(
          'invalid_kernel',
          `${e.callee} is an entry point and cannot be called`,
          'move the shared code into a helper function',
          e.calleeSpan,
        );
      const args = inferArgs(e.args, ctx);
      if (args.length !== sig.params.length)
        fail(
          'type_mismatch',
          `${e.callee} takes ${sig.params.length} arguments, got ${args.length}`,
          'pass one value per parameter',
          e.span,
        );
      args.forEach((a, i) =>
        coerce(e.args[i]!, a, sig.params[i]!.type, `argument ${i + 1} of ${e.callee}`),
      );
      if (!ctx.calls.has(e.callee)) ctx.calls.set(e.callee, e.calleeSpan);
      return record(e, sig.returnType);
    }
    // Constructors of refused types (`mat3x3f(…)`, `vec3h(…)`) fail with the type's message.
    if (/^mat\d|^f16$|^vec[234]h$/.test(e.callee))
      resolveType({ kind: 'type', name: e.callee, args: e.templateArgs, span: e.calleeSpan });
    // Texture reads and derivatives have no side effects: they get their own message.
    if (/^texture|^dpdx|^dpdy|^fwidth/.test(e.callee)) {
      return fail(
        'unsupported_builtin',
        `${e.callee} needs textures or a fragment shader, which kernels do not have`,
        'keep the data in a storage buffer and index it; compute differences from neighbouring elements',
        e.calleeSpan,
      );
    }
    const atomics = /^atomic|^workgroupBarrier$|^storageBarrier$/;
    if (atomics.test(e.callee)) {
      return fail(
        'unsupported_builtin',
        `${e.callee} has side effects that cannot be replayed for the adjoint`,
        'accumulate with += into f32 buffers; Twinbench adds the atomics and barriers it needs',
        e.calleeSpan,
      );
    }
    return fail(
      'unsupported_builtin',
      `${e.callee} is not a supported builtin or a function of this module`,
      `use one of: ${SUPPORTED_BUILTIN_LIST}`,
      e.calleeSpan,
    );
  };

  // ---- statements ------------------------------------------------------------------------

  const checkAssignTarget = (target: Expr, op: string, ctx: FnContext, span: Span): Type => {
    const binding = rootBinding(target, ctx);
    if (binding) {
      if (binding.addressSpace === 'uniform' || binding.access === 'read') {
        fail(
          'invalid_kernel',
          `${binding.name} is read-only`,
          `declare it var<storage, read_write> to write it`,
          span,
        );
      }
      if (
        op === '*=' ||
        op === '/=' ||
        op === '%=' ||
        ['&=', '|=', '^=', '<<=', '>>='].includes(op)
      ) {
        fail(
          'in_place_update',
          `in-place ${op} on buffer ${binding.name} overwrites the value the adjoint needs`,
          `read it into a let, and write the result to a separate output buffer (${binding.name}Out[i] = x ${op.slice(0, -1)} y)`,
          span,
        );
      }
      const sites = op === '+=' || op === '-=' ? ctx.accumulates : ctx.stores;
      if (!sites.has(binding.name)) sites.set(binding.name, span);
      // Reads of the target chain's indices are reads, the element itself is not.
      const visitIndices = (e: Expr) => {
        if (e.kind === 'index') {
          infer(e.index, ctx);
          visitIndices(e.base);
        } else if (e.kind === 'member') visitIndices(e.base);
      };
      visitIndices(target);
      const wasRead = ctx.reads.has(binding.name);
      const t = infer(target, ctx).type;
      if (!wasRead) ctx.reads.delete(binding.name);
      return t;
    }
    if (target.kind === 'ident' && target.name === '_') return VOID;
    const root = (function rootIdent(e: Expr): Extract<Expr, { kind: 'ident' }> | null {
      return e.kind === 'ident'
        ? e
        : e.kind === 'index' || e.kind === 'member'
          ? rootIdent(e.base)
          : e.kind === 'paren'
            ? rootIdent(e.inner)
            : null;
    })(target);
    if (!root)
      return fail(
        'invalid_kernel',
        'cannot assign to this expression',
        'assign to a var, or to an element of a read_write storage buffer',
        span,
      );
    const s = lookup(ctx.scopes, root.name);
    if (!s)
      return fail(
        'unknown_identifier',
        `unknown name ${root.name}`,
        'declare it with var first',
        root.span,
      );
    if (s.kind !== 'local' || !s.mutable) {
      fail(
        'invalid_kernel',
        `${root.name} is not a var and cannot be assigned`,
        s.kind === 'local' ? `declare it with var instead of let` : 'assign to a var',
        root.span,
      );
    }
    if (ctx.loopVariables.has(root.name)) {
      fail(
        'unbounded_loop',
        `loop variable ${root.name} is changed inside the loop body`,
        'change it only in the for statement’s update clause',
        span,
      );
    }
    return infer(target, ctx).type;
  };

  /** The first part of `e` that is not known before the kernel runs, or null. */
  const nonConstant = (e: Expr, scopes: Scope[]): Expr | null => {
    switch (e.kind) {
      case 'number':
      case 'bool':
        return null;
      case 'ident':
        return lookup(scopes, e.name)?.kind === 'const' ? null : e;
      case 'paren':
        return nonConstant(e.inner, scopes);
      case 'unary':
        return nonConstant(e.operand, scopes);
      case 'binary':
        return nonConstant(e.left, scopes) ?? nonConstant(e.right, scopes);
      case 'member':
        return nonConstant(e.base, scopes);
      case 'index':
        return nonConstant(e.base, scopes) ?? nonConstant(e.index, scopes);
      case 'call': {
        const constructor =
          Object.hasOwn(VECTOR_ALIASES, e.callee) ||
          /^vec[234]$/.test(e.callee) ||
          Object.hasOwn(SCALAR_CONSTRUCTORS, e.callee) ||
          structs.has(e.callee);
        if (!constructor && !Object.hasOwn(DIFFERENTIABLE_BUILTINS, e.callee)) return e;
        for (const a of e.args) {
          const found = nonConstant(a, scopes);
          if (found) return found;
        }
        return null;
      }
    }
  };

  /**
   * Types a const, whose value must be known before the kernel runs (so a const loop bound is
   * one). Declared without a type from untyped literals (`const N = 8;`), it stays abstract and
   * converts where it is used, as in WGSL: `i < N` with a u32 `i`.
   */
  const declareConst = (
    name: string,
    typeExpr: TypeExpr | null,
    init: Expr,
    ctx: FnContext,
  ): Extract<SymbolRef, { kind: 'const' }> => {
    const inferred = infer(init, ctx);
    let type: Type;
    if (typeExpr) {
      type = resolveType(typeExpr);
      coerce(init, inferred, type, `initial value of ${name}`);
    } else type = settle(init, inferred);
    const found = nonConstant(init, ctx.scopes);
    if (found)
      fail(
        'invalid_kernel',
        `const ${name} must be known before the kernel runs, but ${module.source.slice(found.span.offset, found.span.offset + found.span.length)} is not a constant`,
        `declare ${name} with let to compute it while the kernel runs`,
        found.span,
      );
    const symbol = { kind: 'const', name, type, value: constantOf(init) } as const;
    if (!typeExpr && inferred.abstract) abstractConsts.set(symbol, inferred.abstract);
    return symbol;
  };

  const checkStmt = (s: Stmt, ctx: FnContext): void => {
    switch (s.kind) {
      case 'declare': {
        const scope = ctx.scopes[ctx.scopes.length - 1]!;
        if (scope.has(s.name))
          fail(
            'invalid_kernel',
            `${s.name} is already declared in this block`,
            'use another name',
            s.nameSpan,
          );
        if (s.declaration === 'const' && s.init) {
          scope.set(s.name, declareConst(s.name, s.type, s.init, ctx));
          return;
        }
        let type: Type;
        if (s.type) {
          type = resolveType(s.type);
          if (s.init) coerce(s.init, infer(s.init, ctx), type, `initial value of ${s.name}`);
        } else if (s.init) {
          type = settle(s.init, infer(s.init, ctx));
        } else {
          return void fail(
            'invalid_kernel',
            `${s.name} needs a type or an initial value`,
            `write var ${s.name}: f32 = 0.0;`,
            s.span,
          );
        }
        scope.set(s.name, {
          kind: 'local',
          name: s.name,
          type,
          mutable: s.declaration === 'var',
          span: s.nameSpan,
        });
        return;
      }
      case 'assign': {
        const targetType = checkAssignTarget(s.target, s.op, ctx, s.span);
        const value = infer(s.value, ctx);
        if (targetType.kind === 'void') {
          settle(s.value, value);
          return;
        }
        if (
          (s.op === '*=' || s.op === '/=') &&
          componentCount(targetType) > 1 &&
          componentCount(value.type) === 1 &&
          !value.abstract
        ) {
          if (scalarOf(value.type) !== scalarOf(targetType))
            fail(
              'type_mismatch',
              `${s.op} mixes ${typeName(targetType)} and ${typeName(value.type)}`,
              'convert one side',
              s.span,
            );
          return;
        }
        if (
          value.abstract &&
          componentCount(targetType) > 1 &&
          componentCount(value.type) === 1 &&
          s.op !== '='
        ) {
          concretize(s.value, scalarOf(targetType)!);
          return;
        }
        coerce(s.value, value, targetType, 'assigned value');
        return;
      }
      case 'increment': {
        const t = checkAssignTarget(s.target, s.op === '++' ? '+=' : '-=', ctx, s.span);
        if (!isInteger(t) || componentCount(t) !== 1)
          fail(
            'type_mismatch',
            `${s.op} needs an integer variable`,
            'write x += 1.0 for floats',
            s.span,
          );
        return;
      }
      case 'call':
        infer(s.call, ctx);
        return;
      case 'if': {
        const cond = settle(s.condition, infer(s.condition, ctx));
        if (typeName(cond) !== 'bool')
          fail(
            'type_mismatch',
            `if needs a bool condition, found ${typeName(cond)}`,
            'compare, e.g. if (x > 0.0)',
            s.condition.span,
          );
        checkBlock(s.then, ctx);
        if (s.otherwise) {
          if (s.otherwise.kind === 'block') checkBlock(s.otherwise, ctx);
          else checkStmt(s.otherwise, ctx);
        }
        return;
      }
      case 'for':
        checkFor(s, ctx);
        return;
      case 'return': {
        if (ctx.loopDepth > 0) {
          fail(
            'unsupported_construct',
            'return inside a loop makes the trip count data-dependent',
            'finish the loop and return after it, or guard the body with if',
            s.span,
          );
        }
        if (s.value) coerce(s.value, infer(s.value, ctx), ctx.returnType, 'returned value');
        else if (ctx.returnType.kind !== 'void')
          fail(
            'type_mismatch',
            `${ctx.fn?.name ?? 'this function'} must return a ${typeName(ctx.returnType)}`,
            'return a value',
            s.span,
          );
        return;
      }
      case 'break':
      case 'continue':
        if (options.trusted) return;
        fail(
          'unsupported_construct',
          `${s.kind} makes a loop’s trip count data-dependent, which the adjoint cannot replay`,
          'guard the rest of the body with if instead',
          s.span,
        );
        return;
      case 'block':
        checkBlock(s, ctx);
        return;
      case 'unsupported': {
        const fixes: Record<typeof s.construct, [string, string, KernelError['reason']]> = {
          while: [
            'while loops have no bound the adjoint can replay',
            'write a for loop with a constant or uniform bound: for (var i = 0u; i < N; i++)',
            'unbounded_loop',
          ],
          loop: [
            'loop { } has no bound the adjoint can replay',
            'write a for loop with a constant or uniform bound: for (var i = 0u; i < N; i++)',
            'unbounded_loop',
          ],
          'break if': [
            'break if makes the trip count data-dependent',
            'write a for loop with a constant or uniform bound',
            'unbounded_loop',
          ],
          continuing: [
            'continuing blocks belong to loop { }, which is not supported',
            'write a for loop with an update clause',
            'unbounded_loop',
          ],
          switch: [
            'switch is not part of the differentiable subset yet',
            'write if / else if chains',
            'unsupported_construct',
          ],
          discard: [
            'discard is a fragment-shader statement',
            'remove it: kernels are compute entry points',
            'unsupported_construct',
          ],
        };
        const [problem, fix, reason] = fixes[s.construct];
        fail(reason, problem, fix, s.span);
        return;
      }
    }
  };

  /** A loop bound the adjoint can replay: constants, literals and uniform values. */
  /**
   * A loop bound the adjoint can replay: it cannot change while the loop runs. Literals, consts,
   * lets and parameters (immutable), uniform values and read-only storage values (the
   * write-after-read rule keeps them constant during the dispatch), arrayLength, and u32/i32/
   * min/max of those. Not a `var` (the body may change it) nor a read_write buffer.
   */
  const isUniformBound = (e: Expr, ctx: FnContext): boolean => {
    switch (e.kind) {
      case 'number':
        return true;
      case 'paren':
        return isUniformBound(e.inner, ctx);
      case 'ident': {
        const s = lookup(ctx.scopes, e.name);
        if (!s) return false;
        if (s.kind === 'binding')
          return s.binding.addressSpace === 'uniform' || s.binding.access === 'read';
        return s.kind === 'const' || s.kind === 'param' || (s.kind === 'local' && !s.mutable);
      }
      case 'member':
        return isUniformBound(e.base, ctx);
      case 'index':
        return isUniformBound(e.base, ctx) && isUniformBound(e.index, ctx);
      case 'binary':
        return isUniformBound(e.left, ctx) && isUniformBound(e.right, ctx);
      case 'call':
        if (e.callee === 'arrayLength') return true;
        return (
          ['u32', 'i32', 'min', 'max'].includes(e.callee) &&
          e.args.every((a) => isUniformBound(a, ctx))
        );
      default:
        return false;
    }
  };

  const checkFor = (s: Extract<Stmt, { kind: 'for' }>, ctx: FnContext): void => {
    ctx.scopes.push(new Map());
    const refuse = (problem: string, span: Span) =>
      fail(
        'unbounded_loop',
        problem,
        'write for (var i = 0u; i < N; i++) with N a literal, a const, a let, a uniform or a read-only buffer value',
        span,
      );
    if (!s.init || s.init.kind !== 'declare' || s.init.declaration !== 'var')
      refuse('a for loop needs its counter declared in the loop: for (var i = …', s.span);
    checkStmt(s.init!, ctx);
    const counter = (s.init as Extract<Stmt, { kind: 'declare' }>).name;
    if (!s.condition) refuse('a for loop without a condition has no bound', s.span);
    const c = s.condition!;
    const ok =
      c.kind === 'binary' &&
      ['<', '<=', '>', '>=', '!='].includes(c.op) &&
      ((c.left.kind === 'ident' && c.left.name === counter && isUniformBound(c.right, ctx)) ||
        (c.right.kind === 'ident' && c.right.name === counter && isUniformBound(c.left, ctx)));
    if (!ok)
      refuse(
        `the loop condition must compare ${counter} with a bound that cannot change during the loop`,
        c.span,
      );
    const condType = settle(c, infer(c, ctx));
    if (typeName(condType) !== 'bool')
      refuse('the loop condition must be a bool comparison', c.span);
    if (!s.update) refuse('a for loop needs an update clause such as i++', s.span);
    const u = s.update!;
    const updatesCounter =
      (u.kind === 'increment' && u.target.kind === 'ident' && u.target.name === counter) ||
      (u.kind === 'assign' &&
        (u.op === '+=' || u.op === '-=') &&
        u.target.kind === 'ident' &&
        u.target.name === counter &&
        constantOf(u.value) !== null &&
        constantOf(u.value) !== 0);
    if (!updatesCounter)
      refuse(`the update clause must step ${counter} by a constant (i++, i += 2u)`, u.span);
    checkStmt(u, ctx);
    ctx.loopVariables.add(counter);
    ctx.loopDepth += 1;
    checkBlock(s.body, ctx);
    ctx.loopDepth -= 1;
    ctx.loopVariables.delete(counter);
    ctx.scopes.pop();
  };

  const checkBlock = (b: Block, ctx: FnContext): void => {
    ctx.scopes.push(new Map());
    for (const s of b.statements) checkStmt(s, ctx);
    ctx.scopes.pop();
  };

  // ---- functions -------------------------------------------------------------------------

  // Module-scope consts, typed now that expressions can be (their values were needed earlier,
  // for array lengths).
  const moduleScope: FnContext = {
    fn: null,
    returnType: VOID,
    scopes: [],
    calls: new Map(),
    reads: new Set(),
    stores: new Map(),
    accumulates: new Map(),
    loopDepth: 0,
    loopVariables: new Set(),
  };
  for (const decl of module.declarations) {
    if (decl.kind !== 'const' || !decl.init) continue;
    const symbol = declareConst(decl.name, decl.type, decl.init, moduleScope);
    constants.set(decl.name, { type: symbol.type, value: symbol.value });
    globals.set(decl.name, symbol);
  }

  /** Bindings a function reads, and where it first assigns (`=`) or accumulates (`+=`) each. */
  interface FnEffects {
    readonly reads: Set<string>;
    readonly stores: Map<string, Span>;
    readonly accumulates: Map<string, Span>;
  }
  const effectsOf = new Map<string, FnEffects>();
  /** Each function's callees, with the span of its first call to each. */
  const callSites = new Map<string, Map<string, Span>>();
  for (const fn of fnDecls) {
    const sig = signatures.get(fn.name)!;
    const compute = attr(fn.attributes, 'compute');
    for (const stage of ['vertex', 'fragment']) {
      const a = attr(fn.attributes, stage);
      if (a)
        fail(
          'invalid_kernel',
          `@${stage} entry points are not kernels`,
          'use @compute @workgroup_size(…)',
          a.span,
        );
    }
    const wg = attr(fn.attributes, 'workgroup_size');
    let workgroupSize: [number, number, number] | null = null;
    if (compute) {
      if (!wg)
        fail(
          'invalid_kernel',
          `compute entry point ${fn.name} has no @workgroup_size`,
          'add @workgroup_size(64)',
          fn.nameSpan,
        );
      const dims = wg!.args.map((a) => constantOf(a));
      if (dims.some((d) => d === null))
        fail(
          'invalid_kernel',
          '@workgroup_size needs constant sizes',
          'write literals or consts',
          wg!.span,
        );
      workgroupSize = [dims[0] ?? 1, dims[1] ?? 1, dims[2] ?? 1] as [number, number, number];
      if (sig.returnType.kind !== 'void')
        fail(
          'invalid_kernel',
          'compute entry points return nothing',
          'write results to storage buffers',
          fn.nameSpan,
        );
    }
    sig.params.forEach((p, i) => {
      if (compute && !p.builtin)
        fail(
          'invalid_kernel',
          `entry point parameter ${p.name} needs a @builtin`,
          'use @builtin(global_invocation_id) and friends',
          fn.params[i]!.span,
        );
    });
    const ctx: FnContext = {
      fn,
      returnType: sig.returnType,
      scopes: [
        new Map(
          sig.params.map((p) => [
            p.name,
            { kind: 'param', name: p.name, type: p.type, builtin: p.builtin },
          ]),
        ),
      ],
      calls: new Map(),
      reads: new Set(),
      stores: new Map(),
      accumulates: new Map(),
      loopDepth: 0,
      loopVariables: new Set(),
    };
    checkBlock(fn.body, ctx);
    functions.set(fn.name, {
      name: fn.name,
      decl: fn,
      params: sig.params,
      returnType: sig.returnType,
      workgroupSize,
      calls: new Set(ctx.calls.keys()),
    });
    callSites.set(fn.name, ctx.calls);
    effectsOf.set(fn.name, { reads: ctx.reads, stores: ctx.stores, accumulates: ctx.accumulates });
  }

  // WGSL has no recursion, not even in a function no entry point calls. Refused at the call that
  // closes the cycle, before effects are gathered along call chains.
  const acyclic = new Set<string>();
  const path: string[] = [];
  const refuseRecursion = (name: string): void => {
    if (acyclic.has(name)) return;
    path.push(name);
    for (const [callee, span] of callSites.get(name)!) {
      const at = path.indexOf(callee);
      if (at >= 0) {
        const cycle = [...path.slice(at), callee];
        fail(
          'invalid_kernel',
          cycle.length === 2
            ? `${callee} calls itself (recursion)`
            : `${callee} calls itself through ${cycle.slice(1, -1).join(', ')} (recursion: ${cycle.join(' → ')})`,
          'WGSL has no recursion: rewrite it as a for loop with a constant or uniform bound',
          span,
        );
      }
      refuseRecursion(callee);
    }
    path.pop();
    acyclic.add(name);
  };
  for (const fn of fnDecls) refuseRecursion(fn.name);

  /** Effects of a function with everything it calls; write sites are the first ones found. */
  const closures = new Map<string, FnEffects>();
  const closure = (name: string): FnEffects => {
    const cached = closures.get(name);
    if (cached) return cached;
    const own = effectsOf.get(name)!;
    const all: FnEffects = {
      reads: new Set(own.reads),
      stores: new Map(own.stores),
      accumulates: new Map(own.accumulates),
    };
    for (const callee of callSites.get(name)!.keys()) {
      const sub = closure(callee);
      sub.reads.forEach((x) => all.reads.add(x));
      sub.stores.forEach((span, x) => all.stores.set(x, all.stores.get(x) ?? span));
      sub.accumulates.forEach((span, x) => all.accumulates.set(x, all.accumulates.get(x) ?? span));
    }
    closures.set(name, all);
    return all;
  };

  const entryPoints = [...functions.values()].filter((f) => f.workgroupSize !== null);
  const effects = new Map<string, Effects>();
  for (const entry of entryPoints) {
    const e = closure(entry.name);
    for (const name of options.trusted
      ? []
      : new Set([...e.stores.keys(), ...e.accumulates.keys()])) {
      // Pointed at the writes: they are what has to change (to xOut, or to one kind of write).
      const writes = [e.stores.get(name), e.accumulates.get(name)]
        .filter((span) => span !== undefined)
        .sort((a, b) => a.offset - b.offset);
      if (e.reads.has(name)) {
        fail(
          'write_after_read',
          `${entry.name} both reads and writes buffer ${name}, so the adjoint would replay overwritten values`,
          `read from ${name} and write to a separate output buffer (double-buffer: ${name}In / ${name}Out)`,
          writes[0]!,
        );
      }
      if (writes.length === 2) {
        fail(
          'write_after_read',
          `${entry.name} both assigns and accumulates into buffer ${name}`,
          'use one: = for one writer per element, += for sums',
          writes[1]!,
        );
      }
    }
    effects.set(entry.name, {
      reads: e.reads,
      stores: new Set(e.stores.keys()),
      accumulates: new Set(e.accumulates.keys()),
    });
  }

  return {
    module,
    file,
    structs,
    aliases,
    bindings,
    constants,
    functions,
    entryPoints,
    effects,
    typeOf(expr) {
      const t = types.get(expr);
      if (!t)
        throw new Error(
          `checker: no type recorded for ${expr.kind} at ${expr.span.line}:${expr.span.column}`,
        );
      return t;
    },
    symbolOf(expr) {
      const s = symbols.get(expr);
      if (!s)
        throw new Error(
          `checker: ${expr.name} at ${expr.span.line}:${expr.span.column} was not resolved`,
        );
      return s;
    },
  };
}
