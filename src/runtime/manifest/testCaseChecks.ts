import { suggestion } from './didYouMean.ts';
import type { PathSegment, UnplacedIssue } from './manifestError.ts';
import type {
  ManifestExpectation,
  ManifestGradientCheck,
  ManifestInvariant,
  ManifestTestCase,
} from './manifestTypes.ts';
import { observationSteps } from './observationSteps.ts';
import {
  expressionReferences,
  parseTestExpression,
  TestExpressionError,
} from './testExpression.ts';

/**
 * What the test-case checks read of a model. Both a manifest (`ManifestDocument`) and a
 * `ModelSpec` are one, so the worker checks cases built by hand with the same rules.
 */
export interface TestModelView {
  readonly steps: number;
  readonly buffers: readonly {
    readonly name: string;
    readonly role: string;
    readonly type?: 'f32' | 'u32';
    readonly length: number;
  }[];
  readonly parameters?: readonly {
    readonly name: string;
    readonly count?: number;
    readonly lower: number;
    readonly upper: number;
  }[];
  readonly inputs?: readonly { readonly channel: string; readonly buffer: string }[];
  readonly observables?: readonly { readonly name: string; readonly channel?: string }[];
  readonly loss?: {
    readonly every?: number;
    readonly window?: { readonly start: number; readonly end: number };
  };
}

type Report = (issue: UnplacedIssue) => void;

/**
 * The rules of `tests` the schema cannot express: unique names; overrides name parameters,
 * channels and state buffers of the model with the right number of values; expressions parse
 * and read observables and state buffers; expectations compare at sampled steps with a
 * tolerance; invariants have a bound; gradient checks name a parameter and have a loss.
 */
export function checkTestCases(
  model: TestModelView,
  tests: readonly ManifestTestCase[],
): UnplacedIssue[] {
  const issues: UnplacedIssue[] = [];
  const report: Report = (issue) => issues.push(issue);
  const first = new Map<string, number>();
  tests.forEach((t, i) => {
    const earlier = first.get(t.name);
    if (earlier !== undefined)
      report({
        code: 'duplicate_name',
        path: ['tests', i, 'name'],
        message: `test name \`${t.name}\` is already used by tests[${earlier}] — give each case its own name`,
      });
    else first.set(t.name, i);
    checkCase(model, t, ['tests', i], report);
  });
  return issues;
}

