/**
 * The syntax tree of the differentiable WGSL subset (see docs/kernels.md). Produced by
 * `parseWgsl` (parser.ts), read by the checker, the CPU backend and the adjoint generator.
 * Every node carries the span of source it came from, so errors point at line and column.
 */

/** A place in the source: 1-based line and column of the first character, 0-based offset. */
export interface Span {
  readonly offset: number;
  readonly length: number;
  readonly line: number;
  readonly column: number;
}

// ---- types as written ----------------------------------------------------------------------

/**
 * A type as written: `f32`, `vec3f`, `vec3<f32>`, `array<f32>`, `array<vec4f, 16>`,
 * `atomic<u32>`, `ptr<function, f32>` or a struct name. `args` holds template arguments, each a
 * type or (for array lengths) an expression.
 */
export interface TypeExpr {
  readonly kind: 'type';
  readonly name: string;
  readonly args: readonly (TypeExpr | Expr)[];
  readonly span: Span;
}

// ---- attributes ----------------------------------------------------------------------------

/** `@name` or `@name(args)`, e.g. `@group(0)`, `@builtin(global_invocation_id)`, `@compute`. */
export interface Attribute {
  readonly name: string;
  readonly args: readonly Expr[];
  readonly span: Span;
}

// ---- expressions ---------------------------------------------------------------------------

export type LiteralSuffix = 'f' | 'h' | 'i' | 'u' | '';

export type Expr =
  | {
      readonly kind: 'number';
      /** Source text, e.g. `1.5`, `2u`, `0x10`, `1e-3f`. */
      readonly raw: string;
      readonly value: number;
      /** True when written with a `.`, an exponent or an `f` suffix. */
      readonly isFloat: boolean;
      readonly suffix: LiteralSuffix;
      readonly span: Span;
    }
  | { readonly kind: 'bool'; readonly value: boolean; readonly span: Span }
  | { readonly kind: 'ident'; readonly name: string; readonly span: Span }
  | {
      readonly kind: 'unary';
      readonly op: '-' | '!' | '~' | '&' | '*';
      readonly operand: Expr;
      readonly span: Span;
    }
  | {
      readonly kind: 'binary';
      readonly op: BinaryOp;
      readonly left: Expr;
      readonly right: Expr;
      readonly span: Span;
    }
  | {
      /**
       * A function, builtin or constructor call: `sin(x)`, `helper(a, b)`, `vec3f(0.0)`,
       * `vec3<f32>(a, b, c)`, `array<f32, 3>(…)`, `bitcast<u32>(x)`, `MyStruct(…)`.
       */
      readonly kind: 'call';
      readonly callee: string;
      /** Template arguments written on the callee (`vec3<f32>`, `bitcast<u32>`). */
      readonly templateArgs: readonly (TypeExpr | Expr)[];
      readonly args: readonly Expr[];
      /** Span of the callee name, for errors about the function itself. */
      readonly calleeSpan: Span;
      readonly span: Span;
    }
  | { readonly kind: 'index'; readonly base: Expr; readonly index: Expr; readonly span: Span }
  | {
      /** Field access or swizzle: `s.u`, `v.xyz`, `c.rgba`. */
      readonly kind: 'member';
      readonly base: Expr;
      readonly member: string;
      readonly memberSpan: Span;
      readonly span: Span;
    }
  | { readonly kind: 'paren'; readonly inner: Expr; readonly span: Span };

export type BinaryOp =
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | '&&'
  | '||'
  | '&'
  | '|'
  | '^'
  | '<<'
  | '>>';

// ---- statements ----------------------------------------------------------------------------

export type AssignOp = '=' | '+=' | '-=' | '*=' | '/=' | '%=' | '&=' | '|=' | '^=' | '<<=' | '>>=';

export interface Block {
  readonly kind: 'block';
  readonly statements: readonly Stmt[];
  readonly span: Span;
}

