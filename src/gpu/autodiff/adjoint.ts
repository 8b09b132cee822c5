import { bufferAddress } from './bufferAddress.ts';
import type { Expr, Span, Stmt } from './ast.ts';
import {
  swizzleIndices,
  type CheckedModule,
  type FunctionInfo,
  type SymbolRef,
} from './checker.ts';
import {
  accumulationElement,
  accumulationFunction,
  type AccumulationMode,
} from './accumulation.ts';
import { DERIVATIVE_RULES, lengthRule, mixRule, smoothstepRule } from './derivatives.ts';
import { KernelError } from './errors.ts';
import {
  arrayStride,
  componentCount,
  containsFloat,
  fieldOffsets,
  isFloat,
  scalarOf,
  typeName,
  type Type,
} from './types.ts';

export type { AccumulationMode } from './accumulation.ts';

export interface GradientBuffer {
  /** The primal binding this buffer holds gradients of. */
  readonly of: string;
  readonly name: string;
  readonly group: number;
  readonly binding: number;
  /** `input`: gradients flow into it (a marked binding); `output`: seeds flowing out of a written buffer. */
  readonly role: 'input' | 'output';
  readonly type: Type;
}

export interface AdjointKernel {
  /** WGSL of the adjoint module: the primal bindings it reads, gradient buffers and `<entry>_adjoint`. */
  readonly source: string;
  readonly entry: string;
  /** Primal bindings the adjoint reads (same group and binding as in the forward module). */
  readonly primalBindings: readonly string[];
  readonly gradients: readonly GradientBuffer[];
}

const slot = (bytes: number) => bytes / 4;

/**
 * Generates the reverse-mode adjoint of one compute entry point, in the manner of NVIDIA Warp:
 * each block replays its forward computation in registers (snapshotting variables before they
 * are overwritten), then runs the adjoint statements in reverse. Reads of marked buffers
 * accumulate into their gradient buffers; stores read and zero the output's gradient;
 * accumulations (`+=`) read it without zeroing. Loops are reversed by recomputing each
 * iteration's starting state from the loop's entry.
 */
