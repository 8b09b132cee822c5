import type { MemberRole, TrussDefinition, TrussMember, TrussNode } from './trussModel.ts';

/**
 * The default twin: a 40 m steel through-truss footbridge (Pratt trusses, 16 panels of 2.5 m,
 * 3 m wide, 3.2 m deep), pinned at both ends. Masses lump the deck (≈ 950 kg/m) onto the bottom
 * chords. Its first vertical mode sits near 2.3 Hz, inside the band pedestrians walk at.
 */
export const FOOTBRIDGE = {
  panels: 16,
  panelLength: 2.5,
  width: 3,
  depth: 3.2,
  youngsModulus: 210e9,
  chordArea: 0.0035,
  webArea: 0.003,
  bracingArea: 0.0012,
  bottomNodeMass: 1200,
  topNodeMass: 300,
  massDamping: 0.2,
  stiffnessDamping: 2e-5,
} as const;

export const FOOTBRIDGE_SPAN = FOOTBRIDGE.panels * FOOTBRIDGE.panelLength;

export type Side = 'L' | 'R';
const SIDES: readonly Side[] = ['L', 'R'];
const NODES_PER_SIDE = 2 * FOOTBRIDGE.panels;

/** Node index of bottom-chord joint `i` (0…panels) on a side. */
export function bottomNode(side: Side, i: number): number {
  return (side === 'L' ? 0 : NODES_PER_SIDE) + i;
}

/** Node index of top-chord joint `i` (1…panels−1) on a side. */
export function topNode(side: Side, i: number): number {
  return (side === 'L' ? 0 : NODES_PER_SIDE) + FOOTBRIDGE.panels + i;
}

export function buildFootbridge(): TrussDefinition {
  const { panels, panelLength, width, depth } = FOOTBRIDGE;
  const nodes: TrussNode[] = [];
  for (const side of SIDES) {
    const y = side === 'L' ? 0 : width;
    for (let i = 0; i <= panels; i++) {
      nodes.push({
        position: [i * panelLength, y, 0],
        mass: FOOTBRIDGE.bottomNodeMass * (i === 0 || i === panels ? 0.5 : 1),
        fixed: i === 0 || i === panels,
      });
    }
    for (let i = 1; i < panels; i++) {
      nodes.push({
        position: [i * panelLength, y, depth],
        mass: FOOTBRIDGE.topNodeMass,
        fixed: false,
      });
    }
  }

  const members: TrussMember[] = [];
  const E = FOOTBRIDGE.youngsModulus;
  const add = (a: number, b: number, role: MemberRole, area: number, label: string) => {
    members.push({ a, b, role, axialRigidity: E * area, label });
  };
  const half = panels / 2;
  for (const side of SIDES) {
    for (let i = 0; i < panels; i++) {
      add(
        bottomNode(side, i),
        bottomNode(side, i + 1),
        'bottomChord',
        FOOTBRIDGE.chordArea,
        `bottom chord ${side}${i}-${i + 1}`,
      );
    }
    for (let i = 1; i < panels - 1; i++) {
      add(
        topNode(side, i),
        topNode(side, i + 1),
        'topChord',
        FOOTBRIDGE.chordArea,
        `top chord ${side}${i}-${i + 1}`,
      );
    }
    add(
      bottomNode(side, 0),
      topNode(side, 1),
      'endPost',
      FOOTBRIDGE.chordArea,
      `end post ${side}0`,
    );
    add(
      bottomNode(side, panels),
      topNode(side, panels - 1),
      'endPost',
      FOOTBRIDGE.chordArea,
      `end post ${side}${panels}`,
    );
    for (let i = 1; i < panels; i++) {
      add(
        bottomNode(side, i),
        topNode(side, i),
        'vertical',
        FOOTBRIDGE.webArea,
        `vertical ${side}${i}`,
      );
    }
    // Pratt diagonals slope down towards midspan so they carry tension under vertical load.
    for (let i = 1; i < panels - 1; i++) {
      if (i < half)
        add(
          topNode(side, i),
          bottomNode(side, i + 1),
          'diagonal',
          FOOTBRIDGE.webArea,
          `diagonal ${side}${i}-${i + 1}`,
        );
      else
        add(
          bottomNode(side, i),
          topNode(side, i + 1),
          'diagonal',
          FOOTBRIDGE.webArea,
          `diagonal ${side}${i}-${i + 1}`,
        );
    }
  }
  for (let i = 0; i <= panels; i++) {
    add(bottomNode('L', i), bottomNode('R', i), 'floorBeam', FOOTBRIDGE.webArea, `floor beam ${i}`);
  }
  for (let i = 0; i < panels; i++) {
    const [a, b] =
      i % 2 === 0
        ? [bottomNode('L', i), bottomNode('R', i + 1)]
        : [bottomNode('R', i), bottomNode('L', i + 1)];
    add(a, b, 'deckBracing', FOOTBRIDGE.bracingArea, `deck bracing ${i}-${i + 1}`);
  }
  for (let i = 1; i < panels; i++) {
    add(topNode('L', i), topNode('R', i), 'topStrut', FOOTBRIDGE.bracingArea, `top strut ${i}`);
    // Sway bracing keeps each cross-frame from racking sideways.
    add(
      bottomNode('L', i),
      topNode('R', i),
      'swayBracing',
      FOOTBRIDGE.bracingArea,
      `sway bracing ${i}`,
    );
  }
  for (let i = 1; i < panels - 1; i++) {
    const [a, b] =
      i % 2 === 0 ? [topNode('L', i), topNode('R', i + 1)] : [topNode('R', i), topNode('L', i + 1)];
    add(a, b, 'topBracing', FOOTBRIDGE.bracingArea, `top bracing ${i}-${i + 1}`);
  }
  return {
    nodes,
    members,
    massDamping: FOOTBRIDGE.massDamping,
    stiffnessDamping: FOOTBRIDGE.stiffnessDamping,
  };
}

