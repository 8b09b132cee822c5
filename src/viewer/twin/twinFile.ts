import { closest } from '../../runtime/manifest/didYouMean.ts';
import {
  formatIssue,
  type ManifestIssue,
  type PathSegment,
  type UnplacedIssue,
} from '../../runtime/manifest/manifestError.ts';
import { checkSchema } from '../../runtime/manifest/schemaCheck.ts';
import { parseYamlSource } from '../../runtime/manifest/yamlSource.ts';
import { buildFootbridge } from '../../twin/footbridge.ts';
import schema from './twin-file.schema.json' with { type: 'json' };
import {
  ENTITY_KEYS,
  type Axis,
  type EntityDocument,
  type SensorKind,
  type TwinFileDocument,
  type Vec3,
} from './twinFileTypes.ts';

export type { Axis, SensorKind, Vec3 } from './twinFileTypes.ts';

/** The twin file's JSON Schema (draft 2020-12). */
export const twinFileSchema = schema;

/**
 * What `parseTwinFile` throws: every problem found, each with its YAML path, line and column and
 * what to change, e.g. `scene[3].rails[1][4] (line 40, col 9): node 71 does not exist — …`.
 */
export class TwinFileError extends Error {
  override readonly name = 'TwinFileError';
  constructor(
    readonly file: string,
    readonly issues: readonly ManifestIssue[],
  ) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super(
      `twin file ${file}: ${count}:\n${issues.map((issue) => `  ${formatIssue(issue)}`).join('\n')}`,
    );
  }
}

/** Structures Twinbench builds itself, referenced as `structure: { builtin: NAME }`. */
const BUILTIN_STRUCTURES: Readonly<Record<string, () => StructureData>> = {
  footbridge: () => {
    const def = buildFootbridge();
    return {
      nodes: def.nodes.map((n) => n.position),
      members: def.members.map((m) => ({ a: m.a, b: m.b, role: m.role, label: m.label })),
      nodeDetails: def.nodes.map((n) => ({ mass: n.mass, fixed: n.fixed })),
    };
  },
};

interface StructureData {
  readonly nodes: readonly Vec3[];
  readonly members: readonly TwinMember[];
  /** What a built-in structure knows of its nodes beyond their place. */
  readonly nodeDetails?: readonly NodeDetails[];
}

export interface NodeDetails {
  /** Lumped mass, kg. */
  readonly mass: number;
  /** A support: the node does not move. */
  readonly fixed: boolean;
}

export interface TwinMember {
  readonly a: number;
  readonly b: number;
  readonly role: string;
  readonly label: string;
}

export interface TwinSensor {
  readonly channel: string;
  readonly kind: SensorKind;
  /** The node it sits at, or -1 when it sits on a member. */
  readonly node: number;
  /** The member it sits on, or -1 when it sits at a node. */
  readonly member: number;
  readonly unit: string;
  readonly description: string;
}

/** How measured displacement channels move the nodes. */
export type DisplacementBinding =
  | {
      readonly mode: 'spline';
      /** Metres per channel unit. */
      readonly scale: number;
      readonly exaggeration: number;
      readonly along: Axis;
      readonly supports: readonly number[];
      readonly fields: readonly {
        readonly axis: Axis;
        /** The nodes this field moves (all when the file names no coordinates). */
        readonly nodes: Int32Array;
        /** [position along `along`, channel], sorted by position. */
        readonly points: readonly (readonly [number, string])[];
      }[];
    }
  | {
      readonly mode: 'perNode';
      readonly scale: number;
      readonly exaggeration: number;
      /** Per axis, each node's channel (null: that component does not move). */
      readonly channels: Readonly<Record<Axis, readonly string[] | null>>;
    };

/** A twin file checked and resolved: arrays the scene draws from, entity defaults applied. */
export interface Twin {
  readonly name: string;
  readonly title: string;
  readonly model: string | null;
  readonly camera: {
    readonly position: Vec3;
    readonly target: Vec3;
    readonly up: Vec3;
    readonly fov: number;
  };
  readonly background: string;
  /** Rest positions, 3 floats a node. */
  readonly nodes: Float32Array;
  readonly nodeCount: number;
  /** Mass and support per node, where the structure is built in; null when written out. */
  readonly nodeDetails: readonly NodeDetails[] | null;
  readonly members: readonly TwinMember[];
  readonly displacement: DisplacementBinding | null;
  readonly sensors: readonly TwinSensor[];
  readonly sensorsOfMember: ReadonlyMap<number, readonly TwinSensor[]>;
  readonly sensorsOfNode: ReadonlyMap<number, readonly TwinSensor[]>;
  readonly scene: readonly EntityDocument[];
  /** How many things the scene draws: primitives, and one per instance of each instanced set. */
  readonly entityCount: number;
}

