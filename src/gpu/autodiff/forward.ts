import {
  accumulationElement,
  accumulationFunction,
  type AccumulationMode,
} from './accumulation.ts';
import type { Stmt } from './ast.ts';
import { bufferAddress } from './bufferAddress.ts';
import type { CheckedModule } from './checker.ts';
import { KernelError } from './errors.ts';
import { fieldOffsets, type Type } from './types.ts';

export interface ForwardKernel {
  readonly source: string;
  /** Buffers whose `+=` were rewritten: their GPU contents are in the accumulation mode's format. */
  readonly accumulated: readonly string[];
}

/**
 * The forward kernel as it must run on a GPU: WGSL has no float atomics, so `buf[i] += v` from
 * many threads loses updates. Every float buffer an entry point accumulates into is redeclared
 * as `array<atomic<u32>>` and each `+=`/`-=` into it becomes a call of its accumulation function
 * (compare-exchange, or deterministic fixed point). Everything else is the author's source,
 * untouched. Integer scatters are refused with a fix.
 */
export function forwardKernel(
  checked: CheckedModule,
  options: { mode: Exclude<AccumulationMode, 'plain'> },
): ForwardKernel {
  const source = checked.module.source;
  const text = (e: { span: { offset: number; length: number } }) =>
    source.slice(e.span.offset, e.span.offset + e.span.length);
  const accumulated = new Set<string>();
  for (const e of checked.effects.values())
    for (const name of e.accumulates.keys()) accumulated.add(name);

  const edits: { offset: number; length: number; replacement: string }[] = [];
  let counter = 0;

  const flatten = (
    type: Type,
    base: string,
    value: string,
    out: string[],
    span: Stmt['span'],
  ): void => {
    switch (type.kind) {
      case 'scalar':
        if (type.scalar !== 'f32') {
          throw new KernelError(
            'forward_scatter',
            `+= into ${type.scalar} elements from many threads loses updates, and WGSL has no way to fix that here`,
            'restructure as a gather: let each thread compute one output element and assign it with =',
            span,
            checked.file,
          );
        }
        out.push(`tb_add_${base.split(':')[0]}(${base.split(':')[1]}, ${value});`);
        return;
      case 'vector':
        for (let i = 0; i < type.size; i++)
          flatten(
            { kind: 'scalar', scalar: type.scalar },
            `${base} + ${i}u`,
            `${value}[${i}]`,
            out,
            span,
          );
        return;
      case 'struct': {
        const offsets = fieldOffsets(type);
        type.members.forEach((m, i) =>
          flatten(m.type, `${base} + ${offsets[i]! / 4}u`, `${value}.${m.name}`, out, span),
        );
        return;
      }
      default:
        throw new KernelError(
          'forward_scatter',
          'cannot accumulate into this type',
          'accumulate scalars, vectors or structs of f32',
          span,
          checked.file,
        );
    }
  };

  const visit = (s: Stmt): void => {
    switch (s.kind) {
      case 'assign': {
        if (s.op !== '+=' && s.op !== '-=') return;
        const address = bufferAddress(checked, s.target, text);
        if (!address) return;
        const n = counter++;
        const out: string[] = [
          `let tb_slot${n} = ${address.slot};`,
          `let tb_value${n} = ${s.op === '-=' ? '-' : ''}(${text(s.value)});`,
        ];
        flatten(address.type, `${address.binding.name}:tb_slot${n}`, `tb_value${n}`, out, s.span);
        edits.push({
          offset: s.span.offset,
          length: s.span.length,
          replacement: `{ ${out.join(' ')} }`,
        });
        return;
      }
      case 'if':
        s.then.statements.forEach(visit);
        if (s.otherwise) visit(s.otherwise);
        return;
      case 'for':
        s.body.statements.forEach(visit);
        return;
      case 'block':
        s.statements.forEach(visit);
        return;
      default:
        return;
    }
  };
  for (const fn of checked.functions.values()) fn.decl.body.statements.forEach(visit);

  for (const b of checked.bindings) {
    if (!accumulated.has(b.name)) continue;
    const decl = checked.module.declarations.find(
      (d) => d.kind === 'globalVar' && d.name === b.name,
    )!;
    const attributes = `@group(${b.group}) @binding(${b.binding})`;
    edits.push({
      offset: decl.span.offset,
      length: decl.span.length,
      replacement: `${attributes} var<storage, read_write> ${b.name}: array<${accumulationElement(options.mode)}>; // ${source.slice(decl.span.offset, decl.span.offset + decl.span.length).replace(/\s+/g, ' ')} (accumulated by Twinbench)\n${accumulationFunction(b.name, options.mode).replace(`tb_add_${b.name}`, `tb_add_${b.name}`)}`,
    });
  }

  edits.sort((a, b) => b.offset - a.offset);
  let result = source;
  for (const e of edits)
    result = result.slice(0, e.offset) + e.replacement + result.slice(e.offset + e.length);
  return { source: result, accumulated: [...accumulated] };
}
