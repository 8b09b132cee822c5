import type { Bounds } from '../sim/optimize/types.ts';
import { ModelError } from './modelError.ts';
import type { ModelPlan } from './modelPlan.ts';
import { initialContents, type Contents, type Precision } from './bufferContents.ts';

/** The fit's starting point: each slice's `initial`, or the buffer's initial contents there. */
export function initialParameters(plan: ModelPlan): Float64Array {
  const x = new Float64Array(plan.parameterCount);
  for (const { spec: p, offset } of plan.parameters) {
    const contents = initialContents(plan.buffers.get(p.buffer)!);
    for (let i = 0; i < p.count; i++) x[offset + i] = p.initial ?? contents[p.offset + i]!;
  }
  return x;
}

/** The vector as the parameter buffers' initial contents hold it (what a run uses by default). */
export function declaredParameters(plan: ModelPlan): Float64Array {
  const x = new Float64Array(plan.parameterCount);
  for (const { spec: p, offset } of plan.parameters) {
    const contents = initialContents(plan.buffers.get(p.buffer)!);
    for (let i = 0; i < p.count; i++) x[offset + i] = contents[p.offset + i]!;
  }
  return x;
}

/** Per-element bounds of the parameter vector, for `lbfgs` and `adam`. */
export function parameterBounds(plan: ModelPlan): Bounds {
  const lower = new Float64Array(plan.parameterCount);
  const upper = new Float64Array(plan.parameterCount);
  for (const { spec: p, offset } of plan.parameters) {
    lower.fill(p.lower, offset, offset + p.count);
    upper.fill(p.upper, offset, offset + p.count);
  }
  return { lower, upper };
}

/** Names of the vector's elements: `conductivity[3]` for fields, the name for scalars. */
export function parameterNames(plan: ModelPlan): string[] {
  return plan.parameters.flatMap(({ spec: p }) =>
    p.count === 1 ? [p.name] : Array.from({ length: p.count }, (_, i) => `${p.name}[${i}]`),
  );
}

/** Contents of every parameter buffer with the vector `x` written into its slices. */
export function parameterContents(
  plan: ModelPlan,
  x: Float64Array | undefined,
  precision: Precision = 'f32',
): Map<string, Contents> {
  const out = new Map<string, Contents>();
  for (const b of plan.spec.buffers)
    if (b.role === 'parameter') out.set(b.name, initialContents(b, precision));
  if (!x) return out;
  if (x.length !== plan.parameterCount || x.some((v) => !Number.isFinite(v)))
    throw new ModelError(
      'bad_argument',
      `model "${plan.spec.name}": the parameter vector has ${x.length} entries${x.some((v) => !Number.isFinite(v)) ? ' (some not finite)' : ''}; the model has ${plan.parameterCount} (${plan.parameters.map((p) => `${p.spec.name}×${p.spec.count}`).join(', ')}). Give one finite value per element, in ParameterSpec order`,
    );
  for (const { spec: p, offset } of plan.parameters) {
    const contents = out.get(p.buffer)!;
    for (let i = 0; i < p.count; i++) contents[p.offset + i] = x[offset + i]!;
  }
  return out;
}

/** The parameter vector's gradient from the gradients of whole parameter buffers. */
export function gatherParameterGradient(
  plan: ModelPlan,
  buffers: ReadonlyMap<string, Float64Array>,
): Float64Array {
  const g = new Float64Array(plan.parameterCount);
  for (const { spec: p, offset } of plan.parameters) {
    const source = buffers.get(p.buffer);
    if (source) for (let i = 0; i < p.count; i++) g[offset + i] = source[p.offset + i]!;
  }
  return g;
}