const AXES: readonly Axis[] = ['x', 'y', 'z'];
const AXIS_INDEX: Readonly<Record<Axis, number>> = { x: 0, y: 1, z: 2 };
const UNIT_SCALE = { m: 1, mm: 1e-3, um: 1e-6 } as const;
/** How close a node's coordinate must be to a field's `nodes` filter, metres. */
const COORDINATE_TOLERANCE = 1e-6;
const SINGLETON_KINDS = ['nodes', 'members', 'sensors', 'ghost'] as const;

/**
 * Reads a twin file (YAML). Throws a TwinFileError listing every problem, each with its line,
 * column and fix: YAML syntax first, then the JSON Schema, then references (nodes, members,
 * channels) and which keys apply to which entity kind.
 */
export function parseTwinFile(text: string, file = 'twin.yaml'): Twin {
  const source = parseYamlSource(text);
  if (source.syntaxIssues.length > 0) throw new TwinFileError(file, source.syntaxIssues);
  const schemaIssues = checkSchema(source.data, {
    schema,
    noun: 'twin file',
    start: 'start with `version: 1` and `twin: NAME` (docs/twin-files.md)',
  });
  if (schemaIssues.length > 0) throw new TwinFileError(file, placed(source, schemaIssues));
  const doc = source.data as TwinFileDocument;
  const issues: UnplacedIssue[] = [];
  const twin = resolve(doc, issues);
  if (issues.length > 0 || twin === null) throw new TwinFileError(file, placed(source, issues));
  return twin;
}

function placed(
  source: ReturnType<typeof parseYamlSource>,
  issues: readonly UnplacedIssue[],
): ManifestIssue[] {
  return issues
    .map((issue) => source.place(issue))
    .sort((a, b) => a.line - b.line || a.column - b.column);
}

