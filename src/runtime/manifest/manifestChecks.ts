import { suggestion } from './didYouMean.ts';
import type { PathSegment, UnplacedIssue } from './manifestError.ts';
import type {
  ManifestBuffer,
  ManifestDispatch,
  ManifestDocument,
  ManifestParameter,
} from './manifestTypes.ts';
import { observationSteps } from './observationSteps.ts';
import { checkTestCases } from './testCaseChecks.ts';
import type { WgslSymbols } from './wgslSymbols.ts';

/** What the checks know of the files a manifest names; a file that could not be read is absent. */
export interface LoadedFiles {
  /** Kernel name → symbols of its WGSL source. */
  readonly kernels: ReadonlyMap<string, { readonly file: string; readonly symbols: WgslSymbols }>;
  /** Buffer index → values read from its `initial: {file}`. */
  readonly data: ReadonlyMap<number, readonly number[]>;
}

/**
 * The rules the JSON Schema cannot express: names are unique and resolve, slices and indices
 * fit their buffers, bounds are ordered, shapes and lengths agree, test cases read what the
 * model has (testCaseChecks.ts). Returns every violation.
 */
export function checkManifest(m: ManifestDocument, files: LoadedFiles): UnplacedIssue[] {
  const issues: UnplacedIssue[] = [];
  const report = (issue: UnplacedIssue) => issues.push(issue);
  const kernelNames = uniqueNames(m.kernels, 'kernels', 'kernel', report);
  const buffers = uniqueNames(m.buffers, 'buffers', 'buffer', report);
  const parameters = uniqueNames(m.parameters ?? [], 'parameters', 'parameter', report);
  const observables = uniqueNames(m.observables ?? [], 'observables', 'observable', report);

  /** The buffer a reference names when it exists and has the role; otherwise reports why not. */
  const buffer = (
    name: string,
    path: readonly PathSegment[],
    roles: readonly ManifestBuffer['role'][],
    why: string,
  ): ManifestBuffer | undefined => {
    const found = buffers.get(name);
    if (found === undefined) {
      report({
        code: 'unresolved_reference',
        path,
        message: `no buffer named \`${name}\`${suggestion(name, [...buffers.keys()], 'buffers')}`,
      });
      return undefined;
    }
    if (!roles.includes(found.role)) {
      report({
        code: 'wrong_role',
        path,
        message: `buffer \`${name}\` has role ${found.role}, but ${why} — point to ${/^[aeiou]/.test(roles[0] ?? '') ? 'an' : 'a'} ${roles.join(' or ')} buffer or change its role`,
      });
      return undefined;
    }
    return found;
  };

  m.buffers.forEach((b, i) => checkBufferData(b, i, files.data.get(i), report));
  checkParameters(m.parameters ?? [], buffer, files, m.buffers, report);
  checkInputs(m, buffer, report);
  m.schedule.forEach((d, i) => checkDispatch(d, i, kernelNames, buffers, files, report));
  checkStateWritten(m, report);

  (m.observables ?? []).forEach((o, i) => {
    const b = buffer(o.buffer, ['observables', i, 'buffer'], ['state'], 'observables read state');
    if (b === undefined) return;
    if ((b.type ?? 'f32') !== 'f32') {
      report({
        code: 'wrong_role',
        path: ['observables', i, 'buffer'],
        message: `buffer \`${b.name}\` holds u32; observables read f32 state — observe an f32 buffer`,
      });
    }
    if (o.index >= b.length) {
      report({
        code: 'out_of_bounds',
        path: ['observables', i, 'index'],
        message: `index ${o.index} is past the end of \`${b.name}\` (length ${b.length}, indices 0…${b.length - 1}) — use an index below ${b.length}`,
      });
    }
  });

  checkLoss(m, parameters, observables, report);
  issues.push(...checkTestCases(m, m.tests ?? []));
  return issues;
}

type Report = (issue: UnplacedIssue) => void;
type FindBuffer = (
  name: string,
  path: readonly PathSegment[],
  roles: readonly ManifestBuffer['role'][],
  why: string,
) => ManifestBuffer | undefined;

function uniqueNames<T extends { readonly name: string }>(
  items: readonly T[],
  list: string,
  what: string,
  report: Report,
): Map<string, T> {
  const byName = new Map<string, T>();
  const first = new Map<string, number>();
  items.forEach((item, i) => {
    const earlier = first.get(item.name);
    if (earlier !== undefined) {
      report({
        code: 'duplicate_name',
        path: [list, i, 'name'],
        message: `${what} name \`${item.name}\` is already used by ${list}[${earlier}] — give each ${what} its own name`,
      });
      return;
    }
    first.set(item.name, i);
    byName.set(item.name, item);
  });
  return byName;
}

