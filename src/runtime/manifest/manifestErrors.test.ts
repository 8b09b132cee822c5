import { describe, expect, it } from 'vitest';
import type { ManifestIssueCode } from './manifestError.ts';
import { expectIssue, manifestError, positionOf, rodWith } from './testing/expectIssue.ts';
import { rodFiles, rodManifest } from './testing/rodModel.ts';

interface Case {
  readonly name: string;
  readonly edits: readonly (readonly [string, string])[];
  readonly path: string;
  /** The line (by a text only it holds) and the token on it the issue points at. */
  readonly at: readonly [line: string, token?: string, nth?: number];
  readonly code: ManifestIssueCode;
  readonly message: string;
  readonly files?: Readonly<Record<string, string>>;
}

const schemaCases: Case[] = [
  {
    name: 'an unknown key close to a known one suggests it',
    edits: [['steps: 100', 'stpes: 100']],
    path: 'stpes',
    at: ['stpes: 100', 'stpes'],
    code: 'unknown_key',
    message: 'unknown key `stpes` — did you mean `steps`?',
  },
  {
    name: 'an unknown key far from every known one lists the allowed keys',
    edits: [['    file: heat.wgsl\n', '    file: heat.wgsl\n    colour: red\n']],
    path: 'kernels[0].colour',
    at: ['colour: red', 'colour'],
    code: 'unknown_key',
    message: 'unknown key `colour` — remove it; keys allowed here: `name`, `file`',
  },
  {
    name: 'a misspelt key inside a list item suggests the key',
    edits: [['    interpolation: hold', '    interpolaton: hold']],
    path: 'inputs[1].interpolaton',
    at: ['interpolaton: hold', 'interpolaton'],
    code: 'unknown_key',
    message: 'unknown key `interpolaton` — did you mean `interpolation`?',
  },
  {
    name: 'a missing required key is reported on its map, with what the key is for',
    edits: [
      ['  - name: flux\n    role: scratch\n    length: 8\n', '  - name: flux\n    role: scratch\n'],
    ],
    path: 'buffers[1]',
    at: ['name: flux', 'name'],
    code: 'missing_key',
    message:
      'missing `length` (number of elements; for an input buffer, elements per step (the row width)) — add it',
  },
  {
    name: 'a missing version is reported on the document',
    edits: [['version: 1\n', '']],
    path: '',
    at: ['name: heat rod', 'name'],
    code: 'missing_key',
    message: 'missing `version` (manifest format version) — add it',
  },
  {
    name: 'another version is refused with the supported one',
    edits: [['version: 1', 'version: 2']],
    path: 'version',
    at: ['version: 2', '2'],
    code: 'not_allowed',
    message: '2 is not allowed — this Twinbench reads version 1 manifests; set `version: 1`',
  },
  {
    name: 'text where a number belongs',
    edits: [['dt: 0.1', 'dt: fast']],
    path: 'dt',
    at: ['dt: fast', 'fast'],
    code: 'wrong_type',
    message: 'expected a number, found the text "fast"',
  },
  {
    name: 'a fraction where a whole number belongs',
    edits: [['steps: 100', 'steps: 2.5']],
    path: 'steps',
    at: ['steps: 2.5', '2.5'],
    code: 'wrong_type',
    message: 'expected a whole number, found 2.5',
  },
  {
    name: 'dt of zero is out of range',
    edits: [['dt: 0.1', 'dt: 0']],
    path: 'dt',
    at: ['dt: 0', '0'],
    code: 'out_of_range',
    message: '0 is out of range — it must be > 0 (seconds per step (> 0))',
  },
  {
    name: 'an infinite number is refused',
    edits: [['dt: 0.1', 'dt: .inf']],
    path: 'dt',
    at: ['dt: .inf', '.inf'],
    code: 'wrong_type',
    message: '.inf is not a finite number — give a number',
  },
  {
    name: 'a misspelt role suggests the role',
    edits: [['    role: scratch', '    role: scrach']],
    path: 'buffers[1].role',
    at: ['role: scrach', 'scrach'],
    code: 'not_allowed',
    message: '"scrach" is not allowed — did you mean `scratch`?',
  },
  {
    name: 'an unsupported element type lists the types',
    edits: [['    type: u32', '    type: i64']],
    path: 'buffers[4].type',
    at: ['type: i64', 'i64'],
    code: 'not_allowed',
    message: '"i64" is not allowed — use one of f32, u32',
  },
  {
    name: 'a buffer name that is not an identifier',
    edits: [['  - name: flux', '  - name: 2flux']],
    path: 'buffers[1].name',
    at: ['name: 2flux', '2flux'],
    code: 'bad_name',
    message: '"2flux" is not an identifier — use letters, digits and _, not starting with a digit',
  },
  {
    name: 'an absolute kernel path',
    edits: [['file: heat.wgsl', 'file: /models/heat.wgsl']],
    path: 'kernels[0].file',
    at: ['file: /models/heat.wgsl', '/models'],
    code: 'bad_path',
    message:
      '"/models/heat.wgsl" is not a relative path — give the path from the manifest\'s folder (no leading /, no URL)',
  },
  {
    name: 'initial data with both fill and file',
    edits: [['initial: {fill: 20}', 'initial: {fill: 20, file: t0.json}']],
    path: 'buffers[0].initial',
    at: ['initial: {fill: 20, file', '{'],
    code: 'wrong_size',
    message: 'a map with `fill`, `file` — give only one of `fill` or `file`, not several',
  },
  {
    name: 'initial data as a bare number explains the three forms',
    edits: [['initial: {fill: 20}', 'initial: 20']],
    path: 'buffers[0].initial',
    at: ['initial: 20', '20'],
    code: 'wrong_type',
    message:
      'expected initial contents: a list of exactly `length` numbers, {fill: x} for every element, or {file: data.json} for a JSON array of numbers next to the manifest, found 20',
  },
  {
    name: 'a non-number inside an initial list points at the element',
    edits: [['initial: [1, 1, 1, 1, 1, 1, 1, 1]', 'initial: [1, 1, one, 1, 1, 1, 1, 1]']],
    path: 'buffers[2].initial[2]',
    at: ['initial: [1, 1, one', 'one'],
    code: 'wrong_type',
    message: 'expected a number, found the text "one"',
  },
  {
    name: 'four workgroup counts',
    edits: [['workgroups: [1]', 'workgroups: [1, 1, 1, 1]']],
    path: 'schedule[1].workgroups',
    at: ['workgroups: [1, 1, 1, 1]', '['],
    code: 'wrong_size',
    message: 'has 4 items — give at most 3',
  },
  {
    name: 'a workgroup count of zero',
    edits: [['workgroups: 1', 'workgroups: 0']],
    path: 'schedule[0].workgroups',
    at: ['workgroups: 0', '0'],
    code: 'out_of_range',
    message: '0 is out of range — it must be ≥ 1',
  },
  {
    name: 'a workgroup count above the WebGPU limit',
    edits: [['workgroups: [1]', 'workgroups: [70000]']],
    path: 'schedule[1].workgroups[0]',
    at: ['workgroups: [70000]', '70000'],
    code: 'out_of_range',
    message: '70000 is out of range — it must be ≤ 65535',
  },
  {
    name: 'a misspelt phase',
    edits: [['phase: next', 'phase: nxt']],
    path: 'schedule[1].bindings.t_next.phase',
    at: ['phase: nxt', 'nxt'],
    code: 'not_allowed',
    message: '"nxt" is not allowed — did you mean `next`?',
  },
  {
    name: 'a binding variable that is not an identifier',
    edits: [['      nb: neighbours', '      n-b: neighbours']],
    path: 'schedule[0].bindings.n-b',
    at: ['n-b: neighbours', 'n-b'],
    code: 'bad_name',
    message: '"n-b" is not an identifier — use letters, digits and _, not starting with a digit',
  },
  {
    name: 'shape on an l2 term',
    edits: [['towards: 1}', 'towards: 1, shape: [8]}']],
    path: 'loss.regularisation[1].shape',
    at: ['towards: 1, shape', 'shape'],
    code: 'unknown_key',
    message: '`shape` does not apply to kind `l2` — remove it',
  },
  {
    name: 'a smoothness term without its shape',
    edits: [['weight: 0.01, shape: [8]}', 'weight: 0.01}']],
    path: 'loss.regularisation[0]',
    at: ['- {kind: smoothness', '{'],
    code: 'missing_key',
    message:
      "missing `shape` (smoothness only: the grid the parameter's elements form, e.g. [16, 16]; the product must equal the parameter's count) — add it",
  },
  {
    name: 'a negative loss weight',
    edits: [['weights: {tip: 2}', 'weights: {tip: -2}']],
    path: 'loss.weights.tip',
    at: ['weights: {tip: -2}', '-2'],
    code: 'out_of_range',
    message: '-2 is out of range — it must be ≥ 0',
  },
  {
    name: 'an empty kernel list',
    edits: [['kernels:\n  - name: heat\n    file: heat.wgsl\n', 'kernels: []\n']],
    path: 'kernels',
    at: ['kernels: []', '['],
    code: 'wrong_size',
    message: 'has 0 items — give at least 1',
  },
  {
    name: 'a map where a list belongs',
    edits: [['    count: 8\n', '    count: {n: 8}\n']],
    path: 'parameters[0].count',
    at: ['count: {n: 8}', '{'],
    code: 'wrong_type',
    message: 'expected a whole number, found a map with `n`',
  },
];