function resolve(doc: TwinFileDocument, issues: UnplacedIssue[]): Twin | null {
  const problem = (path: readonly PathSegment[], message: string, code = 'out_of_bounds') =>
    issues.push({ code: code as UnplacedIssue['code'], path, message });
  const structure = resolveStructure(doc, problem);
  if (structure === null) return null;
  const nodeCount = structure.nodes.length;
  const checkNode = (path: readonly PathSegment[], node: number) => {
    if (node >= nodeCount)
      problem(
        path,
        `node ${node} does not exist — the structure has ${nodeCount} nodes, numbered 0–${nodeCount - 1}`,
      );
  };

  const labels = new Map(structure.members.map((m, i) => [m.label, i]));
  const sensors: TwinSensor[] = [];
  const channels = new Set<string>();
  (doc.sensors ?? []).forEach((s, i) => {
    const path = ['sensors', i];
    if (channels.has(s.channel))
      problem([...path, 'channel'], `channel ${s.channel} is listed twice — keep one`, 'conflict');
    channels.add(s.channel);
    if ((s.node === undefined) === (s.member === undefined)) {
      problem(path, 'a sensor sits at a `node` or on a `member` — give exactly one', 'missing_key');
      return;
    }
    let member = -1;
    if (typeof s.member === 'string') {
      member = labels.get(s.member) ?? -1;
      if (member < 0) {
        const near = closest(s.member, labels.keys());
        problem(
          [...path, 'member'],
          `no member is labelled "${s.member}"${near ? ` — did you mean "${near}"?` : ' — give its label or index'}`,
          'unresolved_reference',
        );
      }
    } else if (typeof s.member === 'number') {
      member = s.member;
      if (member >= structure.members.length) {
        problem(
          [...path, 'member'],
          `member ${member} does not exist — the structure has ${structure.members.length} members, numbered 0–${structure.members.length - 1}`,
        );
        member = -1;
      }
    }
    if (s.node !== undefined) checkNode([...path, 'node'], s.node);
    sensors.push({
      channel: s.channel,
      kind: s.kind,
      node: s.node ?? -1,
      member,
      unit: s.unit ?? '',
      description: s.description ?? '',
    });
  });

  const displacement = resolveDisplacement(doc, structure.nodes, problem);
  let entityCount = 0;
  const seen = new Map<string, number>();
  doc.scene.forEach((entity, i) => {
    const path = ['scene', i];
    const allowed = new Set<string>(['kind', 'id', ...ENTITY_KEYS[entity.kind]]);
    for (const key of Object.keys(entity)) {
      if (!allowed.has(key))
        issues.push({
          code: 'unknown_key',
          path: [...path, key],
          at: 'key',
          message: `\`${key}\` does not apply to kind \`${entity.kind}\` — remove it; keys allowed here: ${[...allowed].map((k) => `\`${k}\``).join(', ')}`,
        });
    }
    if ((SINGLETON_KINDS as readonly string[]).includes(entity.kind)) {
      const first = seen.get(entity.kind);
      if (first !== undefined)
        problem(
          [...path, 'kind'],
          `the scene already has a \`${entity.kind}\` entity (scene[${first}]) — merge the two`,
          'conflict',
        );
      else seen.set(entity.kind, i);
    }
    if (entity.kind === 'box' && entity.size !== undefined && entity.size.length !== 3)
      problem([...path, 'size'], 'a box has a size [x, y, z] — give three numbers', 'wrong_size');
    if (entity.kind === 'plane' && entity.size !== undefined && entity.size.length !== 2)
      problem([...path, 'size'], 'a plane has a size [x, y] — give two numbers', 'wrong_size');
    if (entity.kind === 'surface') {
      if (entity.rails === undefined)
        problem(path, 'a surface needs `rails`: two rows of node indices', 'missing_key');
      else {
        const [left, right] = entity.rails;
        if (left!.length !== right!.length)
          problem(
            [...path, 'rails'],
            `the rails have ${left!.length} and ${right!.length} nodes — give both the same count`,
            'length_mismatch',
          );
        entity.rails.forEach((rail, r) =>
          rail.forEach((node, k) => checkNode([...path, 'rails', r, k], node)),
        );
        entityCount += 1;
      }
    } else if (entity.kind === 'arrows') {
      if (entity.forces === undefined)
        problem(path, 'arrows need `forces`: a list of {node, channel}', 'missing_key');
      else {
        entity.forces.forEach((f, k) => checkNode([...path, 'forces', k, 'node'], f.node));
        entityCount += entity.forces.length;
      }
    } else if (entity.kind === 'nodes') entityCount += nodeCount;
    else if (entity.kind === 'members' || entity.kind === 'ghost')
      entityCount += structure.members.length;
    else if (entity.kind === 'sensors') entityCount += sensors.length;
    else entityCount += 1;
    if (entity.kind === 'members' && entity.colorBy !== undefined) {
      const kind = entity.colorBy.sensor;
      // Counted from the file, so a misspelt member label is reported once, not here too.
      if (!(doc.sensors ?? []).some((s) => s.kind === kind && s.member !== undefined))
        problem(
          [...path, 'colorBy', 'sensor'],
          `no ${kind} sensor sits on a member — list one under \`sensors\` with \`member:\`, or colour by another kind`,
          'unresolved_reference',
        );
    }
  });
  if (issues.length > 0) return null;

  const nodes = new Float32Array(nodeCount * 3);
  structure.nodes.forEach((p, i) => nodes.set(p, i * 3));
  const sensorsOfMember = new Map<number, TwinSensor[]>();
  const sensorsOfNode = new Map<number, TwinSensor[]>();
  for (const s of sensors) {
    const [map, key] = s.member >= 0 ? [sensorsOfMember, s.member] : [sensorsOfNode, s.node];
    const list = map.get(key) ?? [];
    list.push(s);
    map.set(key, list);
  }
  const camera = doc.camera ?? defaultCamera(nodes);
  return {
    name: doc.twin,
    title: doc.title ?? doc.twin,
    model: doc.model ?? null,
    camera: { up: [0, 0, 1], fov: 40, ...camera },
    background: doc.background ?? '#0b1220',
    nodes,
    nodeCount,
    nodeDetails: structure.nodeDetails ?? null,
    members: structure.members,
    displacement,
    sensors,
    sensorsOfMember,
    sensorsOfNode,
    scene: doc.scene,
    entityCount,
  };
}

type Problem = (path: readonly PathSegment[], message: string, code?: string) => void;