export function generateAdjoint(
  checked: CheckedModule,
  entry: string,
  options: { mode: AccumulationMode },
): AdjointKernel {
  const info = checked.functions.get(entry);
  if (!info?.workgroupSize)
    throw new Error(`generateAdjoint: ${entry} is not a compute entry point`);
  const effects = checked.effects.get(entry)!;
  const source = checked.module.source;
  const text = (e: { span: Span }) => source.slice(e.span.offset, e.span.offset + e.span.length);
  const fail = (problem: string, fix: string, span: Span): never => {
    throw new KernelError('unsupported_construct', problem, fix, span, checked.file);
  };

  // ---- gradient buffers ------------------------------------------------------------------

  const nextGroup = Math.max(0, ...checked.bindings.map((b) => b.group)) + 1;
  const gradients: GradientBuffer[] = [];
  for (const b of checked.bindings) {
    const written = effects.stores.has(b.name) || effects.accumulates.has(b.name);
    const role = written
      ? 'output'
      : b.differentiable && effects.reads.has(b.name)
        ? 'input'
        : null;
    if (!role || !containsFloat(b.type)) continue;
    gradients.push({
      of: b.name,
      name: `adj_${b.name}`,
      group: nextGroup,
      binding: gradients.length,
      role,
      type: b.type,
    });
  }
  const gradientOf = new Map(gradients.map((g) => [g.of, g]));

  // ---- names -----------------------------------------------------------------------------

  let counter = 0;
  const fresh = (prefix: string) => `${prefix}${counter++}`;
  const adjName = (s: SymbolRef): string =>
    s.kind === 'local'
      ? `adj_${s.name}_${s.span.offset}`
      : s.kind === 'binding'
        ? `adj_${s.binding.name}`
        : `adj_${s.name}`;
  const wgslType = (t: Type) => typeName(t);
  const zero = (t: Type) => `${wgslType(t)}()`;

  const lines: string[] = [];
  const helpers = new Map<string, string>();

  // ---- buffer addresses (slot offsets) ---------------------------------------------------

  const addressOf = (e: Expr) => bufferAddress(checked, e, text);

  /** Statements adding `g` (a value of `type`) into gradient buffer `buf` at slot `at`. */
  const addToBuffer = (buf: GradientBuffer, at: string, g: string, type: Type): string[] => {
    const out: string[] = [];
    const visit = (t: Type, base: string, value: string) => {
      switch (t.kind) {
        case 'scalar':
          if (t.scalar === 'f32') out.push(`tb_add_${buf.name}(${base}, ${value});`);
          return;
        case 'vector':
          if (t.scalar === 'f32')
            for (let i = 0; i < t.size; i++)
              visit({ kind: 'scalar', scalar: 'f32' }, `${base} + ${i}u`, `${value}[${i}]`);
          return;
        case 'struct': {
          const offsets = fieldOffsets(t);
          t.members.forEach((m, i) =>
            visit(m.type, `${base} + ${slot(offsets[i]!)}u`, `${value}.${m.name}`),
          );
          return;
        }
        case 'array':
          if (t.length === null) return;
          for (let k = 0; k < t.length; k++)
            visit(t.element, `${base} + ${k * slot(arrayStride(t.element))}u`, `${value}[${k}]`);
          return;
        default:
          return;
      }
    };
    const base = fresh('s');
    out.push(`let ${base} = ${at};`);
    visit(type, base, g);
    return out;
  };

  /** WGSL expression reading a `type` value from a gradient buffer at slot `at`. */
  const readBuffer = (buf: GradientBuffer, at: string, type: Type): string => {
    const rd = (s: string) => `${buf.name}[${s}]`;
    const visit = (t: Type, base: string): string => {
      switch (t.kind) {
        case 'scalar':
          return t.scalar === 'f32' ? rd(base) : zero(t);
        case 'vector':
          return t.scalar === 'f32'
            ? `vec${t.size}<f32>(${Array.from({ length: t.size }, (_, i) => rd(`${base} + ${i}u`)).join(', ')})`
            : zero(t);
        case 'struct': {
          const offsets = fieldOffsets(t);
          return `${t.name}(${t.members.map((m, i) => visit(m.type, `${base} + ${slot(offsets[i]!)}u`)).join(', ')})`;
        }
        default:
          return zero(t);
      }
    };
    return visit(type, at);
  };

  const zeroBuffer = (buf: GradientBuffer, at: string, type: Type): string[] => {
    const n = slot(type.kind === 'array' && type.length === null ? 0 : componentSlots(type));
    return Array.from({ length: n }, (_, i) => `${buf.name}[${at} + ${i}u] = 0.0;`);
  };

  const componentSlots = (t: Type): number =>
    t.kind === 'scalar'
      ? 4
      : t.kind === 'vector'
        ? 4 * t.size
        : t.kind === 'struct'
          ? fieldOffsets(t).length * 0 + structBytes(t)
          : 0;
  const structBytes = (t: Extract<Type, { kind: 'struct' }>): number => {
    const offsets = fieldOffsets(t);
    const last = t.members.length - 1;
    return offsets[last]! + componentSlots(t.members[last]!.type);
  };

  /** Statements `target += g`, field by field for structs (WGSL has no + on structs). */
  const accumulate = (target: string, g: string, type: Type): string[] => {
    if (type.kind === 'scalar' || type.kind === 'vector')
      return isFloat(type) ? [`${target} += ${g};`] : [];
    if (type.kind === 'struct')
      return type.members.flatMap((m) =>
        accumulate(`${target}.${m.name}`, `${g}.${m.name}`, m.type),
      );
    if (type.kind === 'array' && type.length !== null) {
      return Array.from({ length: type.length }, (_, k) =>
        accumulate(`${target}[${k}]`, `${g}[${k}]`, type.element),
      ).flat();
    }
    return [];
  };

  // ---- expressions: forward lowering and reverse propagation -----------------------------

  interface Node {
    readonly expr: Expr;
    /** WGSL text of the value (a let name, a literal or a variable). */
    readonly value: string;
    readonly type: Type;
    readonly children: readonly Node[];
  }

  /** Binds every float-valued interior node to a let (three-address form) so the reverse sweep reuses values. */
  const lower = (e: Expr, out: string[]): Node => {
    const type = checked.typeOf(e);
    const leaf = (value: string): Node => ({ expr: e, value, type, children: [] });
    if (!containsFloat(type)) return leaf(`(${text(e)})`);
    const bind = (rhs: string, children: Node[]): Node => {
      const name = fresh('t');
      out.push(`let ${name}: ${wgslType(type)} = ${rhs};`);
      return { expr: e, value: name, type, children };
    };
    switch (e.kind) {
      case 'number':
      case 'bool':
        return leaf(text(e));
      case 'ident': {
        const s = checked.symbolOf(e);
        if (s.kind === 'binding') return bind(text(e), []);
        return leaf(e.name);
      }
      case 'paren':
        return lower(e.inner, out);
      case 'unary': {
        const x = lower(e.operand, out);
        return bind(`${e.op}${x.value}`, [x]);
      }
      case 'binary': {
        const l = lower(e.left, out);
        const r = lower(e.right, out);
        return bind(`${l.value} ${e.op} ${r.value}`, [l, r]);
      }
      case 'call': {
        const args = e.args.map((a) => lower(a, out));
        const callee =
          checked.structs.has(e.callee) || checked.functions.has(e.callee)
            ? e.callee
            : /^vec[234]/.test(e.callee) || e.callee === 'f32'
              ? wgslType(type)
              : e.callee;
        return bind(`${callee}(${args.map((a) => a.value).join(', ')})`, args);
      }
      case 'index':
      case 'member': {
        if (addressOf(e)) return bind(text(e), []);
        const base = lower(e.base, out);
        const access = e.kind === 'index' ? `[${text(e.index)}]` : `.${e.member}`;
        return bind(`${base.value}${access}`, [base]);
      }
    }
  };

  /** Emits statements adding the adjoint `g` of node `n`'s value into everything it came from. */
  const propagate = (n: Node, g: string, out: string[]): void => {
    if (!containsFloat(n.type)) return;
    const e = n.expr;
    const named = (t: string, type: Type) => {
      if (/^[A-Za-z_]\w*$/.test(t)) return t;
      const name = fresh('g');
      out.push(`let ${name}: ${wgslType(type)} = ${t};`);
      return name;
    };
    const gv = named(g, n.type);
    /** Sums a vector adjoint down to a scalar child that was broadcast. */
    const fit = (child: Node, t: string) =>
      componentCount(child.type) === 1 && componentCount(n.type) > 1
        ? `dot(${t}, ${zero(n.type)} + 1.0)`
        : t;
    switch (e.kind) {
      case 'number':
      case 'bool':
        return;
      case 'ident': {
        const s = checked.symbolOf(e);
        if (s.kind === 'binding') return void propagateLoad(e, gv, n.type, out);
        if (s.kind === 'const') return;
        out.push(...accumulate(adjName(s), gv, n.type));
        return;
      }
      case 'paren':
        return propagate(n.children[0]!, gv, out);
      case 'unary':
        if (e.op === '-') propagate(n.children[0]!, `-${gv}`, out);
        return;
      case 'binary': {
        const [l, r] = n.children as [Node, Node];
        switch (e.op) {
          case '+':
            propagate(l, fit(l, gv), out);
            propagate(r, fit(r, gv), out);
            return;
          case '-':
            propagate(l, fit(l, gv), out);
            propagate(r, fit(r, `-${gv}`), out);
            return;
          case '*':
            propagate(l, fit(l, `${gv} * ${r.value}`), out);
            propagate(r, fit(r, `${gv} * ${l.value}`), out);
            return;
          case '/':
            propagate(l, fit(l, `${gv} / ${r.value}`), out);
            propagate(r, fit(r, `-${gv} * ${n.value} / ${r.value}`), out);
            return;
          case '%':
            propagate(l, fit(l, gv), out);
            propagate(r, fit(r, `-${gv} * trunc(${l.value} / ${r.value})`), out);
            return;
          default:
            return;
        }
      }
      case 'call':
        return propagateCall(e, n, gv, out);
      case 'index':
      case 'member': {
        if (addressOf(e)) return void propagateLoad(e, gv, n.type, out);
        const base = n.children[0]!;
        const holder = fresh('h');
        out.push(`var ${holder} = ${zero(base.type)};`);
        if (e.kind === 'index') out.push(`${holder}[${text(e.index)}] = ${gv};`);
        else if (base.type.kind === 'struct') out.push(`${holder}.${e.member} = ${gv};`);
        else {
          const idx = swizzleIndices(e.member);
          idx.forEach((c, k) =>
            out.push(
              `${holder}[${c}] ${idx.length > 1 ? '+=' : '='} ${idx.length > 1 ? `${gv}[${k}]` : gv};`,
            ),
          );
        }
        propagate(base, holder, out);
        return;
      }
    }
  };

  const propagateLoad = (e: Expr, g: string, type: Type, out: string[]) => {
    const address = addressOf(e);
    if (!address) return;
    const buf = gradientOf.get(address.binding.name);
    if (!buf || buf.role !== 'input') return; // not marked: no gradient wanted
    out.push(...addToBuffer(buf, address.slot, g, type));
  };

  const propagateCall = (e: Extract<Expr, { kind: 'call' }>, n: Node, g: string, out: string[]) => {
    const args = n.children;
    if (checked.functions.has(e.callee)) {
      const fn = checked.functions.get(e.callee)!;
      const result = fresh('r');
      out.push(
        `let ${result} = ${helperAdjoint(fn)}(${[...args.map((a) => a.value), g].join(', ')});`,
      );
      fn.params.forEach((p, i) => {
        if (containsFloat(p.type)) propagate(args[i]!, `${result}.${p.name}`, out);
      });
      return;
    }
    const constructed = checked.typeOf(e);
    if (
      checked.structs.has(e.callee) ||
      (checked.aliases.has(e.callee) && constructed.kind === 'struct')
    ) {
      const struct = constructed as Extract<Type, { kind: 'struct' }>;
      struct.members.forEach((m, i) => propagate(args[i]!, `${g}.${m.name}`, out));
      return;
    }
    if (
      /^vec[234]/.test(e.callee) ||
      (checked.aliases.has(e.callee) && constructed.kind === 'vector')
    ) {
      if (args.length === 1 && componentCount(args[0]!.type) === 1) {
        propagate(args[0]!, `dot(${g}, ${zero(n.type)} + 1.0)`, out);
        return;
      }
      let offset = 0;
      for (const a of args) {
        const count = componentCount(a.type);
        const parts = Array.from({ length: count }, (_, i) => `${g}[${offset + i}]`);
        propagate(a, count === 1 ? parts[0]! : `vec${count}<f32>(${parts.join(', ')})`, out);
        offset += count;
      }
      return;
    }
    if (e.callee === 'f32' || (checked.aliases.has(e.callee) && constructed.kind === 'scalar')) {
      if (isFloat(args[0]!.type)) propagate(args[0]!, g, out);
      return;
    }
    const rule =
      e.callee === 'length'
        ? lengthRule(args[0]!.type.kind === 'vector')
        : e.callee === 'mix'
          ? mixRule()
          : e.callee === 'smoothstep'
            ? smoothstepRule
            : DERIVATIVE_RULES[e.callee];
    if (!rule) return;
    const contributions = rule({
      args: args.map((a) => a.value),
      result: n.value,
      g,
      zero: zero(n.type),
    });
    contributions.forEach((c, i) => {
      const a = args[i]!;
      if (c === null || !containsFloat(a.type)) return;
      // A scalar argument broadcast over a vector result gets the sum of the components' adjoints.
      const reduced =
        componentCount(a.type) === 1 && componentCount(n.type) > 1
          ? `dot(${c}, ${zero(n.type)} + 1.0)`
          : c;
      propagate(a, reduced, out);
    });
  };

  // ---- statements ------------------------------------------------------------------------

  /**
   * Moves the code after an `if` that may return into both of its branches, so a `return` only
   * ever ends a block and nothing in the reverse sweep runs for code the forward pass skipped.
   */
  const normalize = (statements: readonly Stmt[]): Stmt[] => {
    const result: Stmt[] = [];
    for (let i = 0; i < statements.length; i++) {
      const s = statements[i]!;
      if (s.kind === 'return') {
        result.push(s);
        return result;
      }
      if (s.kind === 'if' && mayReturn(s)) {
        const rest = statements.slice(i + 1);
        const elseRaw = s.otherwise
          ? s.otherwise.kind === 'block'
            ? s.otherwise.statements
            : [s.otherwise]
          : [];
        result.push({
          ...s,
          then: {
            kind: 'block',
            statements: normalize([...s.then.statements, ...rest]),
            span: s.then.span,
          },
          otherwise: {
            kind: 'block',
            statements: normalize([...elseRaw, ...rest]),
            span: s.otherwise?.span ?? s.span,
          },
        });
        return result;
      }
      result.push(s);
    }
    return result;
  };
  const mayReturn = (s: Stmt): boolean => {
    switch (s.kind) {
      case 'return':
        return true;
      case 'if':
        return (
          s.then.statements.some(mayReturn) || (s.otherwise !== null && mayReturn(s.otherwise))
        );
      case 'block':
        return s.statements.some(mayReturn);
      default:
        return false; // returns inside loops are refused by the checker
    }
  };

  /** Root local variable an assignment target writes (`v` in `v.x = …`), or null for buffers. */
  type Local = Extract<SymbolRef, { kind: 'local' }>;
  const rootLocal = (target: Expr): Local | null => {
    if (target.kind === 'ident') {
      if (target.name === '_') return null;
      const s = checked.symbolOf(target);
      return s.kind === 'local' ? s : null;
    }
    if (target.kind === 'index' || target.kind === 'member') return rootLocal(target.base);
    if (target.kind === 'paren') return rootLocal(target.inner);
    return null;
  };

  /** Locals declared outside `s` that `s` assigns: what must be snapshotted to replay it. */
  const freeAssigned = (s: Stmt): Local[] => {
    const found = new Map<number, Local>();
    // Declarations met while walking `s` (normalisation may have moved statements into it, so
    // source ranges do not tell what is inside).
    const declared = new Set<number>();
    const inside = (sym: Local) => declared.has(sym.span.offset);
    const visit = (x: Stmt) => {
      switch (x.kind) {
        case 'declare':
          declared.add(x.nameSpan.offset);
          return;
        case 'assign':
        case 'increment': {
          const root = rootLocal(x.target);
          if (root) found.set(root.span.offset, root);
          return;
        }
        case 'if':
          x.then.statements.forEach(visit);
          if (x.otherwise) visit(x.otherwise);
          return;
        case 'for':
          if (x.init) visit(x.init);
          if (x.update) visit(x.update);
          x.body.statements.forEach(visit);
          return;
        case 'block':
          x.statements.forEach(visit);
          return;
        default:
          return;
      }
    };
    visit(s);
    return [...found.values()].filter((sym) => !inside(sym));
  };

  const isOutputWrite = (s: Stmt) =>
    (s.kind === 'assign' || s.kind === 'increment') && addressOf(s.target) !== null;

  /** The forward statement as it runs in a replay: output buffer writes and returns dropped. */
  const forwardPlain = (s: Stmt, out: string[]): void => {
    switch (s.kind) {
      case 'assign':
      case 'increment':
        if (!isOutputWrite(s)) out.push(`${text(s)}${text(s).endsWith(';') ? '' : ';'}`);
        return;
      case 'declare':
      case 'call':
        out.push(`${text(s)}${text(s).endsWith(';') ? '' : ';'}`);
        return;
      case 'return':
        return;
      case 'if': {
        forwardIf(s, text(s.condition), out);
        return;
      }
      case 'for':
        out.push(
          `for (${s.init ? text(s.init).replace(/;$/, '') : ''}; ${s.condition ? text(s.condition) : ''}; ${s.update ? text(s.update).replace(/;$/, '') : ''}) {`,
        );
        s.body.statements.forEach((x) => forwardPlain(x, out));
        out.push('}');
        return;
      case 'block':
        out.push('{');
        s.statements.forEach((x) => forwardPlain(x, out));
        out.push('}');
        return;
      default:
        return;
    }
  };

  /** An `if` replayed forward on `condition` (its source, or a recorded let). */
  const forwardIf = (s: Extract<Stmt, { kind: 'if' }>, condition: string, out: string[]): void => {
    out.push(`if (${condition}) {`);
    s.then.statements.forEach((x) => forwardPlain(x, out));
    out.push('}');
    if (s.otherwise) {
      out.push('else {');
      (s.otherwise.kind === 'block' ? s.otherwise.statements : [s.otherwise]).forEach((x) =>
        forwardPlain(x, out),
      );
      out.push('}');
    }
  };

  interface Tape {
    readonly snapshots: Map<Stmt, { name: string; sym: Local }[]>;
    readonly conditions: Map<Stmt, string>;
  }

  /** Forward replay of a block, recording what the reverse sweep needs. */
  const forwardTaped = (statements: readonly Stmt[], out: string[], tape: Tape): void => {
    for (const s of statements) {
      const assigned = s.kind === 'declare' ? [] : freeAssigned(s);
      if (assigned.length > 0) {
        const snaps = assigned.map((sym) => ({ name: fresh('snap'), sym }));
        snaps.forEach((x) => out.push(`let ${x.name} = ${x.sym.name};`));
        tape.snapshots.set(s, snaps);
      }
      if (s.kind === 'if') {
        const c = fresh('cond');
        out.push(`let ${c} = ${text(s.condition)};`);
        tape.conditions.set(s, c);
        forwardIf(s, c, out);
      } else {
        forwardPlain(s, out);
      }
    }
  };

  const restore = (s: Stmt, tape: Tape, out: string[]) => {
    for (const x of tape.snapshots.get(s) ?? []) out.push(`${x.sym.name} = ${x.name};`);
  };

  /** The adjoint of a whole block: forward replay, then the reverse sweep. */
  const blockAdjoint = (
    statements: readonly Stmt[],
    out: string[],
    adjReturn: string | null,
  ): void => {
    const tape: Tape = { snapshots: new Map(), conditions: new Map() };
    forwardTaped(statements, out, tape);
    for (let i = statements.length - 1; i >= 0; i--) reverse(statements[i]!, out, tape, adjReturn);
  };

  const reverse = (s: Stmt, out: string[], tape: Tape, adjReturn: string | null): void => {
    switch (s.kind) {
      case 'declare': {
        if (!s.init || !containsFloat(checked.typeOf(s.init))) return;
        const adj = `adj_${s.name}_${s.nameSpan.offset}`;
        if (!declaredAdjoints.has(adj)) return; // never read: its adjoint is zero
        out.push('{');
        const n = lower(s.init, out);
        const g = fresh('g');
        out.push(`let ${g} = ${adj};`, `${adj} = ${zero(checked.typeOf(s.init))};`);
        propagate(n, g, out);
        out.push('}');
        return;
      }
      case 'assign': {
        restore(s, tape, out);
        if (s.target.kind === 'ident' && s.target.name === '_') return;
        const address = addressOf(s.target);
        const valueType = checked.typeOf(s.value);
        out.push('{');
        if (address) {
          const buf = gradientOf.get(address.binding.name);
          if (buf && containsFloat(address.type)) {
            const at = fresh('o');
            const g = fresh('g');
            out.push(
              `let ${at} = ${address.slot};`,
              `let ${g} = ${readBuffer(buf, at, address.type)};`,
            );
            if (s.op === '=') out.push(...zeroBuffer(buf, at, address.type));
            const n = lower(s.value, out);
            propagate(n, s.op === '-=' ? `-${g}` : g, out);
          }
          out.push('}');
          return;
        }
        const root = rootLocal(s.target)!;
        if (!containsFloat(checked.typeOf(s.target))) {
          out.push('}');
          return;
        }
        // Adjoint of the written part, then clear it (for =) since the old value did not reach it.
        const targetAdj = adjTarget(s.target);
        const g = fresh('g');
        out.push(`let ${g} = ${targetAdj};`);
        const n = lower(s.value, out);
        if (s.op === '=') {
          out.push(`${targetAdj} = ${zero(checked.typeOf(s.target))};`);
          propagate(n, g, out);
        } else if (s.op === '+=' || s.op === '-=') {
          propagate(n, s.op === '-=' ? `-${g}` : g, out);
        } else if (s.op === '*=' || s.op === '/=') {
          // x = x * v: adj_v += g * x_old (after restore, x holds x_old); adj_x = g * v
          const old = lower(s.target, out);
          const v = n.value;
          out.push(`${targetAdj} = ${s.op === '*=' ? `${g} * ${v}` : `${g} / ${v}`};`);
          propagate(
            n,
            s.op === '*='
              ? fitTo(valueType, checked.typeOf(s.target), `${g} * ${old.value}`)
              : fitTo(valueType, checked.typeOf(s.target), `-${g} * ${old.value} / (${v} * ${v})`),
            out,
          );
        }
        void root;
        out.push('}');
        return;
      }
      case 'increment':
        restore(s, tape, out);
        return;
      case 'call': {
        out.push('{');
        const n = lower(s.call, out);
        propagate(n, zero(checked.typeOf(s.call)), out);
        out.push('}');
        return;
      }
      case 'return': {
        if (!s.value || adjReturn === null) return;
        out.push('{');
        const n = lower(s.value, out);
        propagate(n, adjReturn, out);
        out.push('}');
        return;
      }
      case 'if': {
        restore(s, tape, out);
        out.push(`if (${tape.conditions.get(s)}) {`);
        blockAdjoint(s.then.statements, out, adjReturn);
        out.push('}');
        if (s.otherwise) {
          out.push('else {');
          blockAdjoint(
            s.otherwise.kind === 'block' ? s.otherwise.statements : [s.otherwise],
            out,
            adjReturn,
          );
          out.push('}');
        }
        return;
      }
      case 'for': {
        const init = text(s.init!).replace(/;$/, '');
        const cond = text(s.condition!);
        const update = text(s.update!).replace(/;$/, '');
        if (accumulateOnly(s)) {
          // Every value carried between iterations is a sum (x += …) the body never reads: an
          // iteration's adjoint needs nothing from earlier ones, so each replays on its own, in
          // any order: O(n) instead of recomputing each iteration's start (O(n²)).
          restore(s, tape, out);
          out.push(`for (${init}; ${cond}; ${update}) {`);
          blockAdjoint(s.body.statements, out, adjReturn);
          out.push('}');
          return;
        }
        const trips = fresh('trips');
        const r = fresh('rev');
        const k = fresh('iter');
        out.push(
          '{',
          `var ${trips} = 0u;`,
          `for (${init}; ${cond}; ${update}) { ${trips} += 1u; }`,
        );
        out.push(`for (var ${r} = ${trips}; ${r} > 0u; ${r} -= 1u) {`);
        restore(s, tape, out);
        out.push(
          `var ${k} = 0u;`,
          `for (${init}; ${cond}; ${update}) {`,
          `if (${k} + 1u == ${r}) {`,
        );
        blockAdjoint(s.body.statements, out, adjReturn);
        out.push('break;', '}');
        s.body.statements.forEach((x) => forwardPlain(x, out));
        out.push(`${k} += 1u;`, '}', '}', '}');
        return;
      }
      case 'block':
        out.push('{');
        blockAdjoint(s.statements, out, adjReturn);
        out.push('}');
        return;
      case 'break':
      case 'continue':
      case 'unsupported':
        return fail(`${s.kind} cannot be differentiated`, 'see docs/kernels.md', s.span);
    }
  };

  /**
   * True when every local the loop carries between iterations is only ever accumulated into
   * (`x += …`, `x -= …`, whole or by component) and never read in the body.
   */
  const accumulateOnly = (loop: Extract<Stmt, { kind: 'for' }>): boolean => {
    const carried = new Set(freeAssigned(loop).map((sym) => sym.span.offset));
    if (carried.size === 0) return true;
    const readsCarried = (e: Expr): boolean => {
      switch (e.kind) {
        case 'ident': {
          if (e.name === '_') return false;
          const sym = checked.symbolOf(e);
          return sym.kind === 'local' && carried.has(sym.span.offset);
        }
        case 'unary':
          return readsCarried(e.operand);
        case 'binary':
          return readsCarried(e.left) || readsCarried(e.right);
        case 'call':
          return e.args.some(readsCarried);
        case 'index':
          return readsCarried(e.base) || readsCarried(e.index);
        case 'member':
          return readsCarried(e.base);
        case 'paren':
          return readsCarried(e.inner);
        default:
          return false;
      }
    };
    /** Index expressions inside an accumulation target are reads too. */
    const targetIndexReads = (t: Expr): boolean =>
      t.kind === 'index'
        ? readsCarried(t.index) || targetIndexReads(t.base)
        : t.kind === 'member'
          ? targetIndexReads(t.base)
          : false;
    const ok = (x: Stmt): boolean => {
      switch (x.kind) {
        case 'declare':
          return !x.init || !readsCarried(x.init);
        case 'assign': {
          const root = rootLocal(x.target);
          if (root && carried.has(root.span.offset)) {
            return (
              (x.op === '+=' || x.op === '-=') &&
              !readsCarried(x.value) &&
              !targetIndexReads(x.target)
            );
          }
          return !readsCarried(x.value) && !readsCarried(x.target);
        }
        case 'increment': {
          const root = rootLocal(x.target);
          return !(root && carried.has(root.span.offset));
        }
        case 'call':
          return !readsCarried(x.call);
        case 'return':
          return !x.value || !readsCarried(x.value);
        case 'if':
          return (
            !readsCarried(x.condition) &&
            x.then.statements.every(ok) &&
            (x.otherwise === null || ok(x.otherwise))
          );
        case 'for':
          return (
            (!x.condition || !readsCarried(x.condition)) &&
            (x.init === null || ok(x.init)) &&
            (x.update === null || ok(x.update)) &&
            x.body.statements.every(ok)
          );
        case 'block':
          return x.statements.every(ok);
        default:
          return false;
      }
    };
    return loop.body.statements.every(ok);
  };

  const fitTo = (from: Type, to: Type, t: string) =>
    componentCount(from) === 1 && componentCount(to) > 1 ? `dot(${t}, ${zero(to)} + 1.0)` : t;

  /** WGSL l-value of the adjoint of an assignment target (`adj_v_12.x`, `adj_s_40.u`). */
  const adjTarget = (target: Expr): string => {
    switch (target.kind) {
      case 'ident':
        return adjName(checked.symbolOf(target));
      case 'paren':
        return adjTarget(target.inner);
      case 'member':
        return `${adjTarget(target.base)}.${target.member}`;
      case 'index':
        return `${adjTarget(target.base)}[${text(target.index)}]`;
      default:
        return fail(
          'cannot differentiate an assignment to this expression',
          'assign to a var or a buffer element',
          target.span,
        );
    }
  };

  // ---- functions -------------------------------------------------------------------------

  let declaredAdjoints = new Set<string>();

  /** Declarations of the adjoint variables of every float local and parameter of `fn`. */
  const adjointDeclarations = (fn: FunctionInfo): string[] => {
    const decls = new Map<string, Type>();
    fn.params.forEach((p) => {
      if (containsFloat(p.type)) decls.set(`adj_${p.name}`, p.type);
    });
    const visitExpr = (e: Expr): void => {
      switch (e.kind) {
        case 'ident': {
          if (e.name === '_') return;
          const s = checked.symbolOf(e);
          if (s.kind === 'local' && containsFloat(s.type)) decls.set(adjName(s), s.type);
          return;
        }
        case 'unary':
          return visitExpr(e.operand);
        case 'binary':
          visitExpr(e.left);
          return visitExpr(e.right);
        case 'call':
          return e.args.forEach(visitExpr);
        case 'index':
          visitExpr(e.base);
          return visitExpr(e.index);
        case 'member':
          return visitExpr(e.base);
        case 'paren':
          return visitExpr(e.inner);
        default:
          return;
      }
    };
    const visit = (s: Stmt): void => {
      switch (s.kind) {
        case 'declare':
          if (s.init) visitExpr(s.init);
          return;
        case 'assign':
          visitExpr(s.target);
          return visitExpr(s.value);
        case 'increment':
          return visitExpr(s.target);
        case 'call':
          return visitExpr(s.call);
        case 'return':
          if (s.value) visitExpr(s.value);
          return;
        case 'if':
          visitExpr(s.condition);
          s.then.statements.forEach(visit);
          if (s.otherwise) visit(s.otherwise);
          return;
        case 'for':
          if (s.init) visit(s.init);
          if (s.condition) visitExpr(s.condition);
          if (s.update) visit(s.update);
          return s.body.statements.forEach(visit);
        case 'block':
          return s.statements.forEach(visit);
        default:
          return;
      }
    };
    fn.decl.body.statements.forEach(visit);
    declaredAdjoints = new Set(decls.keys());
    return [...decls].map(([name, type]) => `var ${name}: ${wgslType(type)} = ${zero(type)};`);
  };

  /** `fn <name>_adjoint(params…, adj_return) -> <name>_Adjoint`, generated once per helper. */
  const helperAdjoint = (fn: FunctionInfo): string => {
    const name = `${fn.name}_adjoint`;
    if (helpers.has(name)) return name;
    helpers.set(name, ''); // reserve (recursion is refused by the checker)
    const floatParams = fn.params.filter((p) => containsFloat(p.type));
    const resultStruct = `${fn.name}_Adjoint`;
    const body: string[] = [];
    const saved = declaredAdjoints;
    body.push(...adjointDeclarations(fn));
    const hasReturn = fn.returnType.kind !== 'void';
    blockAdjoint(normalize(fn.decl.body.statements), body, hasReturn ? 'adj_return' : null);
    declaredAdjoints = saved;
    const params = [
      ...fn.params.map((p) => `${p.name}: ${wgslType(p.type)}`),
      ...(hasReturn ? [`adj_return: ${wgslType(fn.returnType)}`] : []),
    ];
    const fields =
      floatParams.length > 0
        ? floatParams.map((p) => `  ${p.name}: ${wgslType(p.type)},`)
        : ['  _unused: f32,'];
    helpers.set(
      name,
      [
        `struct ${resultStruct} {`,
        ...fields,
        '}',
        '',
        `fn ${name}(${params.join(', ')}) -> ${resultStruct} {`,
        ...indent(body),
        `  return ${resultStruct}(${floatParams.length > 0 ? floatParams.map((p) => `adj_${p.name}`).join(', ') : '0.0'});`,
        '}',
      ].join('\n'),
    );
    return name;
  };

  // Helpers may not write buffers: their writes would be replayed.
  for (const fn of checked.functions.values()) {
    if (fn.workgroupSize) continue;
    const e = checked.effects.get(fn.name);
    void e;
  }

  const entryBody: string[] = [...adjointDeclarations(info)];
  blockAdjoint(normalize(info.decl.body.statements), entryBody, null);

  // ---- module ----------------------------------------------------------------------------

  const header: string[] = [];
  const primalBindings: string[] = [];
  for (const decl of checked.module.declarations) {
    if (decl.kind === 'struct' || decl.kind === 'const' || decl.kind === 'alias')
      header.push(text(decl));
  }
  for (const b of checked.bindings) {
    const written = effects.stores.has(b.name) || effects.accumulates.has(b.name);
    if (written || (!effects.reads.has(b.name) && !b.differentiable)) continue;
    primalBindings.push(b.name);
    header.push(
      text(checked.module.declarations.find((d) => d.kind === 'globalVar' && d.name === b.name)!),
    );
  }
  for (const g of gradients) {
    // Seeds are read (and, for stores, zeroed) by the one thread that wrote the element: plain
    // f32. Input gradients are summed over threads in the chosen accumulation mode.
    const element = g.role === 'output' ? 'f32' : accumulationElement(options.mode);
    header.push(
      `@group(${g.group}) @binding(${g.binding}) var<storage, read_write> ${g.name}: array<${element}>; // ${g.role === 'input' ? 'gradient of' : 'seed from'} ${g.of}`,
    );
    if (g.role === 'input') header.push(accumulationFunction(g.name, options.mode));
  }
  // Functions the entry calls, in forward form, for replays.
  for (const fn of checked.functions.values()) {
    if (!fn.workgroupSize) header.push(text(fn.decl));
  }
  const params = info.params
    .map((p) => `@builtin(${p.builtin}) ${p.name}: ${wgslType(p.type)}`)
    .join(', ');
  const [x, y, z] = info.workgroupSize;
  lines.push(
    `// Adjoint of ${entry} (${checked.file}), generated by Twinbench: forward replay, then reverse.`,
    ...header,
    ...helpers.values(),
    `@compute @workgroup_size(${x}, ${y}, ${z})`,
    `fn ${entry}_adjoint(${params}) {`,
    ...indent(entryBody),
    '}',
  );
  void scalarOf;
  return { source: lines.join('\n'), entry: `${entry}_adjoint`, primalBindings, gradients };
}

function indent(lines: readonly string[]): string[] {
  let depth = 1;
  return lines.map((line) => {
    const opens = (line.match(/{/g) ?? []).length;
    const closes = (line.match(/}/g) ?? []).length;
    if (line.startsWith('}')) depth -= 1;
    const out = `${'  '.repeat(Math.max(depth, 0))}${line}`;
    depth += opens - closes + (line.startsWith('}') ? 1 : 0);
    return out;
  });
}