const semanticCases: Case[] = [
  {
    name: 'two buffers with one name',
    edits: [['  - name: flux', '  - name: temperature']],
    path: 'buffers[1].name',
    at: ['  - name: temperature', 'temperature', 1],
    code: 'duplicate_name',
    message:
      'buffer name `temperature` is already used by buffers[0] — give each buffer its own name',
  },
  {
    name: 'a dispatch of an unknown kernel suggests the kernel',
    edits: [['  - kernel: heat\n    entry: fluxes', '  - kernel: haet\n    entry: fluxes']],
    path: 'schedule[0].kernel',
    at: ['kernel: haet', 'haet'],
    code: 'unresolved_reference',
    message: 'no kernel named `haet` — did you mean `heat`?',
  },
  {
    name: 'an entry point the WGSL does not define suggests the nearest',
    edits: [['entry: update', 'entry: updat']],
    path: 'schedule[1].entry',
    at: ['entry: updat', 'updat'],
    code: 'unresolved_reference',
    message: '`heat.wgsl` has no @compute function `updat` — did you mean `update`?',
  },
  {
    name: 'a binding to a variable the WGSL does not declare points at the key',
    edits: [['      nb: neighbours', '      nbs: neighbours']],
    path: 'schedule[0].bindings.nbs',
    at: ['nbs: neighbours', 'nbs'],
    code: 'unresolved_reference',
    message: '`heat.wgsl` declares no var<storage> or var<uniform> `nbs` — did you mean `nb`?',
  },
  {
    name: 'a binding to an unknown buffer',
    edits: [['      nb: neighbours', '      nb: neighbors']],
    path: 'schedule[0].bindings.nb',
    at: ['nb: neighbors', 'neighbors'],
    code: 'unresolved_reference',
    message: 'no buffer named `neighbors` — did you mean `neighbours`?',
  },
  {
    name: 'a state buffer bound without a phase',
    edits: [['t_next: {buffer: temperature, phase: next}', 't_next: temperature']],
    path: 'schedule[1].bindings.t_next',
    at: ['t_next: temperature', 'temperature'],
    code: 'phase',
    message:
      "`temperature` is a state buffer — say which copy: {buffer: temperature, phase: current} to read this step's state, or phase: next to write the next one",
  },
  {
    name: 'a phase on a buffer that is not state',
    edits: [['      k: conductivity', '      k: {buffer: conductivity, phase: current}']],
    path: 'schedule[0].bindings.k.phase',
    at: ['k: {buffer: conductivity, phase: current}', 'current'],
    code: 'phase',
    message:
      '`conductivity` has role parameter; only state buffers have current and next copies — remove `phase`',
  },
  {
    name: 'a clock that is not a uniform of the kernel',
    edits: [['clock: clock', 'clock: clk']],
    path: 'schedule[1].clock',
    at: ['clock: clk', 'clk'],
    code: 'unresolved_reference',
    message:
      '`heat.wgsl` declares no var<uniform> `clk` — uniform variables: `clock` (the clock is var<uniform> clk: Clock with struct Clock { step: u32, time: f32, dt: f32 })',
  },
  {
    name: 'the clock also bound to a buffer',
    edits: [['      heater: heater', '      heater: heater\n      clock: flux']],
    path: 'schedule[1].bindings.clock',
    at: ['      clock: flux', 'clock'],
    code: 'conflict',
    message:
      '`clock` is the clock of this dispatch and cannot also be bound to a buffer — remove one of them',
  },
  {
    name: 'a state buffer no dispatch writes',
    edits: [['t_next: {buffer: temperature, phase: next}', 't_next: flux']],
    path: 'buffers[0].role',
    at: ['role: state', 'state'],
    code: 'never_written',
    message:
      'state buffer `temperature` is never bound with phase: next, so no step writes it — bind it as next in the dispatch that computes it, or give it role constant',
  },
  {
    name: 'a parameter in a buffer of another role',
    edits: [['    buffer: conductivity', '    buffer: temperature']],
    path: 'parameters[0].buffer',
    at: ['    buffer: temperature', 'temperature', 0],
    code: 'wrong_role',
    message:
      'buffer `temperature` has role state, but parameters live in parameter buffers — point to a parameter buffer or change its role',
  },
  {
    name: 'a parameter slice past the end of its buffer',
    edits: [['    count: 8', '    offset: 2\n    count: 8']],
    path: 'parameters[0].count',
    at: ['    count: 8', '8'],
    code: 'out_of_bounds',
    message:
      'elements 2…9 run past the end of `conductivity` (length 8) — lower offset or count, or lengthen the buffer',
  },
  {
    name: 'bounds in the wrong order',
    edits: [['lower: 0.1', 'lower: 20']],
    path: 'parameters[0].lower',
    at: ['lower: 20', '20'],
    code: 'bad_bounds',
    message: 'lower bound 20 is not below upper bound 10 — swap them or widen the range',
  },
  {
    name: 'a starting value outside the bounds',
    edits: [['    upper: 10', '    upper: 10\n    initial: 12']],
    path: 'parameters[0].initial',
    at: ['initial: 12', '12'],
    code: 'bad_bounds',
    message:
      'starting value 12 is outside the bounds [0.1, 10] — move it inside or widen the bounds',
  },
  {
    name: 'buffer contents outside the bounds when the parameter has no initial value',
    edits: [['initial: [1, 1, 1, 1, 1, 1, 1, 1]', 'initial: [1, 1, 1, 0, 1, 1, 1, 1]']],
    path: 'parameters[0]',
    at: ['  - name: k', 'name'],
    code: 'bad_bounds',
    message:
      "no `initial`, so a fit starts from `conductivity`'s contents, and element 3 (0) is outside [0.1, 10] — set `initial` or change the buffer's initial data",
  },
  {
    name: 'two parameters over the same elements',
    edits: [
      [
        '    unit: W/(m·K)\n',
        '    unit: W/(m·K)\n  - name: k_end\n    buffer: conductivity\n    offset: 7\n    lower: 0\n    upper: 1\n',
      ],
    ],
    path: 'parameters[1].offset',
    at: ['offset: 7', '7'],
    code: 'overlap',
    message:
      'elements 7…7 of `conductivity` overlap parameter `k` (elements 0…7) — each element belongs to one parameter',
  },
  {
    name: 'an input column outside its buffer',
    edits: [['    column: 1', '    column: 2']],
    path: 'inputs[1].column',
    at: ['column: 2', '2'],
    code: 'out_of_bounds',
    message:
      "column 2 is outside `heater` (width 2, columns 0…1) — use a lower column or widen the buffer's length",
  },
  {
    name: 'an input bound to a buffer that is not an input',
    edits: [['  - buffer: heater\n    column: 0', '  - buffer: flux\n    column: 0']],
    path: 'inputs[0].buffer',
    at: ['  - buffer: flux', 'flux'],
    code: 'wrong_role',
    message:
      'buffer `flux` has role scratch, but channels fill input buffers — point to an input buffer or change its role',
  },
  {
    name: 'an observable past the end of its buffer',
    edits: [['    index: 7', '    index: 8']],
    path: 'observables[0].index',
    at: ['index: 8', '8'],
    code: 'out_of_bounds',
    message:
      'index 8 is past the end of `temperature` (length 8, indices 0…7) — use an index below 8',
  },
  {
    name: 'an observable reading a parameter buffer',
    edits: [['    buffer: temperature\n    index: 4', '    buffer: conductivity\n    index: 4']],
    path: 'observables[1].buffer',
    at: ['    buffer: conductivity', 'conductivity', 1],
    code: 'wrong_role',
    message:
      'buffer `conductivity` has role parameter, but observables read state — point to a state buffer or change its role',
  },
  {
    name: 'an initial list of the wrong length',
    edits: [['initial: [1, 1, 1, 1, 1, 1, 1, 1]', 'initial: [1, 1, 1]']],
    path: 'buffers[2].initial',
    at: ['initial: [1, 1, 1]', '['],
    code: 'length_mismatch',
    message:
      '`initial` has 3 values but `conductivity` has length 8 — give exactly 8 values, or use {fill: x}',
  },
  {
    name: 'a data file of the wrong length',
    edits: [],
    files: { ...rodFiles, 'data/neighbours.json': '[1, 2, 3]' },
    path: 'buffers[4].initial.file',
    at: ['file: data/neighbours.json', 'data/'],
    code: 'length_mismatch',
    message:
      '`data/neighbours.json` has 3 values but `neighbours` has length 8 — give exactly 8 values, or use {fill: x}',
  },
  {
    name: 'a data file that holds no array',
    edits: [],
    files: { ...rodFiles, 'data/neighbours.json': '{"values": [1, 2]}' },
    path: 'buffers[4].initial.file',
    at: ['file: data/neighbours.json', 'data/'],
    code: 'bad_data_file',
    message: '`data/neighbours.json` does not hold a JSON array — write the values as [1, 2, 3, …]',
  },
  {
    name: 'a data file holding text values',
    edits: [],
    files: { ...rodFiles, 'data/neighbours.json': '[1, "two"]' },
    path: 'buffers[4].initial.file',
    at: ['file: data/neighbours.json', 'data/'],
    code: 'bad_data_file',
    message: '`data/neighbours.json` has "two" at element 1 — every element must be a number',
  },
  {
    name: 'a negative value in a u32 buffer',
    edits: [],
    files: { ...rodFiles, 'data/neighbours.json': '[1, 2, 3, 4, 5, 6, 7, -1]' },
    path: 'buffers[4].initial.file',
    at: ['file: data/neighbours.json', 'data/'],
    code: 'out_of_range',
    message:
      'value -1 (element 7) is not a u32 — give whole numbers from 0 to 4294967295, or make the buffer f32',
  },
  {
    name: 'a kernel file that cannot be read',
    edits: [['file: heat.wgsl', 'file: kernels/heat.wgsl']],
    path: 'kernels[0].file',
    at: ['file: kernels/heat.wgsl', 'kernels/'],
    code: 'unreadable_file',
    message:
      "cannot read `kernels/heat.wgsl` (ENOENT: no such file, open 'kernels/heat.wgsl') — the path is relative to the manifest's folder; check it exists",
  },
  {
    name: 'a loss weight for an unknown observable',
    edits: [['weights: {tip: 2}', 'weights: {tipp: 2}']],
    path: 'loss.weights.tipp',
    at: ['weights: {tipp: 2}', 'tipp'],
    code: 'unresolved_reference',
    message: 'no observable named `tipp` — did you mean `tip`?',
  },
  {
    name: 'a weight on an observable without a channel',
    edits: [['    channel: rod.tip\n', '']],
    path: 'loss.weights.tip',
    at: ['weights: {tip: 2}', 'tip'],
    code: 'unresolved_reference',
    message:
      'observable `tip` has no channel, so there is nothing to compare it with — give it a channel or remove its weight',
  },
  {
    name: 'regularisation of an unknown parameter lists the parameters',
    edits: [['parameter: k, weight: 0.001', 'parameter: conductivity, weight: 0.001']],
    path: 'loss.regularisation[1].parameter',
    at: ['parameter: conductivity, weight: 0.001', 'conductivity'],
    code: 'unresolved_reference',
    message: 'no parameter named `conductivity` — parameters: `k`',
  },
  {
    name: 'a smoothness shape that does not hold the parameter',
    edits: [['shape: [8]', 'shape: [3, 2]']],
    path: 'loss.regularisation[0].shape',
    at: ['shape: [3, 2]', '['],
    code: 'shape_mismatch',
    message:
      'shape [3, 2] holds 6 elements but parameter `k` has count 8 — make the product of the shape 8',
  },
  {
    name: 'a loss window that ends before it starts',
    edits: [['window: {start: 0, end: 100}', 'window: {start: 50, end: 40}']],
    path: 'loss.window.start',
    at: ['window: {start: 50', '50'],
    code: 'bad_bounds',
    message:
      'window start 50 is not before end 40 — the window is the steps [start, end); swap them or widen it',
  },
  {
    name: 'a loss window past the end of the run',
    edits: [['window: {start: 0, end: 100}', 'window: {start: 0, end: 120}']],
    path: 'loss.window.end',
    at: ['window: {start: 0, end: 120}', '120'],
    code: 'out_of_bounds',
    message:
      "window end 120 is past the run's 100 steps — lower it to at most 100 or raise `steps`",
  },
  {
    name: 'a window too short to hold an observation',
    edits: [['window: {start: 0, end: 100}', 'window: {start: 41, end: 49}']],
    path: 'loss.every',
    at: ['every: 10', '10'],
    code: 'empty_window',
    message:
      'with every: 10, the window [41, 49) contains no observation (states after a multiple of 10 steps) — lower `every` or widen the window',
  },
];

