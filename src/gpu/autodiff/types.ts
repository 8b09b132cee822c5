/**
 * Types of the differentiable subset, their WGSL spelling and their memory layout (WGSL's
 * alignment rules), shared by the checker, the CPU backend and the adjoint generator.
 */
export type ScalarKind = 'f32' | 'i32' | 'u32' | 'bool';

export type Type =
  | { readonly kind: 'scalar'; readonly scalar: ScalarKind }
  | { readonly kind: 'vector'; readonly size: 2 | 3 | 4; readonly scalar: ScalarKind }
  | { readonly kind: 'array'; readonly element: Type; readonly length: number | null }
  | { readonly kind: 'struct'; readonly name: string; readonly members: readonly StructField[] }
  | { readonly kind: 'atomic'; readonly scalar: 'i32' | 'u32' }
  | { readonly kind: 'void' };

export interface StructField {
  readonly name: string;
  readonly type: Type;
}

export const F32: Type = { kind: 'scalar', scalar: 'f32' };
export const I32: Type = { kind: 'scalar', scalar: 'i32' };
export const U32: Type = { kind: 'scalar', scalar: 'u32' };
export const BOOL: Type = { kind: 'scalar', scalar: 'bool' };
export const VOID: Type = { kind: 'void' };

export function vector(size: 2 | 3 | 4, scalar: ScalarKind): Type {
  return { kind: 'vector', size, scalar };
}

export function typeName(type: Type): string {
  switch (type.kind) {
    case 'scalar':
      return type.scalar;
    case 'vector':
      return `vec${type.size}<${type.scalar}>`;
    case 'array':
      return type.length === null
        ? `array<${typeName(type.element)}>`
        : `array<${typeName(type.element)}, ${type.length}>`;
    case 'struct':
      return type.name;
    case 'atomic':
      return `atomic<${type.scalar}>`;
    case 'void':
      return 'void';
  }
}

export function sameType(a: Type, b: Type): boolean {
  return typeName(a) === typeName(b);
}

/** The scalar kind of a scalar or vector, or null. */
export function scalarOf(type: Type): ScalarKind | null {
  return type.kind === 'scalar' || type.kind === 'vector' ? type.scalar : null;
}

/** Number of components: 1 for scalars, N for vecN, 0 otherwise. */
export function componentCount(type: Type): number {
  return type.kind === 'scalar' ? 1 : type.kind === 'vector' ? type.size : 0;
}

/** A float scalar or vector: the values gradients flow through. */
export function isFloat(type: Type): boolean {
  return scalarOf(type) === 'f32';
}

export function isInteger(type: Type): boolean {
  const s = scalarOf(type);
  return s === 'i32' || s === 'u32';
}

/** True when a value of this type holds floats anywhere (struct members, array elements). */
export function containsFloat(type: Type): boolean {
  switch (type.kind) {
    case 'scalar':
    case 'vector':
      return type.scalar === 'f32';
    case 'array':
      return containsFloat(type.element);
    case 'struct':
      return type.members.some((m) => containsFloat(m.type));
    case 'atomic':
    case 'void':
      return false;
  }
}

// ---- layout (WGSL "Alignment and Size") ------------------------------------------------------

export interface Layout {
  readonly size: number;
  readonly align: number;
}

const roundUp = (k: number, n: number) => Math.ceil(n / k) * k;

export function layoutOf(type: Type): Layout {
  switch (type.kind) {
    case 'scalar':
    case 'atomic':
      return { size: 4, align: 4 };
    case 'vector':
      return type.size === 2 ? { size: 8, align: 8 } : { size: 4 * type.size, align: 16 };
    case 'array': {
      const element = layoutOf(type.element);
      const stride = roundUp(element.align, element.size);
      return { size: stride * (type.length ?? 1), align: element.align };
    }
    case 'struct': {
      let offset = 0;
      let align = 1;
      for (const field of type.members) {
        const l = layoutOf(field.type);
        offset = roundUp(l.align, offset) + l.size;
        align = Math.max(align, l.align);
      }
      return { size: roundUp(align, offset), align };
    }
    case 'void':
      return { size: 0, align: 1 };
  }
}

/** Byte stride between elements of an array of `element`. */
export function arrayStride(element: Type): number {
  const l = layoutOf(element);
  return roundUp(l.align, l.size);
}

/** Byte offset of each field of a struct. */
export function fieldOffsets(type: Extract<Type, { kind: 'struct' }>): number[] {
  const offsets: number[] = [];
  let offset = 0;
  for (const field of type.members) {
    const l = layoutOf(field.type);
    offset = roundUp(l.align, offset);
    offsets.push(offset);
    offset += l.size;
  }
  return offsets;
}

/**
 * The scalar kind stored at each 4-byte slot of a value of this type (padding slots are
 * `null`), for converting between GPU bytes and the CPU backend's one-number-per-slot arrays.
 */
export function slotKinds(type: Type, count = 1): (ScalarKind | null)[] {
  const out: (ScalarKind | null)[] = [];
  const visit = (t: Type, base: number) => {
    switch (t.kind) {
      case 'scalar':
        out[base / 4] = t.scalar;
        return;
      case 'atomic':
        out[base / 4] = t.scalar;
        return;
      case 'vector':
        for (let i = 0; i < t.size; i++) out[base / 4 + i] = t.scalar;
        return;
      case 'array': {
        const stride = arrayStride(t.element);
        for (let i = 0; i < (t.length ?? 1); i++) visit(t.element, base + i * stride);
        return;
      }
      case 'struct': {
        const offsets = fieldOffsets(t);
        t.members.forEach((m, i) => visit(m.type, base + offsets[i]!));
        return;
      }
      case 'void':
        return;
    }
  };
  const size = layoutOf(type).size;
  for (let i = 0; i < count; i++) visit(type, i * size);
  const slots = (size * count) / 4;
  for (let i = 0; i < slots; i++) out[i] ??= null;
  return out;
}
