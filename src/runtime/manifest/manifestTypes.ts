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