/** The buffer's initial values as numbers, when it has a list (inline or from a file). */
function initialValues(b: ManifestBuffer, fromFile: readonly number[] | undefined) {
  if (b.initial === undefined) return undefined;
  if (Array.isArray(b.initial)) return b.initial as readonly number[];
  if ('file' in b.initial) return fromFile;
  return undefined;
}

function checkBufferData(
  b: ManifestBuffer,
  i: number,
  fromFile: readonly number[] | undefined,
  report: Report,
) {
  const initial = b.initial;
  if (initial === undefined) return;
  const values = initialValues(b, fromFile);
  const inFile = !Array.isArray(initial) && 'file' in initial ? initial.file : undefined;
  const path: PathSegment[] =
    inFile === undefined ? ['buffers', i, 'initial'] : ['buffers', i, 'initial', 'file'];
  if (values !== undefined && values.length !== b.length) {
    const source = inFile === undefined ? '`initial`' : `\`${inFile}\``;
    report({
      code: 'length_mismatch',
      path,
      message: `${source} has ${values.length} values but \`${b.name}\` has length ${b.length} — give exactly ${b.length} values, or use {fill: x}`,
    });
  }
  if ((b.type ?? 'f32') !== 'u32') return;
  const isU32 = (v: number) => Number.isInteger(v) && v >= 0 && v < 2 ** 32;
  if (!Array.isArray(initial) && 'fill' in initial) {
    if (!isU32(initial.fill)) {
      report({
        code: 'out_of_range',
        path: ['buffers', i, 'initial', 'fill'],
        message: `${initial.fill} is not a u32 — give a whole number from 0 to 4294967295, or make the buffer f32`,
      });
    }
    return;
  }
  const bad = values?.findIndex((v) => !isU32(v)) ?? -1;
  if (bad >= 0) {
    report({
      code: 'out_of_range',
      path: inFile === undefined ? [...path, bad] : path,
      message: `value ${values?.[bad]} (element ${bad}) is not a u32 — give whole numbers from 0 to 4294967295, or make the buffer f32`,
    });
  }
}

function checkParameters(
  list: readonly ManifestParameter[],
  buffer: FindBuffer,
  files: LoadedFiles,
  allBuffers: readonly ManifestBuffer[],
  report: Report,
) {
  const claimed: { buffer: string; from: number; to: number; name: string }[] = [];
  list.forEach((p, i) => {
    const at = (key: string): PathSegment[] => ['parameters', i, key];
    const offset = p.offset ?? 0;
    const count = p.count ?? 1;
    const boundsOrdered = p.lower < p.upper;
    if (!boundsOrdered) {
      report({
        code: 'bad_bounds',
        path: at('lower'),
        message: `lower bound ${p.lower} is not below upper bound ${p.upper} — swap them or widen the range`,
      });
    } else if (p.initial !== undefined && (p.initial < p.lower || p.initial > p.upper)) {
      report({
        code: 'bad_bounds',
        path: at('initial'),
        message: `starting value ${p.initial} is outside the bounds [${p.lower}, ${p.upper}] — move it inside or widen the bounds`,
      });
    }
    const b = buffer(p.buffer, at('buffer'), ['parameter'], 'parameters live in parameter buffers');
    if (b === undefined) return;
    if ((b.type ?? 'f32') !== 'f32') {
      report({
        code: 'wrong_role',
        path: at('buffer'),
        message: `buffer \`${b.name}\` holds u32; fitted parameters need an f32 buffer — set its type to f32`,
      });
      return;
    }
    if (offset + count > b.length) {
      report({
        code: 'out_of_bounds',
        path:
          offset >= b.length ? at('offset') : p.count !== undefined ? at('count') : at('offset'),
        message: `elements ${offset}…${offset + count - 1} run past the end of \`${b.name}\` (length ${b.length}) — lower offset or count, or lengthen the buffer`,
      });
      return;
    }
    const overlap = claimed.find(
      (c) => c.buffer === b.name && c.from < offset + count && offset < c.to,
    );
    if (overlap !== undefined) {
      report({
        code: 'overlap',
        path: p.offset !== undefined ? at('offset') : ['parameters', i],
        message: `elements ${offset}…${offset + count - 1} of \`${b.name}\` overlap parameter \`${overlap.name}\` (elements ${overlap.from}…${overlap.to - 1}) — each element belongs to one parameter`,
      });
    }
    claimed.push({ buffer: b.name, from: offset, to: offset + count, name: p.name });
    if (p.initial !== undefined || !boundsOrdered) return;
    // Without `initial`, a fit starts from the buffer's contents: they must be feasible.
    const index = allBuffers.indexOf(b);
    const values = initialValues(b, files.data.get(index));
    const fill =
      b.initial !== undefined && !Array.isArray(b.initial) && 'fill' in b.initial
        ? b.initial.fill
        : undefined;
    for (let e = offset; e < offset + count; e++) {
      const v = fill ?? (b.initial === undefined ? 0 : values?.[e]);
      if (v !== undefined && (v < p.lower || v > p.upper)) {
        report({
          code: 'bad_bounds',
          path: ['parameters', i],
          message: `no \`initial\`, so a fit starts from \`${b.name}\`'s contents, and element ${e} (${v}) is outside [${p.lower}, ${p.upper}] — set \`initial\` or change the buffer's initial data`,
        });
        break;
      }
    }
  });
}

