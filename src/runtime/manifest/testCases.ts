import type { ManifestDocument, ManifestTestCase } from './manifestTypes.ts';

/**
 * A model's test case with the manifest's defaults filled in: plain data, so it crosses to the
 * sandbox worker by structured clone next to the ModelSpec. The sandbox (`src/sandbox/`) runs it;
 * docs/models.md describes each field.
 */
export interface ModelTestCase {
  readonly name: string;
  readonly description?: string;
  readonly steps: number;
  /** The state is sampled after every `every` steps and after the last. */
  readonly every: number;
  /** Parameter name → one value for every element, or one per element. */
  readonly parameters: Readonly<Record<string, number | readonly number[]>>;
  /** Input channel → a constant, or `[time, value]` samples with increasing times. */
  readonly inputs: Readonly<Record<string, number | readonly (readonly number[])[]>>;
  /** State buffer → state 0. */
  readonly initialState: Readonly<Record<string, readonly number[] | { readonly fill: number }>>;
  readonly expect: readonly TestExpectation[];
  readonly invariants: readonly TestInvariant[];
  readonly gradients: readonly GradientCheck[];
}

/** |value − equals| ≤ tolerance + relative · |equals| after `step` steps. */
export interface TestExpectation {
  /** An expression (testExpression.ts). */
  readonly value: string;
  readonly step: number;
  readonly equals: number;
  readonly tolerance: number;
  readonly relative: number;
}

/** min ≤ value ≤ max at every sample after `from` steps or more. */
export interface TestInvariant {
  readonly value: string;
  readonly min?: number;
  readonly max?: number;
  readonly from: number;
}

/**
 * dLoss/d(parameter) by the adjoints against central differences, on `elements` of the
 * parameter: max |adjoint − fd| ≤ relative · max |fd|. The loss is the fit's, against `target`
 * (observable → value; 0 for the others with a channel).
 */
export interface GradientCheck {
  readonly parameter: string;
  readonly elements: readonly number[];
  readonly relative: number;
  /** Finite-difference step; default 1e-3 · (upper − lower). */
  readonly delta?: number;
  readonly target: Readonly<Record<string, number>>;
}

/** The test cases of a checked manifest, defaults filled in. */
export function toTestCases(m: ManifestDocument): ModelTestCase[] {
  return (m.tests ?? []).map((t) => toTestCase(m, t));
}

function toTestCase(m: ManifestDocument, t: ManifestTestCase): ModelTestCase {
  const steps = t.steps ?? m.steps;
  return {
    name: t.name,
    ...(t.description !== undefined && { description: t.description }),
    steps,
    every: t.every ?? m.loss?.every ?? 1,
    parameters: { ...t.parameters },
    inputs: { ...t.inputs },
    initialState: { ...t.initialState },
    expect: (t.expect ?? []).map((e) => ({
      value: e.value,
      step: e.step ?? steps,
      equals: e.equals,
      tolerance: e.tolerance ?? 0,
      relative: e.relative ?? 0,
    })),
    invariants: (t.invariants ?? []).map((i) => ({
      value: i.value,
      ...(i.min !== undefined && { min: i.min }),
      ...(i.max !== undefined && { max: i.max }),
      from: i.from ?? 0,
    })),
    gradients: (t.gradients ?? []).map((g) => {
      const count = m.parameters?.find((p) => p.name === g.parameter)?.count ?? 1;
      return {
        parameter: g.parameter,
        elements: g.elements ? [...g.elements] : Array.from({ length: count }, (_, i) => i),
        relative: g.relative,
        ...(g.delta !== undefined && { delta: g.delta }),
        target: { ...g.target },
      };
    }),
  };
}