export type Stmt =
  | {
      readonly kind: 'declare';
      readonly declaration: 'let' | 'var' | 'const';
      readonly name: string;
      readonly nameSpan: Span;
      readonly type: TypeExpr | null;
      readonly init: Expr | null;
      readonly span: Span;
    }
  | {
      /** `target op value`; `_ = value` has target `{ kind: 'ident', name: '_' }`. */
      readonly kind: 'assign';
      readonly op: AssignOp;
      readonly target: Expr;
      readonly value: Expr;
      readonly span: Span;
    }
  | {
      readonly kind: 'increment';
      readonly op: '++' | '--';
      readonly target: Expr;
      readonly span: Span;
    }
  | { readonly kind: 'call'; readonly call: Extract<Expr, { kind: 'call' }>; readonly span: Span }
  | {
      readonly kind: 'if';
      readonly condition: Expr;
      readonly then: Block;
      /** `else { … }` or `else if …` (an `if` statement). */
      readonly otherwise: Block | Extract<Stmt, { kind: 'if' }> | null;
      readonly span: Span;
    }
  | {
      readonly kind: 'for';
      readonly init: Stmt | null;
      readonly condition: Expr | null;
      readonly update: Stmt | null;
      readonly body: Block;
      readonly span: Span;
    }
  | { readonly kind: 'return'; readonly value: Expr | null; readonly span: Span }
  | { readonly kind: 'break'; readonly span: Span }
  | { readonly kind: 'continue'; readonly span: Span }
  | Block
  | {
      /**
       * A construct outside the differentiable subset that the parser recognised so the checker
       * can refuse it with its position: `while`, `loop`, `switch`, `discard`, `continuing`,
       * `break if`.
       */
      readonly kind: 'unsupported';
      readonly construct: 'while' | 'loop' | 'switch' | 'discard' | 'continuing' | 'break if';
      readonly span: Span;
    };

// ---- module-level declarations -------------------------------------------------------------

export interface StructMember {
  readonly name: string;
  readonly type: TypeExpr;
  readonly attributes: readonly Attribute[];
  readonly span: Span;
}

export interface Param {
  readonly name: string;
  readonly type: TypeExpr;
  readonly attributes: readonly Attribute[];
  readonly span: Span;
}

export type Decl =
  | {
      readonly kind: 'struct';
      readonly name: string;
      readonly members: readonly StructMember[];
      readonly span: Span;
    }
  | {
      /** `var<storage, read_write> name: T;`, `var<uniform> u: Params;`, `var<workgroup> …`. */
      readonly kind: 'globalVar';
      readonly name: string;
      readonly nameSpan: Span;
      readonly addressSpace: 'storage' | 'uniform' | 'workgroup' | 'private' | null;
      readonly access: 'read' | 'write' | 'read_write' | null;
      readonly type: TypeExpr | null;
      readonly init: Expr | null;
      readonly attributes: readonly Attribute[];
      /** Text of `//` comments on the lines directly above and at the end of the declaration's line. */
      readonly comments: readonly string[];
      readonly span: Span;
    }
  | {
      readonly kind: 'const' | 'override';
      readonly name: string;
      readonly nameSpan: Span;
      readonly type: TypeExpr | null;
      readonly init: Expr | null;
      readonly attributes: readonly Attribute[];
      readonly span: Span;
    }
  | {
      readonly kind: 'alias';
      readonly name: string;
      readonly type: TypeExpr;
      readonly span: Span;
    }
  | {
      readonly kind: 'fn';
      readonly name: string;
      readonly nameSpan: Span;
      readonly params: readonly Param[];
      readonly returnType: TypeExpr | null;
      readonly returnAttributes: readonly Attribute[];
      readonly attributes: readonly Attribute[];
      readonly body: Block;
      readonly comments: readonly string[];
      readonly span: Span;
    }
  | {
      /** `enable f16;`, `requires …;`, `diagnostic(…);` */
      readonly kind: 'directive';
      readonly text: string;
      readonly span: Span;
    };

export interface Module {
  readonly declarations: readonly Decl[];
  readonly source: string;
}
