/**
 * The manifest as written in YAML, once it has passed the JSON Schema: ModelSpec's fields with
 * the manifest's conveniences (kernel files, data files, defaults, short forms) not yet resolved.
 */
export interface ManifestDocument {
  readonly version: 1;
  readonly name: string;
  readonly description?: string;
  readonly dt: number;
  readonly steps: number;
  readonly kernels: readonly ManifestKernel[];
  readonly buffers: readonly ManifestBuffer[];
  readonly parameters?: readonly ManifestParameter[];
  readonly inputs?: readonly ManifestInput[];
  readonly schedule: readonly ManifestDispatch[];
  readonly observables?: readonly ManifestObservable[];
  readonly loss?: ManifestLoss;
  readonly tests?: readonly ManifestTestCase[];
}

export interface ManifestKernel {
  readonly name: string;
  readonly file: string;
}

export interface ManifestBuffer {
  readonly name: string;
  readonly role: 'state' | 'parameter' | 'input' | 'constant' | 'scratch';
  readonly type?: 'f32' | 'u32';
  readonly length: number;
  readonly initial?: readonly number[] | { readonly fill: number } | { readonly file: string };
}

export interface ManifestParameter {
  readonly name: string;
  readonly buffer: string;
  readonly offset?: number;
  readonly count?: number;
  readonly lower: number;
  readonly upper: number;
  readonly initial?: number;
  readonly unit?: string;
}

export interface ManifestInput {
  readonly buffer: string;
  readonly column: number;
  readonly channel: string;
  readonly interpolation?: 'linear' | 'hold';
}

export interface ManifestDispatch {
  readonly kernel: string;
  readonly entry: string;
  readonly workgroups: number | readonly number[];
  readonly bindings: Readonly<Record<string, string | ManifestBinding>>;
  readonly clock?: string;
}

export interface ManifestBinding {
  readonly buffer: string;
  readonly phase?: 'current' | 'next';
}

export interface ManifestObservable {
  readonly name: string;
  readonly buffer: string;
  readonly index: number;
  readonly channel?: string;
  readonly scale?: number;
}

export interface ManifestLoss {
  readonly kind?: 'weighted_squared_error';
  readonly every?: number;
  readonly window?: { readonly start: number; readonly end: number };
  readonly weights?: Readonly<Record<string, number>>;
  readonly regularisation?: readonly ManifestRegularisation[];
}

export interface ManifestRegularisation {
  readonly kind: 'l2' | 'smoothness';
  readonly parameter: string;
  readonly weight: number;
  readonly towards?: number;
  readonly shape?: readonly number[];
}

/** A test case as written (see `ModelTestCase` in testCases.ts for the resolved form). */
export interface ManifestTestCase {
  readonly name: string;
  readonly description?: string;
  readonly steps?: number;
  readonly every?: number;
  readonly parameters?: Readonly<Record<string, number | readonly number[]>>;
  /** Channel → a constant or `[time, value]` samples. */
  readonly inputs?: Readonly<Record<string, number | readonly (readonly number[])[]>>;
  readonly initialState?: Readonly<Record<string, readonly number[] | { readonly fill: number }>>;
  readonly expect?: readonly ManifestExpectation[];
  readonly invariants?: readonly ManifestInvariant[];
  readonly gradients?: readonly ManifestGradientCheck[];
}

export interface ManifestExpectation {
  readonly value: string;
  readonly step?: number;
  readonly equals: number;
  readonly tolerance?: number;
  readonly relative?: number;
}

export interface ManifestInvariant {
  readonly value: string;
  readonly min?: number;
  readonly max?: number;
  readonly from?: number;
}

export interface ManifestGradientCheck {
  readonly parameter: string;
  readonly elements?: readonly number[];
  readonly relative: number;
  readonly delta?: number;
  readonly target?: Readonly<Record<string, number>>;
}
