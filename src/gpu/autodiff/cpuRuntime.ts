/**
 * Helpers the JavaScript emitted by the CPU backend calls: component-wise vector math in float64
 * and WGSL's integer semantics. Values: scalars are numbers, vectors are arrays (never mutated in
 * place, so WGSL's value semantics hold), structs are plain objects.
 */
export type Value = number | boolean | Value[] | { [field: string]: Value };

type Num = number | number[];

const map1 = (a: Num, f: (x: number) => number): Num => (typeof a === 'number' ? f(a) : a.map(f));
const map2 = (a: Num, b: Num, f: (x: number, y: number) => number): Num => {
  if (typeof a === 'number' && typeof b === 'number') return f(a, b);
  if (typeof a === 'number') return (b as number[]).map((y) => f(a, y));
  if (typeof b === 'number') return a.map((x) => f(x, b));
  return a.map((x, i) => f(x, b[i]!));
};
const map3 = (a: Num, b: Num, c: Num, f: (x: number, y: number, z: number) => number): Num => {
  const n = [a, b, c].find((v): v is number[] => typeof v !== 'number');
  if (!n) return f(a as number, b as number, c as number);
  const at = (v: Num, i: number) => (typeof v === 'number' ? v : v[i]!);
  return n.map((_, i) => f(at(a, i), at(b, i), at(c, i)));
};

export class KernelRuntimeError extends Error {
  override readonly name = 'KernelRuntimeError';
}

const u32 = (x: number) => x >>> 0;
const i32 = (x: number) => x | 0;

/** WGSL's integer division: truncates, and x / 0 is x. */
const idiv = (a: number, b: number) => (b === 0 ? a : Math.trunc(a / b));
const irem = (a: number, b: number) => (b === 0 ? 0 : a - b * Math.trunc(a / b));