describe('invalid manifests: schema', () => {
  it.each(schemaCases)('$name', async (c) => {
    const text = rodWith(...c.edits);
    await expectIssue(
      text,
      { path: c.path, ...positionOf(text, ...c.at), code: c.code, message: c.message },
      c.files,
    );
  });
});

describe('invalid manifests: references and ranges', () => {
  it.each(semanticCases)('$name', async (c) => {
    const text = rodWith(...c.edits);
    await expectIssue(
      text,
      { path: c.path, ...positionOf(text, ...c.at), code: c.code, message: c.message },
      c.files,
    );
  });
});

describe('invalid manifests: reporting', () => {
  it('reports YAML syntax errors with line and column and stops there', async () => {
    const error = await manifestError('version: 1\nname: [rod\ndt: 0.1\n');
    expect(error.reason).toBe('yaml_syntax');
    expect(error.issues[0]).toMatchObject({ code: 'yaml_syntax', path: '', line: 3, column: 1 });
    expect(error.issues[0]?.message).toMatch(
      /^Flow sequence in block collection .* — fix the YAML here \(BAD_INDENT\)$/,
    );
  });

  it('reports a repeated key as a YAML error at the repeat', async () => {
    const text = rodWith(['dt: 0.1\n', 'dt: 0.1\ndt: 0.2\n']);
    const error = await manifestError(text);
    expect(error.reason).toBe('yaml_syntax');
    expect(error.issues).toEqual([
      {
        code: 'yaml_syntax',
        path: '',
        ...positionOf(text, 'dt: 0.2', 'dt'),
        message: 'Map keys must be unique — fix the YAML here (DUPLICATE_KEY)',
      },
    ]);
  });

  it('reports every schema issue at once, in line order', async () => {
    const error = await manifestError(
      rodWith(
        ['dt: 0.1', 'dt: -1'],
        ['    role: scratch', '    role: scrach'],
        ['lower: 0.1', 'lowr: 0.1'],
      ),
    );
    expect(error.reason).toBe('schema');
    expect(error.issues.map((i) => i.path)).toEqual([
      'dt',
      'buffers[1].role',
      'parameters[0]',
      'parameters[0].lowr',
    ]);
    expect(error.message).toBe(
      [
        'rod.yaml: 4 problems:',
        '  dt (line 5, col 5): -1 is out of range — it must be > 0 (seconds per step (> 0))',
        '  buffers[1].role (line 16, col 11): "scrach" is not allowed — did you mean `scratch`?',
        '  parameters[0] (line 31, col 5): missing `lower` (lowest value a fit may try) — add it',
        '  parameters[0].lowr (line 34, col 5): unknown key `lowr` — did you mean `lower`?',
      ].join('\n'),
    );
  });

  it('reports every reference issue at once', async () => {
    const error = await manifestError(
      rodWith(
        ['lower: 0.1', 'lower: 20'],
        ['entry: update', 'entry: updat'],
        ['index: 7', 'index: 9'],
      ),
    );
    expect(error.reason).toBe('semantic');
    expect(error.issues.map((i) => i.path)).toEqual([
      'parameters[0].lower',
      'schedule[1].entry',
      'observables[0].index',
    ]);
  });

  it('reports unknown keys together with reference issues', async () => {
    const error = await manifestError(
      rodWith(['    unit: W', '    units: W'], ['index: 7', 'index: 9']),
    );
    expect(error.reason).toBe('schema');
    expect(error.issues.map((i) => [i.code, i.path])).toEqual([
      ['unknown_key', 'parameters[0].units'],
      ['out_of_bounds', 'observables[0].index'],
    ]);
  });

  it('does not check references while the structure is wrong', async () => {
    const error = await manifestError(rodWith(['dt: 0.1', 'dt: x'], ['index: 7', 'index: 9']));
    expect(error.issues.map((i) => i.path)).toEqual(['dt']);
  });

  it('says why a data file is not JSON, in the words of the JSON parser', async () => {
    const error = await manifestError(rodManifest, {
      ...rodFiles,
      'data/neighbours.json': '1 2 3',
    });
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatchObject({
      code: 'bad_data_file',
      path: 'buffers[4].initial.file',
      ...positionOf(rodManifest, 'file: data/neighbours.json', 'data/'),
    });
    expect(error.issues[0]?.message).toMatch(
      /^`data\/neighbours.json` is not valid JSON \(.+\) — it must hold one JSON array of numbers$/,
    );
  });

  it('points at the top of an empty document', async () => {
    const error = await manifestError('# nothing yet\n');
    expect(error.issues).toEqual([
      {
        code: 'wrong_type',
        path: '',
        line: 1,
        column: 1,
        message:
          'expected a map of manifest keys, found nothing — start with `version: 1` (docs/models.md)',
      },
    ]);
  });
});
