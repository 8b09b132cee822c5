import type { Block, Expr, Stmt } from './ast.ts';
import { swizzleIndices, type Binding, type CheckedModule } from './checker.ts';
import { rt, type Runtime } from './cpuRuntime.ts';
import { arrayStride, fieldOffsets, layoutOf, scalarOf, typeName, type Type } from './types.ts';

/** The WGSL builtins an entry point can take, by parameter position filled in by the runner. */
const BUILTIN_ARGS: Record<string, string> = {
  global_invocation_id: 'gid',
  local_invocation_id: 'lid',
  workgroup_id: 'wid',
  num_workgroups: 'nwg',
  local_invocation_index: 'lidx',
};

/** Buffers for a CPU run: one float64 number per 4-byte slot of the binding's WGSL layout. */
export type CpuBuffers = Record<string, Float64Array>;

export interface CpuKernel {
  /** The generated JavaScript, for reading and debugging. */
  readonly source: string;
  /** Runs `entry` over `workgroups` (x, y, z), sequentially, reading and writing `buffers` in place. */
  run(entry: string, buffers: CpuBuffers, workgroups: readonly [number, number, number]): void;
}

const slots = (bytes: number) => bytes / 4;

/**
 * Compiles a checked kernel module to JavaScript that runs it in float64 on the CPU: the
 * reference the GPU is tested against and the fallback without WebGPU. Threads run one after
 * another, so accumulations are exact and deterministic.
 */
