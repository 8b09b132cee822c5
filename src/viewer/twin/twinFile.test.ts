import { describe, expect, it } from 'vitest';
import { buildFootbridge, footbridgeSensors } from '../../twin/footbridge.ts';
import { FOOTBRIDGE_INPUTS } from '../../twin/footbridgeInputs.ts';
import { nodeDisplacements, type DeflectionReadings } from '../../twin/deformation.ts';
import { BUILTIN_TWIN_FILES, builtinTwin } from '../../twins/index.ts';
import { displacementField } from './twinDisplacement.ts';
import { parseTwinFile, twinChannels, TwinFileError } from './twinFile.ts';

function problems(text: string): string[] {
  try {
    parseTwinFile(text, 't.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(TwinFileError);
    return (error as TwinFileError).issues.map((i) => `${i.path}@${i.line}: ${i.message}`);
  }
  throw new Error('expected a TwinFileError');
}

const LATTICE = `version: 1
twin: lattice
structure:
  nodes: [[0, 0, 0], [1, 0, 0], [2, 0, 0]]
  members: [[0, 1], { a: 1, b: 2, role: chord, label: right }]
displacement: { unit: mm, perNode: { z: 'disp.z.{node}' } }
sensors:
  - { channel: strain.right, kind: strain, member: right }
scene:
  - { kind: members, radius: 0.05, colorBy: { sensor: strain, limit: 10 } }
  - { kind: nodes, radius: 0.1 }
`;

describe('twin files', () => {
  it('the footbridge file lists exactly the fleet’s sensors and load cells, on their nodes and members', () => {
    const twin = builtinTwin('footbridge')!;
    const def = buildFootbridge();
    expect(twin.nodeCount).toBe(def.nodes.length);
    expect(twin.members.map((m) => [m.a, m.b, m.label])).toEqual(
      def.members.map((m) => [m.a, m.b, m.label]),
    );
    const expected = [
      ...footbridgeSensors(def).map((s) =>
        s.kind === 'strain'
          ? [s.id, s.kind, -1, s.member, s.unit]
          : [s.id, s.kind, s.node, -1, s.unit],
      ),
      ...FOOTBRIDGE_INPUTS.flatMap((i) =>
        i.kind === 'deckLoad' ? [[i.id, 'force', i.node, -1, 'N']] : [],
      ),
    ];
    expect(twin.sensors.map((s) => [s.channel, s.kind, s.node, s.member, s.unit])).toEqual(
      expected,
    );
    expect(twinChannels(twin)).toContain('status.damaged_member');
    // Members + ghost + nodes + sensors + arrows + deck + five site primitives.
    expect(twin.entityCount).toBe(
      2 * def.members.length + def.nodes.length + expected.length + 34 + 1 + 5,
    );
  });

  it('the footbridge file’s spline draws the shape the fleet’s deformation model gives', () => {
    const twin = builtinTwin('footbridge')!;
    const def = buildFootbridge();
    const readings: DeflectionReadings = {
      vertical: { L: [-1.2, -2.5, -1.1], R: [-0.9, -2.1, NaN] },
      lateral: [0.2, 0.45, 0.18],
    };
    const values = new Map<string, number>([
      ['disp.z.L25', -1.2],
      ['disp.z.L50', -2.5],
      ['disp.z.L75', -1.1],
      ['disp.z.R25', -0.9],
      ['disp.z.R50', -2.1],
      ['disp.y.L25', 0.2],
      ['disp.y.L50', 0.45],
      ['disp.y.L75', 0.18],
    ]);
    const want = new Float32Array(def.nodes.length * 3);
    nodeDisplacements(readings, def.nodes, want);
    const got = new Float32Array(def.nodes.length * 3);
    displacementField(twin)((ch) => values.get(ch) ?? NaN, got);
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 7));
    expect(Math.min(...got)).toBeLessThan(-0.002);
  });

  it('reads written-out nodes and members, with a channel per node', () => {
    const twin = parseTwinFile(LATTICE);
    expect(twin.nodeCount).toBe(3);
    expect(twin.members[1]).toEqual({ a: 1, b: 2, role: 'chord', label: 'right' });
    expect(twin.sensorsOfMember.get(1)?.[0]?.channel).toBe('strain.right');
    const out = new Float32Array(9);
    displacementField(twin)((ch) => (ch === 'disp.z.2' ? 4 : NaN), out);
    expect([...out]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0.004].map(Math.fround));
    expect(twin.entityCount).toBe(5);
  });

  it('says where a node, member or key is wrong and what to write instead', () => {
    expect(problems(LATTICE.replace('[[0, 1],', '[[0, 3],'))).toEqual([
      'structure.members[0][1]@5: node 3 does not exist — there are 3 nodes, numbered 0–2',
    ]);
    expect(problems(LATTICE.replace('member: right', 'member: rihgt'))).toEqual([
      'sensors[0].member@8: no member is labelled "rihgt" — did you mean "right"?',
    ]);
    const wrongKey = problems(
      LATTICE.replace('{ kind: nodes, radius: 0.1 }', '{ kind: nodes, radius: 0.1, scale: 2 }'),
    );
    expect(wrongKey[0]).toMatch(/^scene\[1\]\.scale@11: `scale` does not apply to kind `nodes`/);
    expect(problems(LATTICE.replace("'disp.z.{node}'", 'disp.z'))[0]).toMatch(
      /perNode\.z@6: "disp.z" names one channel for every node — put \{node\}/,
    );
    expect(problems(LATTICE.replace('strain, limit', 'acceleration, limit'))[0]).toMatch(
      /no acceleration sensor sits on a member/,
    );
    expect(problems('version: 1\ntwin: x\nstructure: { builtin: footbrige }\nscene: []\n')).toEqual(
      ['scene@4: has 0 items — give at least 1'],
    );
    expect(
      problems(
        'version: 1\ntwin: x\nstructure: { builtin: footbrige }\nscene: [{ kind: nodes }]\n',
      ),
    ).toEqual([
      'structure.builtin@3: no built-in structure "footbrige" — did you mean "footbridge"?',
    ]);
    expect(problems('version: 1\ntwin: x\nstructure: {}\nscene: [{ kind: node }]\n')[0]).toMatch(
      /scene\[0\]\.kind@4: "node" is not allowed — did you mean `nodes`\?/,
    );
    expect(problems('twin: [\n')[0]).toMatch(/@\d: .*fix the YAML here/);
  });

  it('every twin file that ships parses', () => {
    for (const name of Object.keys(BUILTIN_TWIN_FILES)) expect(builtinTwin(name)?.name).toBe(name);
  });
});