function resolveStructure(doc: TwinFileDocument, problem: Problem): StructureData | null {
  const s = doc.structure;
  if (s.builtin !== undefined) {
    if (s.nodes !== undefined || s.members !== undefined) {
      problem(
        ['structure'],
        'give a `builtin` structure or `nodes` and `members`, not both',
        'conflict',
      );
      return null;
    }
    const build = BUILTIN_STRUCTURES[s.builtin];
    if (build === undefined) {
      const names = Object.keys(BUILTIN_STRUCTURES);
      const near = closest(s.builtin, names);
      problem(
        ['structure', 'builtin'],
        `no built-in structure "${s.builtin}" — ${near ? `did you mean "${near}"?` : `use one of ${names.join(', ')}, or write out nodes and members`}`,
        'unresolved_reference',
      );
      return null;
    }
    return build();
  }
  if (s.nodes === undefined) {
    problem(['structure'], 'give `builtin: NAME`, or `nodes` (and `members`)', 'missing_key');
    return null;
  }
  const count = s.nodes.length;
  let bad = false;
  const members = (s.members ?? []).map((m, j): TwinMember => {
    const pair = 'a' in m ? null : m;
    const full = 'a' in m ? m : null;
    const [a, b, role, label] = pair
      ? [pair[0], pair[1], 'member', `member ${j}`]
      : [full!.a, full!.b, full!.role ?? 'member', full!.label ?? `member ${j}`];
    for (const [end, node] of [
      ['a', a],
      ['b', b],
    ] as const) {
      if (node >= count) {
        bad = true;
        problem(
          ['structure', 'members', j, ...(pair ? [end === 'a' ? 0 : 1] : [end])],
          `node ${node} does not exist — there are ${count} nodes, numbered 0–${count - 1}`,
        );
      }
    }
    if (a === b) {
      bad = true;
      problem(['structure', 'members', j], `a member joins two nodes; both ends are ${a}`);
    }
    return { a, b, role, label };
  });
  return bad ? null : { nodes: s.nodes, members };
}

function resolveDisplacement(
  doc: TwinFileDocument,
  nodes: readonly Vec3[],
  problem: Problem,
): DisplacementBinding | null {
  const d = doc.displacement;
  if (d === undefined) return null;
  const scale = UNIT_SCALE[d.unit];
  const exaggeration = d.exaggeration ?? 1;
  if ((d.spline === undefined) === (d.perNode === undefined)) {
    problem(
      ['displacement'],
      'give `spline` (a few sensors, interpolated) or `perNode` (a channel per node), exactly one',
      'missing_key',
    );
    return null;
  }
  if (d.perNode !== undefined) {
    const channels = { x: null, y: null, z: null } as Record<Axis, string[] | null>;
    for (const axis of AXES) {
      const template = d.perNode[axis];
      if (template === undefined) continue;
      if (!template.includes('{node}')) {
        problem(
          ['displacement', 'perNode', axis],
          `"${template}" names one channel for every node — put {node} where the node index goes, e.g. disp.${axis}.{node}`,
          'bad_name',
        );
        continue;
      }
      channels[axis] = nodes.map((_, i) => template.replaceAll('{node}', String(i)));
    }
    return { mode: 'perNode', scale, exaggeration, channels };
  }
  const spline = d.spline!;
  const along = AXIS_INDEX[spline.along];
  const fields = spline.fields.map((field) => {
    const filter = Object.entries(field.nodes ?? {}) as [Axis, number][];
    const members: number[] = [];
    nodes.forEach((p, i) => {
      if (filter.every(([axis, v]) => Math.abs(p[AXIS_INDEX[axis]]! - v) <= COORDINATE_TOLERANCE))
        members.push(i);
    });
    return {
      axis: field.axis,
      nodes: Int32Array.from(members),
      points: [...field.points].sort((a, b) => a[0] - b[0]),
    };
  });
  fields.forEach((field, k) => {
    if (field.nodes.length === 0)
      problem(
        ['displacement', 'spline', 'fields', k, 'nodes'],
        'no node sits at these coordinates — check the values against the structure',
        'empty_window',
      );
  });
  const positions = nodes.map((p) => p[along]!);
  const lo = Math.min(...positions);
  const hi = Math.max(...positions);
  return {
    mode: 'spline',
    scale,
    exaggeration,
    along: spline.along,
    supports: spline.supports ?? [lo, hi],
    fields,
  };
}

function defaultCamera(nodes: Float32Array): { position: Vec3; target: Vec3 } {
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < nodes.length; i++) {
    lo[i % 3] = Math.min(lo[i % 3]!, nodes[i]!);
    hi[i % 3] = Math.max(hi[i % 3]!, nodes[i]!);
  }
  const c = lo.map((l, k) => (l + hi[k]!) / 2) as unknown as Vec3;
  const size = Math.max(...hi.map((h, k) => h - lo[k]!), 1);
  return { target: c, position: [c[0] + size * 0.3, c[1] - size * 1.2, c[2] + size * 0.45] };
}

/** Every channel the twin reads: sensors, displacement, highlights, arrows. */
export function twinChannels(twin: Twin): string[] {
  const out = new Set<string>(twin.sensors.map((s) => s.channel));
  const d = twin.displacement;
  if (d?.mode === 'spline') for (const f of d.fields) for (const [, ch] of f.points) out.add(ch);
  if (d?.mode === 'perNode')
    for (const axis of AXES) for (const ch of d.channels[axis] ?? []) out.add(ch);
  for (const e of twin.scene) {
    if (e.highlight) out.add(e.highlight.channel);
    for (const f of e.forces ?? []) out.add(f.channel);
  }
  return [...out];
}