function checkCase(
  model: TestModelView,
  t: ManifestTestCase,
  at: readonly PathSegment[],
  report: Report,
) {
  const steps = t.steps ?? model.steps;
  const every = t.every ?? model.loss?.every ?? 1;
  const parameters = new Map((model.parameters ?? []).map((p) => [p.name, p]));
  const buffers = new Map(model.buffers.map((b) => [b.name, b]));
  const states = model.buffers.filter((b) => b.role === 'state').map((b) => b.name);

  for (const [name, value] of Object.entries(t.parameters ?? {})) {
    const p = parameters.get(name);
    if (p === undefined) {
      report({
        code: 'unresolved_reference',
        path: [...at, 'parameters', name],
        at: 'key',
        message: `no parameter named \`${name}\`${suggestion(name, [...parameters.keys()], 'parameters')}`,
      });
    } else if (Array.isArray(value) && value.length !== (p.count ?? 1)) {
      report({
        code: 'length_mismatch',
        path: [...at, 'parameters', name],
        message: `${value.length} values for parameter \`${name}\`, which has ${p.count ?? 1} elements — give one per element, or one number for all`,
      });
    }
  }

  const channels = (model.inputs ?? []).map((input) => input.channel);
  for (const [channel, value] of Object.entries(t.inputs ?? {})) {
    if (!channels.includes(channel)) {
      report({
        code: 'unresolved_reference',
        path: [...at, 'inputs', channel],
        at: 'key',
        message: `no input is bound to channel \`${channel}\`${suggestion(channel, channels, 'input channels')}`,
      });
      continue;
    }
    if (!Array.isArray(value)) continue;
    const samples = value as readonly (readonly number[])[];
    const bad = samples.findIndex((s, k) => k > 0 && !(s[0]! > samples[k - 1]![0]!));
    if (bad > 0)
      report({
        code: 'out_of_range',
        path: [...at, 'inputs', channel, bad, 0],
        message: `sample time ${samples[bad]![0]} does not follow ${samples[bad - 1]![0]} — give [time, value] samples with increasing times (seconds)`,
      });
  }

  for (const [name, value] of Object.entries(t.initialState ?? {})) {
    const path = [...at, 'initialState', name];
    const b = buffers.get(name);
    if (b === undefined || b.role !== 'state') {
      report({
        code: b === undefined ? 'unresolved_reference' : 'wrong_role',
        path,
        at: 'key',
        message:
          b === undefined
            ? `no state buffer named \`${name}\`${suggestion(name, states, 'state buffers')}`
            : `buffer \`${name}\` has role ${b.role}; initialState sets state buffers — name one of ${states.map((s) => `\`${s}\``).join(', ')}`,
      });
      continue;
    }
    const values = Array.isArray(value)
      ? (value as readonly number[])
      : [(value as { fill: number }).fill];
    if (Array.isArray(value) && values.length !== b.length)
      report({
        code: 'length_mismatch',
        path,
        message: `${values.length} values for \`${name}\`, which has length ${b.length} — give exactly ${b.length}, or {fill: x}`,
      });
    const notU32 = values.findIndex((v) => !(Number.isInteger(v) && v >= 0 && v < 2 ** 32));
    if ((b.type ?? 'f32') === 'u32' && notU32 >= 0)
      report({
        code: 'out_of_range',
        path: Array.isArray(value) ? [...path, notU32] : [...path, 'fill'],
        message: `${values[notU32]} is not a u32 — \`${name}\` holds whole numbers from 0 to 4294967295`,
      });
  }

  const expression = (text: string, path: readonly PathSegment[]) =>
    checkExpression(model, text, path, report);
  const sampled = (step: number, path: readonly PathSegment[], what: string) => {
    if (step > steps) {
      report({
        code: 'out_of_bounds',
        path,
        message: `${what} ${step} is past the case's ${steps} steps — lower it or raise the case's \`steps\``,
      });
      return;
    }
    if (step % every !== 0 && step !== steps)
      report({
        code: 'not_sampled',
        path,
        message: `the case samples the state after every ${every} steps and after the last (${steps}); step ${step} is not one — use a multiple of ${every}, or set \`every\``,
      });
  };

  (t.expect ?? []).forEach((e: ManifestExpectation, j) => {
    const path = [...at, 'expect', j];
    expression(e.value, [...path, 'value']);
    if (e.step !== undefined) sampled(e.step, [...path, 'step'], 'step');
    if (e.tolerance === undefined && e.relative === undefined)
      report({
        code: 'missing_key',
        path,
        message: `missing \`tolerance\` or \`relative\` — give the absolute or relative error allowed (0 for an exact match; float32 results are rarely exact)`,
      });
  });

  (t.invariants ?? []).forEach((v: ManifestInvariant, j) => {
    const path = [...at, 'invariants', j];
    expression(v.value, [...path, 'value']);
    if (v.min === undefined && v.max === undefined)
      report({
        code: 'missing_key',
        path,
        message: 'missing `min` or `max` — give the bounds the value must stay within',
      });
    else if (v.min !== undefined && v.max !== undefined && v.min > v.max)
      report({
        code: 'bad_bounds',
        path: [...path, 'min'],
        message: `min ${v.min} is above max ${v.max} — swap them`,
      });
    if (v.from !== undefined && v.from > steps)
      report({
        code: 'out_of_bounds',
        path: [...path, 'from'],
        message: `from ${v.from} is past the case's ${steps} steps, so no sample is checked — lower it`,
      });
  });

  (t.gradients ?? []).forEach((g: ManifestGradientCheck, j) =>
    checkGradient(model, g, steps, [...at, 'gradients', j], report),
  );
}

