import { describe, expect, it } from 'vitest';
import type { ManifestIssueCode } from './manifestError.ts';
import { parseManifestWithTests } from './parseManifest.ts';
import { expectIssue, positionOf } from './testing/expectIssue.ts';
import { readFrom, rodFiles, rodManifest } from './testing/rodModel.ts';

/** Test cases for the rod manifest; the cases below break them on purpose. */
const rodTests = `tests:
  - name: heats up
    description: Power at the heater end warms the tip.
    steps: 50
    every: 5
    parameters: {k: 2}
    inputs:
      heater.power: [[0, 0], [1, 5]]
      ambient: 20
    initialState:
      temperature: {fill: 20}
    expect:
      - {value: tip, step: 50, equals: 21, tolerance: 0.5}
    invariants:
      - {value: "mean(temperature)", min: 19, max: 100, from: 10}
    gradients:
      - {parameter: k, elements: [0, 7], relative: 0.05, target: {tip: 25}}
  - name: stays level
    expect:
      - {value: "temperature[7] - temperature[0]", equals: 0, relative: 0.1}
`;
const manifest = rodManifest + rodTests;

function withEdits(...edits: readonly (readonly [string, string])[]): string {
  let text = manifest;
  for (const [from, to] of edits) {
    const count = text.split(from).length - 1;
    if (count !== 1) throw new Error(`test edit: ${JSON.stringify(from)} occurs ${count} times`);
    text = text.replace(from, to);
  }
  return text;
}