export const rt = {
  add: (a: Num, b: Num) => map2(a, b, (x, y) => x + y),
  sub: (a: Num, b: Num) => map2(a, b, (x, y) => x - y),
  mul: (a: Num, b: Num) => map2(a, b, (x, y) => x * y),
  div: (a: Num, b: Num) => map2(a, b, (x, y) => x / y),
  /** Float remainder with the sign of the dividend (WGSL's %). */
  rem: (a: Num, b: Num) => map2(a, b, (x, y) => x - y * Math.trunc(x / y)),
  neg: (a: Num) => map1(a, (x) => -x),
  addU: (a: Num, b: Num) => map2(a, b, (x, y) => u32(x + y)),
  subU: (a: Num, b: Num) => map2(a, b, (x, y) => u32(x - y)),
  mulU: (a: Num, b: Num) => map2(a, b, (x, y) => u32(Math.imul(x, y))),
  divU: (a: Num, b: Num) => map2(a, b, (x, y) => u32(idiv(x, y))),
  remU: (a: Num, b: Num) => map2(a, b, (x, y) => u32(irem(x, y))),
  addI: (a: Num, b: Num) => map2(a, b, (x, y) => i32(x + y)),
  subI: (a: Num, b: Num) => map2(a, b, (x, y) => i32(x - y)),
  mulI: (a: Num, b: Num) => map2(a, b, (x, y) => Math.imul(x, y)),
  divI: (a: Num, b: Num) => map2(a, b, (x, y) => i32(idiv(x, y))),
  remI: (a: Num, b: Num) => map2(a, b, (x, y) => i32(irem(x, y))),
  negI: (a: Num) => map1(a, (x) => i32(-x)),
  and: (a: Num, b: Num) => map2(a, b, (x, y) => x & y),
  or: (a: Num, b: Num) => map2(a, b, (x, y) => x | y),
  xor: (a: Num, b: Num) => map2(a, b, (x, y) => x ^ y),
  shl: (a: Num, b: Num, unsigned: boolean) =>
    map2(a, b, (x, y) => (unsigned ? u32(x << (y & 31)) : x << (y & 31))),
  shr: (a: Num, b: Num, unsigned: boolean) =>
    map2(a, b, (x, y) => (unsigned ? x >>> (y & 31) : x >> (y & 31))),
  not: (a: Num, unsigned: boolean) => map1(a, (x) => (unsigned ? u32(~x) : ~x)),
  cmp: (a: Num, b: Num, op: string): boolean | boolean[] => {
    const f = (x: number, y: number) =>
      op === '=='
        ? x === y
        : op === '!='
          ? x !== y
          : op === '<'
            ? x < y
            : op === '<='
              ? x <= y
              : op === '>'
                ? x > y
                : x >= y;
    if (typeof a === 'number' && typeof b === 'number') return f(a, b);
    return (map2(a, b, (x, y) => (f(x, y) ? 1 : 0)) as number[]).map((x) => x === 1);
  },
  splat: (x: number, n: number) => Array.from({ length: n }, () => x),
  /** vecN(…) from scalars and vectors. */
  vec: (n: number, parts: Num[]) => {
    if (parts.length === 0) return rt.splat(0, n);
    if (parts.length === 1 && typeof parts[0] === 'number') return rt.splat(parts[0], n);
    return parts.flatMap((p) => (typeof p === 'number' ? [p] : p)).slice(0, n);
  },
  toF32: (a: Num) => map1(a, (x) => x),
  toU32: (a: Num | boolean) =>
    typeof a === 'boolean'
      ? a
        ? 1
        : 0
      : map1(a, (x) =>
          Number.isInteger(x) ? u32(x) : u32(Math.max(0, Math.min(4294967295, Math.trunc(x)))),
        ),
  toI32: (a: Num | boolean) =>
    typeof a === 'boolean' ? (a ? 1 : 0) : map1(a, (x) => i32(Math.trunc(x))),
  abs: (a: Num) => map1(a, Math.abs),
  min: (a: Num, b: Num) => map2(a, b, Math.min),
  max: (a: Num, b: Num) => map2(a, b, Math.max),
  clamp: (a: Num, lo: Num, hi: Num) => map3(a, lo, hi, (x, l, h) => Math.min(Math.max(x, l), h)),
  sign: (a: Num) => map1(a, (x) => Math.sign(x)),
  floor: (a: Num) => map1(a, Math.floor),
  ceil: (a: Num) => map1(a, Math.ceil),
  /** WGSL round: to nearest, ties to even. */
  round: (a: Num) =>
    map1(a, (x) => {
      const r = Math.round(x);
      return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
    }),
  trunc: (a: Num) => map1(a, Math.trunc),
  fract: (a: Num) => map1(a, (x) => x - Math.floor(x)),
  sqrt: (a: Num) => map1(a, Math.sqrt),
  inverseSqrt: (a: Num) => map1(a, (x) => 1 / Math.sqrt(x)),
  exp: (a: Num) => map1(a, Math.exp),
  exp2: (a: Num) => map1(a, (x) => 2 ** x),
  log: (a: Num) => map1(a, Math.log),
  log2: (a: Num) => map1(a, Math.log2),
  pow: (a: Num, b: Num) => map2(a, b, (x, y) => x ** y),
  sin: (a: Num) => map1(a, Math.sin),
  cos: (a: Num) => map1(a, Math.cos),
  tan: (a: Num) => map1(a, Math.tan),
  tanh: (a: Num) => map1(a, Math.tanh),
  atan2: (a: Num, b: Num) => map2(a, b, Math.atan2),
  dot: (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0),
  cross: (a: number[], b: number[]) => [
    a[1]! * b[2]! - a[2]! * b[1]!,
    a[2]! * b[0]! - a[0]! * b[2]!,
    a[0]! * b[1]! - a[1]! * b[0]!,
  ],
  length: (a: Num) => (typeof a === 'number' ? Math.abs(a) : Math.sqrt(rt.dot(a, a))),
  distance: (a: Num, b: Num) => rt.length(rt.sub(a, b)),
  normalize: (a: number[]) => {
    const l = rt.length(a);
    return a.map((x) => x / l);
  },
  mix: (a: Num, b: Num, t: Num) => map3(a, b, t, (x, y, s) => x * (1 - s) + y * s),
  smoothstep: (e0: Num, e1: Num, x: Num) =>
    map3(e0, e1, x, (l, h, v) => {
      const t = Math.min(Math.max((v - l) / (h - l), 0), 1);
      return t * t * (3 - 2 * t);
    }),
  step: (edge: Num, x: Num) => map2(edge, x, (e, v) => (v >= e ? 1 : 0)),
  fma: (a: Num, b: Num, c: Num) => map3(a, b, c, (x, y, z) => x * y + z),
  select: <T>(f: T, t: T, c: boolean | boolean[]): T => {
    if (typeof c === 'boolean') return c ? t : f;
    return (f as unknown as Num[]).map((x, i) => (c[i] ? (t as unknown as Num[])[i] : x)) as T;
  },
  all: (c: boolean | boolean[]) => (typeof c === 'boolean' ? c : c.every(Boolean)),
  /** Returns a copy of vector `v` with component `i` set to `x`. */
  withComponent: (v: number[], i: number, x: number) => v.map((y, k) => (k === i ? x : y)),
  /** Returns a copy of `v` with the swizzled components replaced by `x`. */
  withSwizzle: (v: number[], indices: number[], x: Num) =>
    v.map((y, k) => {
      const at = indices.indexOf(k);
      return at < 0 ? y : typeof x === 'number' ? x : x[at]!;
    }),
  check: (index: number, length: number, name: string) => {
    if (!(index >= 0 && index < length)) {
      throw new KernelRuntimeError(
        `index ${index} is out of bounds for ${name} (${length} elements): check the dispatch size and the buffer lengths`,
      );
    }
    return index;
  },
};

export type Runtime = typeof rt;