export function compileCpu(checked: CheckedModule): CpuKernel {
  const out: string[] = [];
  const loaders = new Map<string, string>();
  const storers = new Map<string, string>();
  let tempCounter = 0;
  const temp = () => `t${tempCounter++}`;

  // ---- typed loads and stores (one function per type) ------------------------------------

  const loaderFor = (type: Type): string => {
    const key = typeName(type);
    const existing = loaders.get(key);
    if (existing) return existing;
    const name = `ld${loaders.size}`;
    loaders.set(key, name);
    let body: string;
    switch (type.kind) {
      case 'scalar':
      case 'atomic':
        body = type.kind === 'scalar' && type.scalar === 'bool' ? 'b[o] !== 0' : 'b[o]';
        break;
      case 'vector':
        body = `[${Array.from({ length: type.size }, (_, i) => `b[o + ${i}]`).join(', ')}]`;
        break;
      case 'struct': {
        const offsets = fieldOffsets(type);
        body = `{ ${type.members.map((m, i) => `${JSON.stringify(m.name)}: ${loaderFor(m.type)}(b, o + ${slots(offsets[i]!)})`).join(', ')} }`;
        break;
      }
      case 'array': {
        if (type.length === null)
          throw new Error('CPU backend: runtime-sized arrays are loaded element by element');
        body = `Array.from({ length: ${type.length} }, (_, k) => ${loaderFor(type.element)}(b, o + k * ${slots(arrayStride(type.element))}))`;
        break;
      }
      case 'void':
        body = 'undefined';
    }
    out.push(`function ${name}(b, o) { return ${body}; }`);
    return name;
  };

  const storerFor = (type: Type): string => {
    const key = typeName(type);
    const existing = storers.get(key);
    if (existing) return existing;
    const name = `st${storers.size}`;
    storers.set(key, name);
    let body: string;
    switch (type.kind) {
      case 'scalar':
      case 'atomic':
        body = type.kind === 'scalar' && type.scalar === 'bool' ? 'b[o] = v ? 1 : 0;' : 'b[o] = v;';
        break;
      case 'vector':
        body = Array.from({ length: type.size }, (_, i) => `b[o + ${i}] = v[${i}];`).join(' ');
        break;
      case 'struct': {
        const offsets = fieldOffsets(type);
        body = type.members
          .map(
            (m, i) =>
              `${storerFor(m.type)}(b, o + ${slots(offsets[i]!)}, v[${JSON.stringify(m.name)}]);`,
          )
          .join(' ');
        break;
      }
      case 'array':
        body = `for (let k = 0; k < ${type.length ?? 0}; k++) ${storerFor(type.element)}(b, o + k * ${slots(arrayStride(type.element))}, v[k]);`;
        break;
      case 'void':
        body = '';
    }
    out.push(`function ${name}(b, o, v) { ${body} }`);
    return name;
  };

  const zeroOf = (type: Type): string => {
    switch (type.kind) {
      case 'scalar':
        return type.scalar === 'bool' ? 'false' : '0';
      case 'atomic':
        return '0';
      case 'vector':
        return `[${Array.from({ length: type.size }, () => (type.scalar === 'bool' ? 'false' : '0')).join(', ')}]`;
      case 'struct':
        return `{ ${type.members.map((m) => `${JSON.stringify(m.name)}: ${zeroOf(m.type)}`).join(', ')} }`;
      case 'array':
        return `Array.from({ length: ${type.length ?? 0} }, () => ${zeroOf(type.element)})`;
      case 'void':
        return 'undefined';
    }
  };

  // ---- addresses of buffer elements ------------------------------------------------------

  interface Address {
    readonly binding: Binding;
    /** JS expression for the slot offset. */
    readonly offset: string;
    readonly type: Type;
  }

  const addressOf = (e: Expr): Address | null => {
    switch (e.kind) {
      case 'ident': {
        const s = checked.symbolOf(e);
        return s.kind === 'binding'
          ? { binding: s.binding, offset: '0', type: s.binding.type }
          : null;
      }
      case 'paren':
        return addressOf(e.inner);
      case 'index': {
        const base = addressOf(e.base);
        if (!base) return null;
        const t = base.type;
        if (t.kind === 'array') {
          const stride = slots(arrayStride(t.element));
          const length = t.length === null ? `n_${base.binding.name}` : String(t.length);
          return {
            binding: base.binding,
            offset: `${base.offset} + rt.check(${emit(e.index)}, ${length}, ${JSON.stringify(base.binding.name)}) * ${stride}`,
            type: t.element,
          };
        }
        if (t.kind === 'vector') {
          return {
            binding: base.binding,
            offset: `${base.offset} + rt.check(${emit(e.index)}, ${t.size}, "vector")`,
            type: { kind: 'scalar', scalar: t.scalar },
          };
        }
        return null;
      }
      case 'member': {
        const base = addressOf(e.base);
        if (!base) return null;
        const t = base.type;
        if (t.kind === 'struct') {
          const i = t.members.findIndex((m) => m.name === e.member);
          return {
            binding: base.binding,
            offset: `${base.offset} + ${slots(fieldOffsets(t)[i]!)}`,
            type: t.members[i]!.type,
          };
        }
        if (t.kind === 'vector' && e.member.length === 1) {
          return {
            binding: base.binding,
            offset: `${base.offset} + ${swizzleIndices(e.member)[0]}`,
            type: { kind: 'scalar', scalar: t.scalar },
          };
        }
        return null; // multi-component swizzle: load the vector, then swizzle
      }
      default:
        return null;
    }
  };

  // ---- expressions -----------------------------------------------------------------------

  const scalarKind = (e: Expr) => scalarOf(checked.typeOf(e));
  const isVector = (e: Expr) => checked.typeOf(e).kind === 'vector';

  const arith = (op: string, a: Expr, b: Expr): string => {
    const kind = scalarKind(a) === scalarKind(b) ? scalarKind(a) : (scalarKind(a) ?? scalarKind(b));
    const [l, r] = [emit(a), emit(b)];
    const vector = isVector(a) || isVector(b);
    if (kind === 'f32') {
      if (!vector) return op === '%' ? `rt.rem(${l}, ${r})` : `(${l} ${op} ${r})`;
      const fn = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '%': 'rem' }[op]!;
      return `rt.${fn}(${l}, ${r})`;
    }
    const suffix = kind === 'u32' ? 'U' : 'I';
    const fn = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '%': 'rem' }[op]!;
    if (!vector && kind === 'u32' && (op === '+' || op === '-')) return `((${l} ${op} ${r}) >>> 0)`;
    if (!vector && kind === 'i32' && (op === '+' || op === '-')) return `((${l} ${op} ${r}) | 0)`;
    return `rt.${fn}${suffix}(${l}, ${r})`;
  };

  const emit = (e: Expr): string => {
    const type = checked.typeOf(e);
    switch (e.kind) {
      case 'number':
        return type.kind === 'scalar' && type.scalar === 'f32'
          ? `(${e.value})`
          : String(type.kind === 'scalar' && type.scalar === 'u32' ? e.value >>> 0 : e.value | 0);
      case 'bool':
        return String(e.value);
      case 'paren':
        return `(${emit(e.inner)})`;
      case 'ident': {
        const s = checked.symbolOf(e);
        switch (s.kind) {
          case 'binding':
            return `${loaderFor(s.binding.type)}(B_${s.binding.name}, 0)`;
          case 'const':
            return s.value !== null && type.kind === 'scalar' ? `(${s.value})` : `v_${s.name}`;
          case 'local':
          case 'param':
            return `v_${s.name}`;
        }
        break;
      }
      case 'unary': {
        const v = emit(e.operand);
        if (e.op === '!') return isVector(e) ? `${v}.map((x) => !x)` : `(!${v})`;
        if (e.op === '~') return `rt.not(${v}, ${scalarKind(e) === 'u32'})`;
        if (scalarKind(e) === 'i32') return `rt.negI(${v})`;
        return isVector(e) ? `rt.neg(${v})` : `(-${v})`;
      }
      case 'binary': {
        switch (e.op) {
          case '+':
          case '-':
          case '*':
          case '/':
          case '%':
            return arith(e.op, e.left, e.right);
          case '==':
          case '!=':
          case '<':
          case '<=':
          case '>':
          case '>=':
            return isVector(e.left) || isVector(e.right)
              ? `rt.cmp(${emit(e.left)}, ${emit(e.right)}, ${JSON.stringify(e.op)})`
              : `(${emit(e.left)} ${e.op === '==' ? '===' : e.op === '!=' ? '!==' : e.op} ${emit(e.right)})`;
          case '&&':
          case '||':
            return `(${emit(e.left)} ${e.op} ${emit(e.right)})`;
          case '&':
          case '|':
          case '^':
            if (scalarKind(e) === 'bool') {
              const js = e.op === '^' ? '!==' : e.op === '&' ? '&&' : '||';
              if (isVector(e)) return `${emit(e.left)}.map((x, k) => x ${js} ${emit(e.right)}[k])`;
              return `(${emit(e.left)} ${js} ${emit(e.right)})`;
            }
            return scalarKind(e) === 'u32'
              ? `(rt.${{ '&': 'and', '|': 'or', '^': 'xor' }[e.op]}(${emit(e.left)}, ${emit(e.right)}) >>> 0)`
              : `rt.${{ '&': 'and', '|': 'or', '^': 'xor' }[e.op]}(${emit(e.left)}, ${emit(e.right)})`;
          case '<<':
          case '>>':
            return `rt.${e.op === '<<' ? 'shl' : 'shr'}(${emit(e.left)}, ${emit(e.right)}, ${scalarKind(e) === 'u32'})`;
        }
        break;
      }
      case 'call':
        return emitCall(e);
      case 'index': {
        const address = addressOf(e);
        if (address)
          return `${loaderFor(address.type)}(B_${address.binding.name}, ${address.offset})`;
        const base = checked.typeOf(e.base);
        const length =
          base.kind === 'vector' ? base.size : base.kind === 'array' ? (base.length ?? 0) : 0;
        return `${emit(e.base)}[rt.check(${emit(e.index)}, ${length}, "local array")]`;
      }
      case 'member': {
        const address = addressOf(e);
        if (address)
          return `${loaderFor(address.type)}(B_${address.binding.name}, ${address.offset})`;
        const base = checked.typeOf(e.base);
        if (base.kind === 'struct') return `${emit(e.base)}[${JSON.stringify(e.member)}]`;
        const indices = swizzleIndices(e.member);
        if (indices.length === 1) return `${emit(e.base)}[${indices[0]}]`;
        const t = temp();
        return `((${t}) => [${indices.map((i) => `${t}[${i}]`).join(', ')}])(${emit(e.base)})`;
      }
    }
    throw new Error(`CPU backend: cannot emit ${(e as Expr).kind}`);
  };

  const emitCall = (e: Extract<Expr, { kind: 'call' }>): string => {
    const type = checked.typeOf(e);
    if (e.callee === 'arrayLength') {
      const arg = e.args[0]!;
      if (arg.kind === 'unary' && arg.operand.kind === 'ident') return `n_${arg.operand.name}`;
    }
    const args = e.args.map(emit);
    if (type.kind === 'vector' && (/^vec[234]/.test(e.callee) || checked.aliases.has(e.callee))) {
      const fromInt = e.args.length === 1 && scalarOf(checked.typeOf(e.args[0]!)) !== type.scalar;
      const built = `rt.vec(${type.size}, [${args.join(', ')}])`;
      if (!fromInt) return built;
      return type.scalar === 'u32'
        ? `rt.toU32(${built})`
        : type.scalar === 'i32'
          ? `rt.toI32(${built})`
          : built;
    }
    if (args.length === 0) return zeroOf(type); // T() is the zero value
    switch (e.callee) {
      case 'f32':
        return scalarKind(e.args[0]!) === 'bool' ? `(${args[0]} ? 1 : 0)` : `(${args[0]})`;
      case 'u32':
        return `rt.toU32(${args[0]})`;
      case 'i32':
        return `rt.toI32(${args[0]})`;
      case 'bool':
        return `(${args[0]} !== 0)`;
    }
    if (checked.aliases.has(e.callee) && type.kind === 'scalar') {
      return type.scalar === 'u32'
        ? `rt.toU32(${args[0]})`
        : type.scalar === 'i32'
          ? `rt.toI32(${args[0]})`
          : `(${args[0]})`;
    }
    const struct =
      checked.structs.get(e.callee) ??
      (checked.aliases.has(e.callee) && type.kind === 'struct' ? type : undefined);
    if (struct)
      return `{ ${struct.members.map((m, i) => `${JSON.stringify(m.name)}: ${args[i]}`).join(', ')} }`;
    if (checked.functions.has(e.callee)) return `f_${e.callee}(${args.join(', ')})`;
    if (e.callee in rt) {
      if (e.callee === 'abs' && scalarKind(e) !== 'f32') return `rt.abs(${args[0]})`;
      return `rt.${e.callee}(${args.join(', ')})`;
    }
    throw new Error(`CPU backend: no implementation for ${e.callee}`);
  };

  // ---- statements ------------------------------------------------------------------------

  /** JS statement storing `value` (a JS expression) into the l-value `target`. */
  const assignInto = (target: Expr, value: string): string => {
    switch (target.kind) {
      case 'ident':
        return `v_${target.name} = ${value};`;
      case 'paren':
        return assignInto(target.inner, value);
      case 'member': {
        const base = checked.typeOf(target.base);
        if (base.kind === 'struct')
          return assignInto(
            target.base,
            `{ ...${emit(target.base)}, ${JSON.stringify(target.member)}: ${value} }`,
          );
        return assignInto(
          target.base,
          `rt.withSwizzle(${emit(target.base)}, [${swizzleIndices(target.member).join(', ')}], ${value})`,
        );
      }
      case 'index': {
        const base = checked.typeOf(target.base);
        const t = temp();
        const idx = `rt.check(${emit(target.index)}, ${base.kind === 'vector' ? base.size : base.kind === 'array' ? (base.length ?? 0) : 0}, "local array")`;
        return assignInto(
          target.base,
          `((${t}) => { const c = ${emit(target.base)}.slice(); c[${t}] = ${value}; return c; })(${idx})`,
        );
      }
      default:
        throw new Error(`CPU backend: cannot assign to ${target.kind}`);
    }
  };

  const emitStmt = (s: Stmt, indent: string): string => {
    switch (s.kind) {
      case 'declare': {
        const type = s.init ? checked.typeOf(s.init) : null;
        const init = s.init ? emit(s.init) : null;
        const keyword = s.declaration === 'var' ? 'let' : 'const';
        if (init !== null) return `${indent}${keyword} v_${s.name} = ${init};`;
        return `${indent}let v_${s.name} = ${zeroOf(type ?? { kind: 'scalar', scalar: 'f32' })};`;
      }
      case 'assign': {
        if (s.target.kind === 'ident' && s.target.name === '_') return `${indent}${emit(s.value)};`;
        const address = addressOf(s.target);
        const op = s.op.slice(0, -1);
        if (address) {
          const o = temp();
          const ld = loaderFor(address.type);
          const st = storerFor(address.type);
          const value =
            s.op === '='
              ? emit(s.value)
              : scalarOf(address.type) === 'f32'
                ? `rt.${op === '+' ? 'add' : 'sub'}(${ld}(B_${address.binding.name}, ${o}), ${emit(s.value)})`
                : `rt.${op === '+' ? 'add' : 'sub'}${scalarOf(address.type) === 'u32' ? 'U' : 'I'}(${ld}(B_${address.binding.name}, ${o}), ${emit(s.value)})`;
          return `${indent}{ const ${o} = ${address.offset}; ${st}(B_${address.binding.name}, ${o}, ${value}); }`;
        }
        if (s.op === '=') return indent + assignInto(s.target, emit(s.value));
        return indent + assignInto(s.target, arith(op, s.target, s.value));
      }
      case 'increment': {
        const kind = scalarKind(s.target);
        const v = emit(s.target);
        const next =
          kind === 'u32'
            ? `((${v} ${s.op === '++' ? '+' : '-'} 1) >>> 0)`
            : `((${v} ${s.op === '++' ? '+' : '-'} 1) | 0)`;
        return indent + assignInto(s.target, next);
      }
      case 'call':
        return `${indent}${emit(s.call)};`;
      case 'if': {
        const otherwise = s.otherwise
          ? ` else ${s.otherwise.kind === 'block' ? emitBlock(s.otherwise, indent) : emitStmt(s.otherwise, indent).trimStart()}`
          : '';
        return `${indent}if (${emit(s.condition)}) ${emitBlock(s.then, indent)}${otherwise}`;
      }
      case 'for': {
        const init = s.init ? emitStmt(s.init, '').replace(/;$/, '') : '';
        const update = s.update ? emitStmt(s.update, '').replace(/;$/, '') : '';
        return `${indent}for (${init}; ${s.condition ? emit(s.condition) : ''}; ${update.replace(/^v_(\w+) = /, 'v_$1 = ')}) ${emitBlock(s.body, indent)}`;
      }
      case 'return':
        return `${indent}return${s.value ? ` ${emit(s.value)}` : ''};`;
      case 'break':
      case 'continue':
        return `${indent}${s.kind};`;
      case 'block':
        return indent + emitBlock(s, indent);
      case 'unsupported':
        throw new Error(`CPU backend: ${s.construct} should have been refused by the checker`);
    }
  };

  const emitBlock = (b: Block, indent: string): string =>
    `{\n${b.statements.map((s) => emitStmt(s, `${indent}  `)).join('\n')}\n${indent}}`;

  // ---- module ----------------------------------------------------------------------------

  const body: string[] = [];
  for (const decl of checked.module.declarations) {
    if (decl.kind === 'const') {
      const c = checked.constants.get(decl.name)!;
      body.push(`const v_${decl.name} = ${c.value !== null ? `(${c.value})` : emit(decl.init!)};`);
    }
  }
  for (const fn of checked.functions.values()) {
    if (fn.workgroupSize) {
      const params = fn.params
        .map((p) => `const v_${p.name} = ${BUILTIN_ARGS[p.builtin ?? ''] ?? 'undefined'};`)
        .join(' ');
      body.push(
        `function e_${fn.name}(gid, lid, wid, nwg, lidx) {\n  ${params}\n  ${emitBlock(fn.decl.body, '  ')}\n}`,
      );
    } else {
      body.push(
        `function f_${fn.name}(${fn.params.map((p) => `v_${p.name}`).join(', ')}) ${emitBlock(fn.decl.body, '')}`,
      );
    }
  }
  const lengths = checked.bindings
    .filter((b) => b.type.kind === 'array' && b.type.length === null)
    .map(
      (b) =>
        `const n_${b.name} = Math.floor(B_${b.name}.length / ${slots(arrayStride((b.type as Extract<Type, { kind: 'array' }>).element))});`,
    );
  const entries = checked.entryPoints
    .map((e) => `${JSON.stringify(e.name)}: e_${e.name}`)
    .join(', ');
  const source = [
    '"use strict";',
    ...out,
    `return function bind(${checked.bindings.map((b) => `B_${b.name}`).join(', ')}) {`,
    ...lengths,
    ...body,
    `return { ${entries} };`,
    '};',
  ].join('\n');

  // Compiling to JavaScript is the point of this backend: the source is generated above from a
  // checked kernel, never taken from user input as code.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const factory = new Function('rt', source) as (
    rt: Runtime,
  ) => (...buffers: Float64Array[]) => Record<string, (...args: unknown[]) => void>;
  const bind = factory(rt);

  return {
    source,
    run(entry, buffers, workgroups) {
      const info = checked.functions.get(entry);
      if (!info?.workgroupSize)
        throw new Error(`CPU backend: ${entry} is not a compute entry point of this module`);
      const args = checked.bindings.map((b) => {
        const buffer = buffers[b.name];
        if (!buffer) throw new Error(`CPU backend: no buffer for binding ${b.name}`);
        const needed = slots(layoutOf(b.type).size);
        if (buffer.length < needed)
          throw new Error(
            `CPU backend: buffer ${b.name} has ${buffer.length} slots, its type ${typeName(b.type)} needs ${needed}`,
          );
        return buffer;
      });
      const kernel = bind(...args)[entry]!;
      const [sx, sy, sz] = info.workgroupSize;
      const nwg = [...workgroups];
      for (let wz = 0; wz < workgroups[2]; wz++)
        for (let wy = 0; wy < workgroups[1]; wy++)
          for (let wx = 0; wx < workgroups[0]; wx++)
            for (let lz = 0; lz < sz; lz++)
              for (let ly = 0; ly < sy; ly++)
                for (let lx = 0; lx < sx; lx++) {
                  kernel(
                    [wx * sx + lx, wy * sy + ly, wz * sz + lz],
                    [lx, ly, lz],
                    [wx, wy, wz],
                    nwg,
                    lx + ly * sx + lz * sx * sy,
                  );
                }
    },
  };
}