function checkInputs(m: ManifestDocument, buffer: FindBuffer, report: Report) {
  const bound = new Map<string, number>();
  (m.inputs ?? []).forEach((input, i) => {
    const b = buffer(
      input.buffer,
      ['inputs', i, 'buffer'],
      ['input'],
      'channels fill input buffers',
    );
    if (b === undefined) return;
    if (input.column >= b.length) {
      report({
        code: 'out_of_bounds',
        path: ['inputs', i, 'column'],
        message: `column ${input.column} is outside \`${b.name}\` (width ${b.length}, columns 0…${b.length - 1}) — use a lower column or widen the buffer's length`,
      });
      return;
    }
    const key = `${b.name}[${input.column}]`;
    const earlier = bound.get(key);
    if (earlier !== undefined) {
      report({
        code: 'duplicate_name',
        path: ['inputs', i, 'column'],
        message: `column ${input.column} of \`${b.name}\` is already bound by inputs[${earlier}] — bind each column once`,
      });
    }
    bound.set(key, i);
  });
}

function checkDispatch(
  d: ManifestDispatch,
  i: number,
  kernels: ReadonlyMap<string, unknown>,
  buffers: ReadonlyMap<string, ManifestBuffer>,
  files: LoadedFiles,
  report: Report,
) {
  const at = (...rest: PathSegment[]): PathSegment[] => ['schedule', i, ...rest];
  if (!kernels.has(d.kernel)) {
    report({
      code: 'unresolved_reference',
      path: at('kernel'),
      message: `no kernel named \`${d.kernel}\`${suggestion(d.kernel, [...kernels.keys()], 'kernels')}`,
    });
  }
  // Without the source (unknown kernel, unreadable file) only the buffers can be checked.
  const source = files.kernels.get(d.kernel);
  const symbols = source?.symbols;
  if (source !== undefined && symbols !== undefined && !symbols.entries.includes(d.entry)) {
    report({
      code: 'unresolved_reference',
      path: at('entry'),
      message: `\`${source.file}\` has no @compute function \`${d.entry}\`${suggestion(d.entry, symbols.entries, 'entry points')}`,
    });
  }
  const variables = symbols === undefined ? undefined : [...symbols.storage, ...symbols.uniform];
  for (const [variable, ref] of Object.entries(d.bindings)) {
    const name = typeof ref === 'string' ? ref : ref.buffer;
    const phase = typeof ref === 'string' ? undefined : ref.phase;
    const refPath =
      typeof ref === 'string' ? at('bindings', variable) : at('bindings', variable, 'buffer');
    if (source !== undefined && variables !== undefined && !variables.includes(variable)) {
      report({
        code: 'unresolved_reference',
        path: at('bindings', variable),
        at: 'key',
        message: `\`${source.file}\` declares no var<storage> or var<uniform> \`${variable}\`${suggestion(variable, variables, 'variables')}`,
      });
    }
    if (variable === d.clock) {
      report({
        code: 'conflict',
        path: at('bindings', variable),
        at: 'key',
        message: `\`${variable}\` is the clock of this dispatch and cannot also be bound to a buffer — remove one of them`,
      });
    }
    const b = buffers.get(name);
    if (b === undefined) {
      report({
        code: 'unresolved_reference',
        path: refPath,
        message: `no buffer named \`${name}\`${suggestion(name, [...buffers.keys()], 'buffers')}`,
      });
      continue;
    }
    if (b.role === 'state' && phase === undefined) {
      report({
        code: 'phase',
        path: at('bindings', variable),
        message: `\`${name}\` is a state buffer — say which copy: {buffer: ${name}, phase: current} to read this step's state, or phase: next to write the next one`,
      });
    } else if (b.role !== 'state' && phase !== undefined) {
      report({
        code: 'phase',
        path: at('bindings', variable, 'phase'),
        message: `\`${name}\` has role ${b.role}; only state buffers have current and next copies — remove \`phase\``,
      });
    }
  }
  if (d.clock !== undefined && source !== undefined && symbols !== undefined) {
    if (!symbols.uniform.includes(d.clock)) {
      report({
        code: 'unresolved_reference',
        path: at('clock'),
        message: `\`${source.file}\` declares no var<uniform> \`${d.clock}\`${suggestion(d.clock, symbols.uniform, 'uniform variables')} (the clock is var<uniform> ${d.clock}: Clock with struct Clock { step: u32, time: f32, dt: f32 })`,
      });
    }
  }
}

