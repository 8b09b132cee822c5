/**
 * The twin file (YAML, docs/twin-files.md) as written: a model's structure drawn as a 3D scene,
 * its entities bound to telemetry channels and simulation outputs. `twin-file.schema.json` is
 * its JSON Schema; these types mirror it.
 */

export type Vec3 = readonly [number, number, number];
export type Axis = 'x' | 'y' | 'z';
export type SensorKind = 'displacement' | 'acceleration' | 'strain' | 'force' | 'other';

export interface TwinFileDocument {
  readonly version: 1;
  readonly twin: string;
  readonly title?: string;
  readonly model?: string;
  readonly camera?: {
    readonly position: Vec3;
    readonly target: Vec3;
    readonly up?: Vec3;
    readonly fov?: number;
  };
  readonly background?: string;
  readonly structure: {
    readonly builtin?: string;
    readonly nodes?: readonly Vec3[];
    readonly members?: readonly (
      | readonly [number, number]
      | { readonly a: number; readonly b: number; readonly role?: string; readonly label?: string }
    )[];
  };
  readonly displacement?: {
    readonly unit: 'm' | 'mm' | 'um';
    readonly exaggeration?: number;
    readonly spline?: {
      readonly along: Axis;
      readonly supports?: readonly number[];
      readonly fields: readonly {
        readonly axis: Axis;
        readonly nodes?: Partial<Record<Axis, number>>;
        readonly points: readonly (readonly [number, string])[];
      }[];
    };
    readonly perNode?: Partial<Record<Axis, string>>;
  };
  readonly sensors?: readonly {
    readonly channel: string;
    readonly kind: SensorKind;
    readonly node?: number;
    readonly member?: number | string;
    readonly unit?: string;
    readonly description?: string;
  }[];
  readonly scene: readonly EntityDocument[];
}

export type EntityKind =
  | 'box'
  | 'plane'
  | 'sphere'
  | 'cylinder'
  | 'nodes'
  | 'members'
  | 'surface'
  | 'sensors'
  | 'arrows'
  | 'ghost';

export interface EntityDocument {
  readonly kind: EntityKind;
  readonly id?: string;
  readonly position?: Vec3;
  readonly rotation?: Vec3;
  readonly size?: readonly number[];
  readonly radius?: number;
  readonly radiusByRole?: Readonly<Record<string, number>>;
  readonly length?: number;
  readonly color?: string;
  readonly opacity?: number;
  readonly roughness?: number;
  readonly metalness?: number;
  readonly shape?: 'sphere' | 'box' | 'octahedron';
  readonly colorBy?: {
    readonly sensor: SensorKind;
    readonly map?: 'diverging' | 'sequential';
    readonly limit: number;
    readonly label?: string;
  };
  readonly highlight?: { readonly channel: string; readonly color?: string };
  readonly alertColor?: string;
  readonly rails?: readonly (readonly number[])[];
  readonly inset?: number;
  readonly lift?: number;
  readonly forces?: readonly { readonly node: number; readonly channel: string }[];
  readonly direction?: Vec3;
  readonly scale?: number;
}

/** The keys each entity kind reads, beside `kind` and `id`; any other key is an error. */
export const ENTITY_KEYS: Readonly<Record<EntityKind, readonly (keyof EntityDocument)[]>> = {
  box: ['position', 'rotation', 'size', 'color', 'opacity', 'roughness', 'metalness'],
  plane: ['position', 'rotation', 'size', 'color', 'opacity', 'roughness', 'metalness'],
  sphere: ['position', 'radius', 'color', 'opacity', 'roughness', 'metalness'],
  cylinder: [
    'position',
    'rotation',
    'radius',
    'length',
    'color',
    'opacity',
    'roughness',
    'metalness',
  ],
  nodes: ['shape', 'radius', 'color', 'roughness', 'metalness'],
  members: [
    'radius',
    'radiusByRole',
    'color',
    'colorBy',
    'highlight',
    'roughness',
    'metalness',
    'opacity',
  ],
  surface: ['rails', 'inset', 'lift', 'color', 'opacity', 'roughness', 'metalness'],
  sensors: ['shape', 'radius', 'color', 'alertColor', 'roughness', 'metalness'],
  arrows: ['forces', 'direction', 'scale', 'radius', 'color'],
  ghost: ['radius', 'color', 'opacity'],
};