export type SensorKind = 'displacement' | 'acceleration' | 'strain';
export type Axis = 'x' | 'y' | 'z';

export interface NodeSensor {
  readonly id: string;
  readonly kind: 'displacement' | 'acceleration';
  readonly node: number;
  readonly axis: Axis;
  readonly unit: 'mm' | 'm/s²';
  readonly description: string;
}

export interface StrainSensor {
  readonly id: string;
  readonly kind: 'strain';
  readonly member: number;
  readonly unit: 'µε';
  readonly description: string;
}

export type SensorSpec = NodeSensor | StrainSensor;

function findMember(def: TrussDefinition, label: string): number {
  const index = def.members.findIndex((m) => m.label === label);
  if (index < 0) throw new Error(`footbridge: no member labelled "${label}"`);
  return index;
}

/** The instrumentation of the default twin, each sensor sampled at 100 Hz. */
export function footbridgeSensors(def: TrussDefinition): SensorSpec[] {
  const q = FOOTBRIDGE.panels / 4;
  const sensors: SensorSpec[] = [];
  for (const side of SIDES) {
    for (const [tag, i] of [
      ['25', q],
      ['50', 2 * q],
      ['75', 3 * q],
    ] as const) {
      sensors.push({
        id: `disp.z.${side}${tag}`,
        kind: 'displacement',
        node: bottomNode(side, i),
        axis: 'z',
        unit: 'mm',
        description: `vertical displacement, ${side === 'L' ? 'left' : 'right'} bottom chord at ${tag} % span`,
      });
    }
  }
  for (const [tag, i] of [
    ['25', q],
    ['50', 2 * q],
    ['75', 3 * q],
  ] as const) {
    sensors.push({
      id: `disp.y.L${tag}`,
      kind: 'displacement',
      node: bottomNode('L', i),
      axis: 'y',
      unit: 'mm',
      description: `lateral displacement, left bottom chord at ${tag} % span`,
    });
  }
  sensors.push(
    {
      id: 'acc.z.L50',
      kind: 'acceleration',
      node: bottomNode('L', 2 * q),
      axis: 'z',
      unit: 'm/s²',
      description: 'vertical acceleration, left midspan',
    },
    {
      id: 'acc.z.R50',
      kind: 'acceleration',
      node: bottomNode('R', 2 * q),
      axis: 'z',
      unit: 'm/s²',
      description: 'vertical acceleration, right midspan',
    },
    {
      id: 'acc.y.L50',
      kind: 'acceleration',
      node: bottomNode('L', 2 * q),
      axis: 'y',
      unit: 'm/s²',
      description: 'lateral acceleration, left midspan',
    },
  );
  const strain = (id: string, label: string, description: string) =>
    sensors.push({ id, kind: 'strain', member: findMember(def, label), unit: 'µε', description });
  strain('strain.bc.L7', 'bottom chord L7-8', 'strain gauge, left bottom chord, panel 8');
  strain('strain.bc.R7', 'bottom chord R7-8', 'strain gauge, right bottom chord, panel 8');
  strain('strain.tc.L7', 'top chord L7-8', 'strain gauge, left top chord, panel 8');
  strain('strain.diag.L1', 'diagonal L1-2', 'strain gauge, left diagonal near the west support');
  strain(
    'strain.diag.R14',
    'diagonal R14-15',
    'strain gauge, right diagonal near the east support',
  );
  return sensors;
}

/** Status channels the fleet publishes beside its sensors (1 Hz). */
export const STATUS_CHANNELS = {
  damagedMember: 'status.damaged_member',
  damageHealth: 'status.damage_health',
  pedestrians: 'status.pedestrians',
  windSpeed: 'status.wind_speed',
} as const;