function checkGradient(
  model: TestModelView,
  g: ManifestGradientCheck,
  steps: number,
  at: readonly PathSegment[],
  report: Report,
) {
  const parameters = model.parameters ?? [];
  const p = parameters.find((x) => x.name === g.parameter);
  if (p === undefined)
    report({
      code: 'unresolved_reference',
      path: [...at, 'parameter'],
      message: `no parameter named \`${g.parameter}\`${suggestion(
        g.parameter,
        parameters.map((x) => x.name),
        'parameters',
      )}`,
    });
  const count = p?.count ?? 1;
  (g.elements ?? []).forEach((e, k) => {
    if (p !== undefined && e >= count)
      report({
        code: 'out_of_bounds',
        path: [...at, 'elements', k],
        message: `element ${e} is past the end of parameter \`${p.name}\` (${count} elements, 0…${count - 1}) — use an element below ${count}`,
      });
  });
  const observables = model.observables ?? [];
  const compared = observables.filter((o) => o.channel !== undefined);
  if (compared.length === 0) {
    report({
      code: 'unresolved_reference',
      path: [...at, 'parameter'],
      message:
        "a gradient check differentiates the fit's loss, which compares observables that have a channel, and this model has none — give an observable a `channel`",
    });
    return;
  }
  for (const name of Object.keys(g.target ?? {})) {
    const o = observables.find((x) => x.name === name);
    if (o?.channel === undefined)
      report({
        code: 'unresolved_reference',
        path: [...at, 'target', name],
        at: 'key',
        message:
          o === undefined
            ? `no observable named \`${name}\`${suggestion(
                name,
                compared.map((x) => x.name),
                'observables with a channel',
              )}`
            : `observable \`${name}\` has no channel, so the loss does not compare it — give it a channel or remove its target`,
      });
  }
  const every = model.loss?.every ?? 1;
  const window = model.loss?.window;
  if (
    observationSteps({ steps, loss: { every, ...(window ? { window } : {}) } }).every(
      (n) => n > steps,
    )
  )
    report({
      code: 'empty_window',
      path: [...at, 'parameter'],
      message: `the loss observes the state after every ${every} steps${window ? ` in the window [${window.start}, ${window.end})` : ''}, and the case's ${steps} steps hold no such observation — run the case for more steps`,
    });
}

function checkExpression(
  model: TestModelView,
  text: string,
  path: readonly PathSegment[],
  report: Report,
) {
  const bad = (within: number, message: string, code: UnplacedIssue['code'] = 'bad_expression') =>
    report({ code, path, within, message: `\`${text}\`: ${message}` });
  let tree;
  try {
    tree = parseTestExpression(text);
  } catch (error) {
    if (error instanceof TestExpressionError) return bad(error.at, error.problem);
    throw error;
  }
  const observables = (model.observables ?? []).map((o) => o.name);
  const buffers = new Map(model.buffers.map((b) => [b.name, b]));
  const states = model.buffers.filter((b) => b.role === 'state').map((b) => b.name);
  const { scalars, buffers: used } = expressionReferences(tree);
  for (const { name, at } of scalars) {
    if (observables.includes(name)) continue;
    const b = buffers.get(name);
    if (b?.role === 'state')
      bad(
        at,
        `\`${name}\` is a state buffer of ${b.length} values — index it (\`${name}[0]\`) or reduce it (\`sum(${name})\`, \`mean\`, \`min\`, \`max\`)`,
      );
    else if (b !== undefined)
      bad(
        at,
        `\`${name}\` is a ${b.role} buffer; expressions read observables and state buffers`,
        'wrong_role',
      );
    else
      bad(
        at,
        `no observable named \`${name}\`${suggestion(name, [...observables, ...states], 'observables or state buffers')}`,
        'unresolved_reference',
      );
  }
  for (const { name, at, index } of used) {
    const b = buffers.get(name);
    if (b === undefined)
      bad(
        at,
        `no state buffer named \`${name}\`${suggestion(name, states, 'state buffers')}`,
        'unresolved_reference',
      );
    else if (b.role !== 'state')
      bad(
        at,
        `\`${name}\` is a ${b.role} buffer; expressions read state buffers, sampled during the run — use one of ${states.map((s) => `\`${s}\``).join(', ')}`,
        'wrong_role',
      );
    else if (index !== undefined && index >= b.length)
      bad(
        at,
        `index ${index} is past the end of \`${name}\` (length ${b.length}, 0…${b.length - 1})`,
        'out_of_bounds',
      );
  }
}
