/**
 * Reverse-mode rules for the differentiable builtins. Each rule gets the WGSL names of the
 * arguments, the result and the incoming adjoint `g` (all already bound to lets) and returns the
 * adjoint contribution to each argument as WGSL text, or null where the derivative is zero
 * (integer arguments, piecewise-constant builtins).
 */
export interface RuleInput {
  readonly args: readonly string[];
  readonly result: string;
  readonly g: string;
  /** WGSL zero of the result's type, e.g. `vec3<f32>()`. */
  readonly zero: string;
}

export type Rule = (input: RuleInput) => (string | null)[];

const LN2 = '0.6931471805599453';

export const DERIVATIVE_RULES: Readonly<Record<string, Rule>> = {
  abs: ({ args: [x], g }) => [`${g} * sign(${x})`],
  min: ({ args: [a, b], g, zero }) => [
    `select(${zero}, ${g}, ${a} <= ${b})`,
    `select(${g}, ${zero}, ${a} <= ${b})`,
  ],
  max: ({ args: [a, b], g, zero }) => [
    `select(${zero}, ${g}, ${a} >= ${b})`,
    `select(${g}, ${zero}, ${a} >= ${b})`,
  ],
  clamp: ({ args: [x, lo, hi], g, zero }) => [
    `select(${zero}, ${g}, (${x} >= ${lo}) & (${x} <= ${hi}))`,
    `select(${zero}, ${g}, ${x} < ${lo})`,
    `select(${zero}, ${g}, ${x} > ${hi})`,
  ],
  sign: () => [null],
  floor: () => [null],
  ceil: () => [null],
  round: () => [null],
  trunc: () => [null],
  step: () => [null, null],
  fract: ({ g }) => [g],
  sqrt: ({ result, g }) => [`${g} * 0.5 / ${result}`],
  inverseSqrt: ({ result, g }) => [`${g} * -0.5 * ${result} * ${result} * ${result}`],
  exp: ({ result, g }) => [`${g} * ${result}`],
  exp2: ({ result, g }) => [`${g} * ${result} * ${LN2}`],
  log: ({ args: [x], g }) => [`${g} / ${x}`],
  log2: ({ args: [x], g }) => [`${g} / (${x} * ${LN2})`],
  pow: ({ args: [a, b], result, g }) => [
    `${g} * ${b} * pow(${a}, ${b} - 1.0)`,
    `${g} * ${result} * log(${a})`,
  ],
  sin: ({ args: [x], g }) => [`${g} * cos(${x})`],
  cos: ({ args: [x], g }) => [`-${g} * sin(${x})`],
  tan: ({ result, g }) => [`${g} * (1.0 + ${result} * ${result})`],
  tanh: ({ result, g }) => [`${g} * (1.0 - ${result} * ${result})`],
  atan2: ({ args: [y, x], g }) => [
    `${g} * ${x} / (${x} * ${x} + ${y} * ${y})`,
    `-${g} * ${y} / (${x} * ${x} + ${y} * ${y})`,
  ],
  dot: ({ args: [a, b], g }) => [`${g} * ${b}`, `${g} * ${a}`],
  cross: ({ args: [a, b], g }) => [`cross(${b}, ${g})`, `cross(${g}, ${a})`],
  distance: ({ args: [a, b], result, g }) => [
    `${g} * (${a} - ${b}) / ${result}`,
    `-${g} * (${a} - ${b}) / ${result}`,
  ],
  normalize: ({ args: [x], result, g }) => [
    `(${g} - ${result} * dot(${result}, ${g})) / length(${x})`,
  ],
  fma: ({ args: [a, b], g }) => [`${g} * ${b}`, `${g} * ${a}`, g],
  select: ({ args: [, , c], g, zero }) => [
    `select(${g}, ${zero}, ${c})`,
    `select(${zero}, ${g}, ${c})`,
    null,
  ],
};

/** `length` differs for scalars (|x|) and vectors. */
export function lengthRule(isVector: boolean): Rule {
  return ({ args: [x], result, g }) => [isVector ? `${g} * ${x} / ${result}` : `${g} * sign(${x})`];
}

/** mix(a, b, t) = a·(1 − t) + b·t; a scalar t's adjoint is summed over components by the caller. */
export function mixRule(): Rule {
  return ({ args: [a, b, t], g }) => [`${g} * (1.0 - ${t})`, `${g} * ${t}`, `${g} * (${b} - ${a})`];
}

/** smoothstep(e0, e1, x) = s(t), t = clamp((x − e0) / (e1 − e0), 0, 1), s(t) = t²(3 − 2t). */
export const smoothstepRule: Rule = ({ args: [e0, e1, x], g, zero }) => {
  const w = `(${e1} - ${e0})`;
  const t = `clamp((${x} - ${e0}) / ${w}, ${zero}, ${zero} + 1.0)`;
  const ds = `select(${zero}, 6.0 * ${t} * (1.0 - ${t}), (${t} > ${zero}) & (${t} < ${zero} + 1.0))`;
  return [
    `${g} * ${ds} * (${x} - ${e1}) / (${w} * ${w})`,
    `-${g} * ${ds} * (${x} - ${e0}) / (${w} * ${w})`,
    `${g} * ${ds} / ${w}`,
  ];
};
