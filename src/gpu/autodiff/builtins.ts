import {
  BOOL,
  F32,
  componentCount,
  scalarOf,
  vector,
  type ScalarKind,
  type Type,
} from './types.ts';

/**
 * The builtin functions kernels may call, with how each types its result. Everything else is
 * refused with the list of what is supported.
 */
export type BuiltinSignature = (args: readonly Type[]) => Type | string;

const sameAsFirstFloat: BuiltinSignature = (args) => {
  const t = args[0];
  if (!t || scalarOf(t) !== 'f32') return 'takes an f32 scalar or vector';
  return args.every((a) => componentCount(a) === componentCount(t) && scalarOf(a) === 'f32')
    ? t
    : 'needs all arguments of the same float type';
};

const sameAsFirstNumeric: BuiltinSignature = (args) => {
  const t = args[0];
  const s = t ? scalarOf(t) : null;
  if (!t || s === null || s === 'bool') return 'takes a numeric scalar or vector';
  return args.every((a) => componentCount(a) === componentCount(t) && scalarOf(a) === s)
    ? t
    : 'needs all arguments of the same type';
};

const unaryFloat: BuiltinSignature = (args) =>
  args.length === 1 ? sameAsFirstFloat(args) : 'takes one argument';

const floatVectorToScalar: BuiltinSignature = (args) => {
  const t = args[0];
  if (!t || t.kind !== 'vector' || t.scalar !== 'f32') return 'takes f32 vectors';
  return args.every((a) => a.kind === 'vector' && a.size === t.size && a.scalar === 'f32')
    ? F32
    : 'needs vectors of the same size';
};

/** Differentiable builtins (float in, float out), with their arity. */
export const DIFFERENTIABLE_BUILTINS: Readonly<
  Record<string, { arity: number; signature: BuiltinSignature }>
> = {
  abs: { arity: 1, signature: sameAsFirstNumeric },
  min: { arity: 2, signature: sameAsFirstNumeric },
  max: { arity: 2, signature: sameAsFirstNumeric },
  clamp: { arity: 3, signature: sameAsFirstNumeric },
  sign: { arity: 1, signature: sameAsFirstNumeric },
  floor: { arity: 1, signature: unaryFloat },
  ceil: { arity: 1, signature: unaryFloat },
  round: { arity: 1, signature: unaryFloat },
  fract: { arity: 1, signature: unaryFloat },
  trunc: { arity: 1, signature: unaryFloat },
  sqrt: { arity: 1, signature: unaryFloat },
  inverseSqrt: { arity: 1, signature: unaryFloat },
  exp: { arity: 1, signature: unaryFloat },
  exp2: { arity: 1, signature: unaryFloat },
  log: { arity: 1, signature: unaryFloat },
  log2: { arity: 1, signature: unaryFloat },
  pow: { arity: 2, signature: sameAsFirstFloat },
  sin: { arity: 1, signature: unaryFloat },
  cos: { arity: 1, signature: unaryFloat },
  tan: { arity: 1, signature: unaryFloat },
  tanh: { arity: 1, signature: unaryFloat },
  atan2: { arity: 2, signature: sameAsFirstFloat },
  dot: { arity: 2, signature: floatVectorToScalar },
  cross: {
    arity: 2,
    signature: (args) =>
      args.every((a) => a.kind === 'vector' && a.size === 3 && a.scalar === 'f32')
        ? vector(3, 'f32')
        : 'takes two vec3<f32>',
  },
  length: {
    arity: 1,
    signature: (args) =>
      args[0] && scalarOf(args[0]) === 'f32' ? F32 : 'takes an f32 scalar or vector',
  },
  distance: {
    arity: 2,
    signature: (args) => {
      const r = sameAsFirstFloat(args);
      return typeof r === 'string' ? r : F32;
    },
  },
  normalize: {
    arity: 1,
    signature: (args) =>
      args[0]?.kind === 'vector' && args[0].scalar === 'f32' ? args[0] : 'takes an f32 vector',
  },
  mix: {
    arity: 3,
    signature: (args) => {
      const [a, b, t] = args;
      if (
        !a ||
        !b ||
        !t ||
        scalarOf(a) !== 'f32' ||
        componentCount(a) !== componentCount(b) ||
        scalarOf(b) !== 'f32'
      ) {
        return 'takes two f32 values of the same type and a blend factor';
      }
      return scalarOf(t) === 'f32' &&
        (componentCount(t) === 1 || componentCount(t) === componentCount(a))
        ? a
        : 'needs an f32 blend factor';
    },
  },
  smoothstep: { arity: 3, signature: sameAsFirstFloat },
  step: { arity: 2, signature: sameAsFirstFloat },
  fma: { arity: 3, signature: sameAsFirstFloat },
  select: {
    arity: 3,
    signature: (args) => {
      const [f, t, c] = args;
      if (
        !f ||
        !t ||
        !c ||
        componentCount(f) !== componentCount(t) ||
        scalarOf(f) !== scalarOf(t)
      ) {
        return 'takes two values of the same type and a bool condition';
      }
      if (
        scalarOf(c) !== 'bool' ||
        (componentCount(c) !== 1 && componentCount(c) !== componentCount(f))
      ) {
        return 'needs a bool condition (or a bool vector of the same size)';
      }
      return f;
    },
  },
};

/** Builtins whose result does not depend smoothly on float inputs (zero derivative almost everywhere). */
export const PIECEWISE_CONSTANT = new Set(['sign', 'floor', 'ceil', 'round', 'trunc', 'step']);

/** Conversions and constructors: `f32(x)`, `u32(x)`, `vec3f(…)`, `vec3<f32>(…)`. */
export const SCALAR_CONSTRUCTORS: Readonly<Record<string, ScalarKind>> = {
  f32: 'f32',
  i32: 'i32',
  u32: 'u32',
  bool: 'bool',
};

/** Shorthand vector type names and what they mean. */
export const VECTOR_ALIASES: Readonly<Record<string, { size: 2 | 3 | 4; scalar: ScalarKind }>> = {
  vec2f: { size: 2, scalar: 'f32' },
  vec3f: { size: 3, scalar: 'f32' },
  vec4f: { size: 4, scalar: 'f32' },
  vec2i: { size: 2, scalar: 'i32' },
  vec3i: { size: 3, scalar: 'i32' },
  vec4i: { size: 4, scalar: 'i32' },
  vec2u: { size: 2, scalar: 'u32' },
  vec3u: { size: 3, scalar: 'u32' },
  vec4u: { size: 4, scalar: 'u32' },
};

export const SUPPORTED_BUILTIN_LIST = [...Object.keys(DIFFERENTIABLE_BUILTINS), 'arrayLength']
  .sort()
  .join(', ');

export const BOOL_TYPE = BOOL;