function checkStateWritten(m: ManifestDocument, report: Report) {
  const written = new Set<string>();
  for (const d of m.schedule) {
    for (const ref of Object.values(d.bindings)) {
      if (typeof ref !== 'string' && ref.phase === 'next') written.add(ref.buffer);
    }
  }
  m.buffers.forEach((b, i) => {
    if (b.role !== 'state' || written.has(b.name)) return;
    report({
      code: 'never_written',
      path: ['buffers', i, 'role'],
      message: `state buffer \`${b.name}\` is never bound with phase: next, so no step writes it — bind it as next in the dispatch that computes it, or give it role constant`,
    });
  });
}

function checkLoss(
  m: ManifestDocument,
  parameters: ReadonlyMap<string, ManifestParameter>,
  observables: ReadonlyMap<string, { readonly channel?: string }>,
  report: Report,
) {
  const loss = m.loss;
  if (loss === undefined) return;
  const window = loss.window;
  let windowOk = true;
  if (window !== undefined) {
    if (window.start >= window.end) {
      windowOk = false;
      report({
        code: 'bad_bounds',
        path: ['loss', 'window', 'start'],
        message: `window start ${window.start} is not before end ${window.end} — the window is the steps [start, end); swap them or widen it`,
      });
    } else if (window.end > m.steps) {
      windowOk = false;
      report({
        code: 'out_of_bounds',
        path: ['loss', 'window', 'end'],
        message: `window end ${window.end} is past the run's ${m.steps} steps — lower it to at most ${m.steps} or raise \`steps\``,
      });
    }
  }
  const every = loss.every ?? 1;
  if (
    windowOk &&
    observationSteps({ steps: m.steps, loss: { every, ...(window ? { window } : {}) } }).length ===
      0
  ) {
    const range = window ? `[${window.start}, ${window.end})` : `[0, ${m.steps})`;
    report({
      code: 'empty_window',
      path: loss.every !== undefined ? ['loss', 'every'] : ['loss'],
      message: `with every: ${every}, the window ${range} contains no observation (states after a multiple of ${every} steps) — lower \`every\` or widen the window`,
    });
  }
  for (const [name, weight] of Object.entries(loss.weights ?? {})) {
    const observable = observables.get(name);
    if (observable === undefined) {
      report({
        code: 'unresolved_reference',
        path: ['loss', 'weights', name],
        at: 'key',
        message: `no observable named \`${name}\`${suggestion(name, [...observables.keys()], 'observables')}`,
      });
    } else if (observable.channel === undefined && weight > 0) {
      report({
        code: 'unresolved_reference',
        path: ['loss', 'weights', name],
        at: 'key',
        message: `observable \`${name}\` has no channel, so there is nothing to compare it with — give it a channel or remove its weight`,
      });
    }
  }
  (loss.regularisation ?? []).forEach((r, i) => {
    const at = (key: string): PathSegment[] => ['loss', 'regularisation', i, key];
    const p = parameters.get(r.parameter);
    if (p === undefined) {
      report({
        code: 'unresolved_reference',
        path: at('parameter'),
        message: `no parameter named \`${r.parameter}\`${suggestion(r.parameter, [...parameters.keys()], 'parameters')}`,
      });
      return;
    }
    if (r.kind === 'smoothness' && r.shape !== undefined) {
      const size = r.shape.reduce((a, b) => a * b, 1);
      const count = p.count ?? 1;
      if (size !== count) {
        report({
          code: 'shape_mismatch',
          path: at('shape'),
          message: `shape [${r.shape.join(', ')}] holds ${size} elements but parameter \`${p.name}\` has count ${count} — make the product of the shape ${count}`,
        });
      }
    }
  });
}
