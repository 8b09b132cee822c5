import type { Expr } from './ast.ts';
import type { Binding, CheckedModule } from './checker.ts';
import { arrayStride, fieldOffsets, type Type } from './types.ts';

/** Where an access chain rooted at a binding (`buf[i].u.x`) lands: a WGSL u32 slot expression. */
export interface BufferAddress {
  readonly binding: Binding;
  /** WGSL u32 expression for the first 4-byte slot. */
  readonly slot: string;
  readonly type: Type;
}

/**
 * The slot address of `e` if it is an element (or field, or component) of a buffer binding,
 * else null. `text` gives the WGSL source of index expressions.
 */
export function bufferAddress(
  checked: CheckedModule,
  e: Expr,
  text: (e: Expr) => string,
): BufferAddress | null {
  switch (e.kind) {
    case 'ident': {
      const s = checked.symbolOf(e);
      return s.kind === 'binding' ? { binding: s.binding, slot: '0u', type: s.binding.type } : null;
    }
    case 'paren':
      return bufferAddress(checked, e.inner, text);
    case 'index': {
      const base = bufferAddress(checked, e.base, text);
      if (!base) return null;
      if (base.type.kind === 'array') {
        return {
          binding: base.binding,
          slot: `${base.slot} + u32(${text(e.index)}) * ${arrayStride(base.type.element) / 4}u`,
          type: base.type.element,
        };
      }
      if (base.type.kind === 'vector') {
        return {
          binding: base.binding,
          slot: `${base.slot} + u32(${text(e.index)})`,
          type: { kind: 'scalar', scalar: base.type.scalar },
        };
      }
      return null;
    }
    case 'member': {
      const base = bufferAddress(checked, e.base, text);
      if (!base) return null;
      if (base.type.kind === 'struct') {
        const i = base.type.members.findIndex((m) => m.name === e.member);
        return {
          binding: base.binding,
          slot: `${base.slot} + ${fieldOffsets(base.type)[i]! / 4}u`,
          type: base.type.members[i]!.type,
        };
      }
      return null;
    }
    default:
      return null;
  }
}