describe('manifest test cases', () => {
  it('load with the defaults filled in', async () => {
    const { spec, tests } = await parseManifestWithTests(manifest, 'rod.yaml', readFrom(rodFiles));
    expect(spec.name).toBe('heat rod');
    expect(tests).toEqual([
      {
        name: 'heats up',
        description: 'Power at the heater end warms the tip.',
        steps: 50,
        every: 5,
        parameters: { k: 2 },
        inputs: {
          'heater.power': [
            [0, 0],
            [1, 5],
          ],
          ambient: 20,
        },
        initialState: { temperature: { fill: 20 } },
        expect: [{ value: 'tip', step: 50, equals: 21, tolerance: 0.5, relative: 0 }],
        invariants: [{ value: 'mean(temperature)', min: 19, max: 100, from: 10 }],
        gradients: [{ parameter: 'k', elements: [0, 7], relative: 0.05, target: { tip: 25 } }],
      },
      {
        name: 'stays level',
        // The model's steps, sampled as often as the loss observes.
        steps: 100,
        every: 10,
        parameters: {},
        inputs: {},
        initialState: {},
        expect: [
          {
            value: 'temperature[7] - temperature[0]',
            step: 100,
            equals: 0,
            tolerance: 0,
            relative: 0.1,
          },
        ],
        invariants: [],
        gradients: [],
      },
    ]);
  });

  it('check all elements of a parameter when a gradient check names none', async () => {
    const text = withEdits(['{parameter: k, elements: [0, 7], ', '{parameter: k, '] as const);
    const { tests } = await parseManifestWithTests(text, 'rod.yaml', readFrom(rodFiles));
    expect(tests[0]?.gradients[0]?.elements).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});

interface Case {
  readonly name: string;
  readonly edits: readonly (readonly [string, string])[];
  readonly path: string;
  /** The line (by a text only it holds) and the token on it the issue points at. */
  readonly at: readonly [line: string, token?: string];
  readonly code: ManifestIssueCode;
  readonly message: string;
}

const cases: Case[] = [
  {
    name: 'a misspelt key of a case suggests the key',
    edits: [['    expect:\n      - {value: tip', '    expected:\n      - {value: tip']],
    path: 'tests[0].expected',
    at: ['expected:', 'expected'],
    code: 'unknown_key',
    message: 'unknown key `expected` — did you mean `expect`?',
  },
  {
    name: 'an input given as text lists the forms it takes',
    edits: [['ambient: 20', 'ambient: warm']],
    path: 'tests[0].inputs.ambient',
    at: ['ambient: warm', 'warm'],
    code: 'wrong_type',
    message:
      'expected either a constant or a list of [time, value] samples with increasing times (seconds), found the text "warm"',
  },
  {
    name: 'a sample with three numbers',
    edits: [['[[0, 0], [1, 5]]', '[[0, 0], [1, 5, 2]]']],
    path: 'tests[0].inputs["heater.power"][1]',
    at: ['heater.power:', '[1, 5, 2]'],
    code: 'wrong_size',
    message: 'has 3 items — give at most 2',
  },
  {
    name: 'a gradient check without a relative tolerance',
    edits: [['elements: [0, 7], relative: 0.05, ', 'elements: [0, 7], ']],
    path: 'tests[0].gradients[0]',
    at: ['{parameter: k', '{'],
    code: 'missing_key',
    message: 'missing `relative` (relative tolerance (> 0), e.g. 0.02) — add it',
  },
  {
    name: 'two cases with one name',
    edits: [['name: stays level', 'name: heats up']],
    path: 'tests[1].name',
    at: ['  - name: heats up', 'heats up', 1] as unknown as Case['at'],
    code: 'duplicate_name',
    message: 'test name `heats up` is already used by tests[0] — give each case its own name',
  },
  {
    name: 'an unknown parameter suggests the parameter',
    edits: [['parameters: {k: 2}', 'parameters: {kk: 2}']],
    path: 'tests[0].parameters.kk',
    at: ['parameters: {kk: 2}', 'kk'],
    code: 'unresolved_reference',
    message: 'no parameter named `kk` — did you mean `k`?',
  },
  {
    name: 'a parameter list of the wrong length',
    edits: [['parameters: {k: 2}', 'parameters: {k: [1, 2]}']],
    path: 'tests[0].parameters.k',
    at: ['parameters: {k: [1, 2]}', '['],
    code: 'length_mismatch',
    message:
      '2 values for parameter `k`, which has 8 elements — give one per element, or one number for all',
  },
  {
    name: 'an unknown input channel suggests the channel',
    edits: [['heater.power: [[0', 'heater.pwr: [[0']],
    path: 'tests[0].inputs["heater.pwr"]',
    at: ['heater.pwr:', 'heater.pwr'],
    code: 'unresolved_reference',
    message: 'no input is bound to channel `heater.pwr` — did you mean `heater.power`?',
  },
  {
    name: 'input samples out of time order',
    edits: [['[[0, 0], [1, 5]]', '[[1, 0], [0.5, 5]]']],
    path: 'tests[0].inputs["heater.power"][1][0]',
    at: ['heater.power:', '0.5'],
    code: 'out_of_range',
    message:
      'sample time 0.5 does not follow 1 — give [time, value] samples with increasing times (seconds)',
  },
  {
    name: 'an initial state for a scratch buffer',
    edits: [['temperature: {fill: 20}', 'flux: {fill: 20}']],
    path: 'tests[0].initialState.flux',
    at: ['flux: {fill: 20}', 'flux'],
    code: 'wrong_role',
    message:
      'buffer `flux` has role scratch; initialState sets state buffers — name one of `temperature`',
  },
  {
    name: 'an initial state of the wrong length',
    edits: [['temperature: {fill: 20}', 'temperature: [20, 20]']],
    path: 'tests[0].initialState.temperature',
    at: ['temperature: [20, 20]', '['],
    code: 'length_mismatch',
    message: '2 values for `temperature`, which has length 8 — give exactly 8, or {fill: x}',
  },
  {
    name: 'an expression that does not parse points at the character',
    edits: [['"mean(temperature)"', '"mean(temperature"']],
    path: 'tests[0].invariants[0].value',
    at: ['"mean(temperature", min', '", min'],
    code: 'bad_expression',
    message: '`mean(temperature`: expected `)`, found the end — close the call of mean',
  },
  {
    name: 'a misspelt buffer in an expression suggests the buffer, at its place',
    edits: [['"mean(temperature)"', '"mean(temprature)"']],
    path: 'tests[0].invariants[0].value',
    at: ['"mean(temprature)"', 'temprature'],
    code: 'unresolved_reference',
    message: '`mean(temprature)`: no state buffer named `temprature` — did you mean `temperature`?',
  },
  {
    name: 'a state buffer used as a number says to index or reduce it',
    edits: [['{value: tip, step: 50', '{value: temperature, step: 50']],
    path: 'tests[0].expect[0].value',
    at: ['{value: temperature, step: 50', 'temperature'],
    code: 'bad_expression',
    message:
      '`temperature`: `temperature` is a state buffer of 8 values — index it (`temperature[0]`) or reduce it (`sum(temperature)`, `mean`, `min`, `max`)',
  },
  {
    name: 'a parameter buffer in an expression',
    edits: [['"mean(temperature)"', '"mean(conductivity)"']],
    path: 'tests[0].invariants[0].value',
    at: ['"mean(conductivity)"', 'conductivity'],
    code: 'wrong_role',
    message:
      '`mean(conductivity)`: `conductivity` is a parameter buffer; expressions read state buffers, sampled during the run — use one of `temperature`',
  },
  {
    name: 'an index past the end of a buffer',
    edits: [['"temperature[7] - temperature[0]"', '"temperature[8] - temperature[0]"']],
    path: 'tests[1].expect[0].value',
    at: ['"temperature[8]', 'temperature[8]'],
    code: 'out_of_bounds',
    message:
      '`temperature[8] - temperature[0]`: index 8 is past the end of `temperature` (length 8, 0…7)',
  },
  {
    name: 'an expectation at a step the case does not sample',
    edits: [['{value: tip, step: 50', '{value: tip, step: 37']],
    path: 'tests[0].expect[0].step',
    at: ['{value: tip, step: 37', '37'],
    code: 'not_sampled',
    message:
      'the case samples the state after every 5 steps and after the last (50); step 37 is not one — use a multiple of 5, or set `every`',
  },
  {
    name: 'an expectation after the last step',
    edits: [['{value: tip, step: 50', '{value: tip, step: 60']],
    path: 'tests[0].expect[0].step',
    at: ['{value: tip, step: 60', '60'],
    code: 'out_of_bounds',
    message: "step 60 is past the case's 50 steps — lower it or raise the case's `steps`",
  },
  {
    name: 'an expectation without a tolerance',
    edits: [['equals: 21, tolerance: 0.5}', 'equals: 21}']],
    path: 'tests[0].expect[0]',
    at: ['{value: tip', '{'],
    code: 'missing_key',
    message:
      'missing `tolerance` or `relative` — give the absolute or relative error allowed (0 for an exact match; float32 results are rarely exact)',
  },
  {
    name: 'an invariant without bounds',
    edits: [['min: 19, max: 100, from: 10}', 'from: 10}']],
    path: 'tests[0].invariants[0]',
    at: ['- {value: "mean(temperature)"', '{'],
    code: 'missing_key',
    message: 'missing `min` or `max` — give the bounds the value must stay within',
  },
  {
    name: 'an invariant whose bounds are swapped',
    edits: [['min: 19, max: 100', 'min: 100, max: 19']],
    path: 'tests[0].invariants[0].min',
    at: ['"mean(temperature)"', '100'],
    code: 'bad_bounds',
    message: 'min 100 is above max 19 — swap them',
  },
  {
    name: 'a gradient check of an unknown parameter',
    edits: [['{parameter: k, elements', '{parameter: q, elements']],
    path: 'tests[0].gradients[0].parameter',
    at: ['{parameter: q', 'q'],
    code: 'unresolved_reference',
    message: 'no parameter named `q` — did you mean `k`?',
  },
  {
    name: 'a gradient check of an element the parameter lacks',
    edits: [['elements: [0, 7]', 'elements: [0, 8]']],
    path: 'tests[0].gradients[0].elements[1]',
    at: ['elements: [0, 8]', '8'],
    code: 'out_of_bounds',
    message:
      'element 8 is past the end of parameter `k` (8 elements, 0…7) — use an element below 8',
  },
  {
    name: 'a gradient target for an observable without a channel',
    edits: [['target: {tip: 25}', 'target: {tips: 25}']],
    path: 'tests[0].gradients[0].target.tips',
    at: ['target: {tips: 25}', 'tips'],
    code: 'unresolved_reference',
    message: 'no observable named `tips` — did you mean `tip`?',
  },
  {
    name: 'a gradient check in a case too short for any observation',
    edits: [
      ['    steps: 50\n    every: 5', '    steps: 5\n    every: 5'],
      ['step: 50', 'step: 5'],
    ],
    path: 'tests[0].gradients[0].parameter',
    at: ['{parameter: k', 'k'],
    code: 'empty_window',
    message:
      "the loss observes the state after every 10 steps in the window [0, 100), and the case's 5 steps hold no such observation — run the case for more steps",
  },
];

describe('invalid test cases', () => {
  it.each(cases)('$name', async (c) => {
    const text = withEdits(...c.edits);
    const [line, token, nth] = c.at as readonly [string, string?, number?];
    await expectIssue(text, {
      path: c.path,
      ...positionOf(text, line, token, nth),
      code: c.code,
      message: c.message,
    });
  });
});
