import {
  generateAdjoint,
  type AdjointKernel,
  type GradientBuffer,
} from '../gpu/autodiff/adjoint.ts';
import { checkModule, type Binding, type CheckedModule } from '../gpu/autodiff/checker.ts';
import { KernelError } from '../gpu/autodiff/errors.ts';
import { forwardKernel } from '../gpu/autodiff/forward.ts';
import { parseWgsl } from '../gpu/autodiff/parser.ts';
import { arrayStride, layoutOf, slotKinds, typeName, type Type } from '../gpu/autodiff/types.ts';
import { initialValues } from './bufferContents.ts';
import { ModelError, type ModelErrorReason } from './modelError.ts';
import type {
  BufferSpec,
  DispatchSpec,
  ModelSpec,
  ObservableSpec,
  ParameterSpec,
} from './modelSpec.ts';

/** A buffer as a dispatch sees it: a state's current or next copy, or any other buffer. */
export interface BufferRef {
  readonly buffer: string;
  readonly phase: 'current' | 'next' | null;
}

/** One variable of a dispatch's entry point and what it is bound to. */
export interface PlannedBinding {
  readonly variable: Binding;
  /** Null for the clock uniform. */
  readonly ref: BufferRef | null;
  readonly writes: 'store' | 'accumulate' | null;
}

export interface PlannedDispatch {
  readonly index: number;
  /** `dispatch 0 (heatPlate.step)`, for messages and GPU labels. */
  readonly label: string;
  readonly spec: DispatchSpec;
  /** The forward WGSL as it runs on the GPU (with `+=` into float buffers made atomic). */
  readonly forwardSource: string;
  readonly adjoint: AdjointKernel;
  /** Every variable the forward entry point uses. */
  readonly bindings: readonly PlannedBinding[];
  /** The primal variables the adjoint reads (a subset of `bindings`). */
  readonly adjointBindings: readonly PlannedBinding[];
  /** Each gradient buffer of the adjoint and the buffer whose gradient it holds. */
  readonly gradients: readonly { readonly buffer: GradientBuffer; readonly of: BufferRef }[];
  /** Buffers this dispatch accumulates into (`+=`): zeroed before it runs. */
  readonly zeroed: readonly BufferRef[];
}

export interface PlannedParameter {
  readonly spec: ParameterSpec;
  /** Where the slice starts in the parameter vector. */
  readonly offset: number;
}

/**
 * A ModelSpec checked against its kernels, with the adjoint of every dispatch generated: all
 * a device needs to create pipelines. Pure (no GPU), so models are validated in tests, workers
 * and the CLI alike.
 */
export interface ModelPlan {
  readonly spec: ModelSpec;
  /** Each kernel of the schedule, checked with the runtime's differentiability marks. */
  readonly kernels: ReadonlyMap<string, CheckedModule>;
  readonly buffers: ReadonlyMap<string, BufferSpec>;
  readonly stateBuffers: readonly BufferSpec[];
  readonly dispatches: readonly PlannedDispatch[];
  /**
   * True when some dispatch reads what another wrote in the same step (a scratch buffer or a
   * state's next copy): the reverse pass then replays each step's dispatches to get it back.
   */
  readonly replay: boolean;
  readonly parameters: readonly PlannedParameter[];
  /** Length of the parameter vector: the ParameterSpec slices, in order. */
  readonly parameterCount: number;
  /** Buffers some kernel binds as `var<uniform>`. */
  readonly uniformBuffers: ReadonlySet<string>;
}

const refKey = (r: BufferRef) => (r.phase ? `${r.buffer}.${r.phase}` : r.buffer);
const isInteger = (x: number, min: number) => Number.isInteger(x) && x >= min;

/** Buffers gradients flow through: f32, and not constants. */
export const carriesGradient = (b: BufferSpec) => b.type === 'f32' && b.role !== 'constant';

/**
 * Checks a model against its kernels and generates the adjoint of every dispatch, or throws a
 * ModelError that names the dispatch, variable or buffer and says what to change.
 */
export function planModel(spec: ModelSpec): ModelPlan {
  const fail = (
    reason: ModelErrorReason,
    where: string,
    problem: string,
    cause?: unknown,
  ): never => {
    throw new ModelError(
      reason,
      `model "${spec.name}": ${where ? `${where}: ` : ''}${problem}`,
      cause === undefined ? undefined : { cause },
    );
  };

  if (!(spec.dt > 0) || !Number.isFinite(spec.dt))
    fail('bad_value', '', `dt is ${spec.dt}. Give the step length in seconds, a positive number`);
  if (!isInteger(spec.steps, 1))
    fail('bad_value', '', `steps is ${spec.steps}. Give a positive whole number of steps`);
  const unique = <T extends { readonly name: string }>(items: readonly T[], what: string) => {
    const seen = new Map<string, T>();
    for (const item of items) {
      if (seen.has(item.name))
        fail('duplicate_name', '', `two ${what}s are named "${item.name}". Rename one`);
      seen.set(item.name, item);
    }
    return seen;
  };
  const kernelSpecs = unique(spec.kernels, 'kernel');
  const buffers = unique(spec.buffers, 'buffer');
  unique(spec.parameters, 'parameter');
  unique(spec.observables, 'observable');

  for (const b of spec.buffers) checkBuffer(b, fail);

  // ---- kernels: parse and check once unmarked (for binding types), then with the marks ----
  const parsed = new Map<string, CheckedModule>();
  const check = (name: string, differentiable: readonly string[]) => {
    const k = kernelSpecs.get(name)!;
    try {
      return checkModule(parseWgsl(k.source, k.file), { file: k.file, differentiable });
    } catch (error) {
      if (error instanceof KernelError)
        return fail('kernel', `kernel ${name}`, `${error.message}`, error);
      throw error;
    }
  };
  spec.schedule.forEach((d, i) => {
    const where = `dispatch ${i} (${d.kernel}.${d.entry})`;
    if (!kernelSpecs.has(d.kernel))
      fail(
        'unknown_reference',
        where,
        `kernel "${d.kernel}" is not among the model's kernels (${[...kernelSpecs.keys()].join(', ')}). Add it under kernels or fix the name`,
      );
    if (!parsed.has(d.kernel)) parsed.set(d.kernel, check(d.kernel, []));
  });

  // Variables bound to gradient-carrying buffers are differentiable in every kernel that binds them.
  const marks = new Map<string, Set<string>>();
  for (const d of spec.schedule) {
    const variables = parsed.get(d.kernel)!.bindings;
    for (const [name, ref] of Object.entries(d.bindings)) {
      const variable = variables.find((v) => v.name === name);
      const buffer = buffers.get(ref.buffer);
      if (
        variable &&
        buffer &&
        carriesGradient(buffer) &&
        slotKinds(sized(variable.type)).some((k) => k === 'f32')
      ) {
        const set = marks.get(d.kernel) ?? new Set<string>();
        set.add(name);
        marks.set(d.kernel, set);
      }
    }
  }
  const checked = new Map<string, CheckedModule>();
  for (const name of parsed.keys()) checked.set(name, check(name, [...(marks.get(name) ?? [])]));

  // ---- dispatches -------------------------------------------------------------------------
  const uniformBuffers = new Set<string>();
  const adjoints = new Map<string, AdjointKernel>();
  const forwards = new Map<string, string>();
  const dispatches: PlannedDispatch[] = spec.schedule.map((d, index) => {
    const label = `dispatch ${index} (${d.kernel}.${d.entry})`;
    const module = checked.get(d.kernel)!;
    const info = module.functions.get(d.entry);
    if (!info?.workgroupSize)
      fail(
        'unknown_reference',
        label,
        `kernel ${d.kernel} has no compute entry point "${d.entry}" (it has ${module.entryPoints.map((e) => e.name).join(', ') || 'none'}). Fix entry`,
      );
    if (d.workgroups.length !== 3 || d.workgroups.some((w) => !isInteger(w, 1) || w > 65535))
      fail(
        'bad_value',
        label,
        `workgroups [${d.workgroups.join(', ')}] are not three whole numbers from 1 to 65535. Give [x, y, z] with 1 for unused dimensions`,
      );
    const effects = module.effects.get(d.entry)!;
    const used = module.bindings.filter(
      (b) =>
        effects.reads.has(b.name) || effects.stores.has(b.name) || effects.accumulates.has(b.name),
    );
    for (const name of Object.keys(d.bindings)) {
      if (!module.bindings.some((b) => b.name === name))
        fail(
          'unknown_reference',
          label,
          `binds variable "${name}", which kernel ${d.kernel} (${kernelSpecs.get(d.kernel)!.file}) does not declare. Remove it or fix the name (declared: ${module.bindings.map((b) => b.name).join(', ')})`,
        );
      if (name === d.clock)
        fail(
          'unbound_variable',
          label,
          `variable ${name} is the clock and also bound to a buffer. Remove it from bindings`,
        );
    }
    if (d.clock !== undefined && !module.bindings.some((b) => b.name === d.clock))
      fail(
        'unknown_reference',
        label,
        `clock variable "${d.clock}" is not declared in kernel ${d.kernel}. Fix clock or declare var<uniform> ${d.clock}: Clock`,
      );

    const bindings: PlannedBinding[] = used.map((variable) => {
      const writes = effects.stores.has(variable.name)
        ? 'store'
        : effects.accumulates.has(variable.name)
          ? 'accumulate'
          : null;
      const where = `${label}: variable ${variable.name}`;
      if (variable.name === d.clock) {
        checkClock(variable, (problem) => fail('unbound_variable', where, problem));
        return { variable, ref: null, writes };
      }
      const ref = d.bindings[variable.name];
      if (!ref)
        fail(
          'unbound_variable',
          label,
          `${d.entry} uses variable ${variable.name}, which is not bound. Add ${variable.name}: { buffer: … } to the dispatch's bindings${variable.addressSpace === 'uniform' ? ', or name it as the clock' : ''}`,
        );
      const buffer = buffers.get(ref!.buffer);
      if (!buffer)
        fail(
          'unknown_reference',
          where,
          `bound to buffer "${ref!.buffer}", which does not exist. Declare it under buffers or bind an existing one`,
        );
      const b = buffer!;
      if (b.role === 'state' && ref!.phase === undefined)
        fail(
          'unbound_variable',
          where,
          `state buffer ${b.name} needs a phase. Bind it as phase: current (read) or phase: next (written)`,
        );
      if (b.role !== 'state' && ref!.phase !== undefined)
        fail(
          'unbound_variable',
          where,
          `${b.role} buffer ${b.name} has no current and next copies. Remove phase: ${ref!.phase}`,
        );
      checkType(variable, b, (problem) => fail('type_mismatch', where, problem));
      if (variable.addressSpace === 'uniform') uniformBuffers.add(b.name);
      if (writes) {
        if (b.role === 'state' && ref!.phase === 'current')
          fail(
            'read_only_buffer',
            where,
            `${d.entry} writes state buffer ${b.name} bound as current. Bind it as phase: next; the runtime swaps current and next after each step`,
          );
        if (b.role !== 'state' && b.role !== 'scratch')
          fail(
            'read_only_buffer',
            where,
            `${d.entry} writes ${b.role} buffer ${b.name}, which is read-only during a run. Write into a scratch or state buffer`,
          );
      }
      return { variable, ref: { buffer: b.name, phase: ref!.phase ?? null }, writes };
    });

    // One buffer behind two variables: WebGPU refuses writable aliases, and the adjoint's two
    // gradient buffers would be one.
    const byBuffer = new Map<string, PlannedBinding[]>();
    for (const pb of bindings) {
      if (!pb.ref) continue;
      const list = byBuffer.get(refKey(pb.ref)) ?? [];
      list.push(pb);
      byBuffer.set(refKey(pb.ref), list);
    }
    for (const [key, list] of byBuffer) {
      const b = buffers.get(list[0]!.ref!.buffer)!;
      if (list.length > 1 && (list.some((x) => x.writes) || carriesGradient(b)))
        fail(
          'aliased_binding',
          label,
          `variables ${list.map((x) => x.variable.name).join(' and ')} are all bound to ${key}. Bind one variable to it and read it through that one`,
        );
    }

    const adjointKey = `${d.kernel}.${d.entry}`;
    let adjoint = adjoints.get(adjointKey);
    if (!adjoint) {
      try {
        adjoint = generateAdjoint(module, d.entry, { mode: 'atomic' });
      } catch (error) {
        if (error instanceof KernelError) fail('kernel', label, error.message, error);
        throw error;
      }
      adjoints.set(adjointKey, adjoint);
    }
    let forwardSource = forwards.get(d.kernel);
    if (forwardSource === undefined) {
      const accumulates = [...module.effects.values()].some((e) => e.accumulates.size > 0);
      forwardSource = accumulates
        ? forwardKernel(module, { mode: 'atomic' }).source
        : module.module.source;
      forwards.set(d.kernel, forwardSource);
    }
    const byName = new Map(bindings.map((b) => [b.variable.name, b]));
    const adjointBindings = adjoint.primalBindings
      .map((name) => byName.get(name))
      .filter((b): b is PlannedBinding => b !== undefined);
    const gradients = adjoint.gradients.map((g) => {
      const of = byName.get(g.of)?.ref;
      if (!of)
        return fail(
          'unbound_variable',
          label,
          `the adjoint needs a gradient of ${g.of}, which the entry point does not bind. Bind ${g.of} or remove its // @diff mark`,
        );
      return { buffer: g, of };
    });
    return {
      index,
      label,
      spec: d,
      forwardSource,
      adjoint,
      bindings,
      adjointBindings,
      gradients,
      zeroed: bindings.filter((b) => b.writes === 'accumulate' && b.ref).map((b) => b.ref!),
    };
  });

  // ---- what each step writes and reads, in dispatch order --------------------------------
  const writer = new Map<string, PlannedDispatch>();
  let replay = false;
  for (const d of dispatches) {
    for (const pb of d.bindings) {
      if (!pb.ref || pb.writes) continue;
      const b = buffers.get(pb.ref.buffer)!;
      const intermediate = b.role === 'scratch' || pb.ref.phase === 'next';
      if (!intermediate) continue;
      replay = true;
      if (!writer.has(refKey(pb.ref)))
        fail(
          'read_before_write',
          `${d.label}: variable ${pb.variable.name}`,
          `reads ${refKey(pb.ref)} before any dispatch of the step writes it. Move the dispatch that writes ${b.name} earlier in the schedule${b.role === 'state' ? ', or bind the state as phase: current' : ''}`,
        );
    }
    for (const pb of d.bindings) {
      if (!pb.ref || !pb.writes) continue;
      const first = writer.get(refKey(pb.ref));
      if (first)
        fail(
          'write_count',
          d.label,
          `writes ${refKey(pb.ref)}, which ${first.label} already wrote this step. Write each buffer from one dispatch; use a scratch buffer for intermediate results`,
        );
      writer.set(refKey(pb.ref), d);
    }
  }
  const stateBuffers = spec.buffers.filter((b) => b.role === 'state');
  for (const b of stateBuffers) {
    if (!writer.has(`${b.name}.next`))
      fail(
        'write_count',
        `buffer ${b.name}`,
        `state buffer ${b.name} is never written (no dispatch binds it as phase: next), so after the swap it would hold stale values. Write it every step, or give it role constant`,
      );
  }

  // ---- parameters, inputs, observables, loss ----------------------------------------------
  const parameters: PlannedParameter[] = [];
  let parameterCount = 0;
  const claimed = new Map<string, string>();
  for (const p of spec.parameters) {
    const where = `parameter ${p.name}`;
    const b = buffers.get(p.buffer);
    if (!b || b.role !== 'parameter' || b.type !== 'f32')
      fail(
        'unknown_reference',
        where,
        `buffer "${p.buffer}" is not an f32 buffer with role parameter. Point it at one`,
      );
    if (!isInteger(p.offset, 0) || !isInteger(p.count, 1) || p.offset + p.count > b!.length)
      fail(
        'bad_value',
        where,
        `elements ${p.offset}…${p.offset + p.count - 1} are outside buffer ${p.buffer} (length ${b!.length}). Fix offset and count`,
      );
    if (!Number.isFinite(p.lower) || !Number.isFinite(p.upper) || !(p.lower <= p.upper))
      fail(
        'bad_value',
        where,
        `bounds [${p.lower}, ${p.upper}] are not finite with lower ≤ upper. Fix lower and upper`,
      );
    if (p.initial !== undefined && !(p.initial >= p.lower && p.initial <= p.upper))
      fail(
        'bad_value',
        where,
        `initial value ${p.initial} is outside its bounds [${p.lower}, ${p.upper}]. Move it inside`,
      );
    for (let i = p.offset; i < p.offset + p.count; i++) {
      const other = claimed.get(`${p.buffer}[${i}]`);
      if (other)
        fail(
          'bad_value',
          where,
          `element ${i} of ${p.buffer} is also in parameter ${other}. Make the slices disjoint`,
        );
      claimed.set(`${p.buffer}[${i}]`, p.name);
    }
    parameters.push({ spec: p, offset: parameterCount });
    parameterCount += p.count;
  }
  const columns = new Set<string>();
  for (const input of spec.inputs) {
    const where = `input ${input.channel}`;
    const b = buffers.get(input.buffer);
    if (!b || b.role !== 'input')
      fail(
        'unknown_reference',
        where,
        `buffer "${input.buffer}" is not a buffer with role input. Point it at one`,
      );
    if (!isInteger(input.column, 0) || input.column >= b!.length)
      fail(
        'bad_value',
        where,
        `column ${input.column} is outside input buffer ${input.buffer} (width ${b!.length}). Fix column`,
      );
    if (columns.has(`${input.buffer}[${input.column}]`))
      fail(
        'bad_value',
        where,
        `column ${input.column} of ${input.buffer} is bound to two channels. Bind each column once`,
      );
    columns.add(`${input.buffer}[${input.column}]`);
  }
  for (const o of spec.observables) checkObservable(o, buffers, fail);
  checkLoss(spec, fail);

  return {
    spec,
    kernels: checked,
    buffers,
    stateBuffers,
    dispatches,
    replay,
    parameters,
    parameterCount,
    uniformBuffers,
  };
}

type Fail = (reason: ModelErrorReason, where: string, problem: string) => never;

function checkBuffer(b: BufferSpec, fail: Fail) {
  const where = `buffer ${b.name}`;
  if (!isInteger(b.length, 1))
    fail(
      'bad_value',
      where,
      `length ${b.length} is not a positive whole number of elements. Fix length`,
    );
  const values = initialValues(b);
  const isFill = b.initial !== undefined && values !== b.initial;
  if (b.initial !== undefined && !isFill && values.length !== b.length)
    fail(
      'bad_value',
      where,
      `initial has ${values.length} values for ${b.length} elements. Give every element, or { fill: value }`,
    );
  for (const v of values) {
    const ok = b.type === 'u32' ? Number.isInteger(v) && v >= 0 && v < 2 ** 32 : Number.isFinite(v);
    if (!ok)
      fail(
        'bad_value',
        where,
        `initial value ${v} is not a valid ${b.type}. Give ${b.type === 'u32' ? 'whole numbers from 0' : 'finite numbers'}`,
      );
  }
}

/** A runtime-sized array as one element, for slot kinds. */
function sized(type: Type): Type {
  return type.kind === 'array' && type.length === null ? { ...type, length: 1 } : type;
}

function checkType(variable: Binding, b: BufferSpec, fail: (problem: string) => never) {
  const kinds = slotKinds(sized(variable.type)).filter((k) => k !== null);
  const declared = typeName(variable.type);
  if (kinds.some((k) => k !== b.type))
    fail(
      `is declared ${declared} but bound to ${b.type} buffer ${b.name}. Declare it with ${b.type} elements only, or bind a ${kinds[0] === 'f32' ? 'f32' : 'u32'} buffer`,
    );
  const bytes = b.length * 4;
  const t = variable.type;
  if (t.kind === 'array' && t.length === null) {
    const stride = arrayStride(t.element);
    if (bytes % stride !== 0)
      fail(
        `is declared ${declared} (${stride / 4} elements per entry) but buffer ${b.name} has ${b.length} elements, not a multiple of ${stride / 4}. Fix the buffer's length`,
      );
  } else if (layoutOf(t).size !== bytes) {
    fail(
      `is declared ${declared} (${layoutOf(t).size / 4} elements) but buffer ${b.name} has ${b.length}. Make the lengths agree`,
    );
  }
}

function checkClock(variable: Binding, fail: (problem: string) => never) {
  const t = variable.type;
  const fields = t.kind === 'struct' ? t.members.map((m) => `${m.name}: ${typeName(m.type)}`) : [];
  if (
    variable.addressSpace !== 'uniform' ||
    fields.length !== 3 ||
    fields.join(', ') !== 'step: u32, time: f32, dt: f32'
  )
    fail(
      `is the clock but is declared var<${variable.addressSpace}> ${typeName(t)}. Declare struct Clock { step: u32, time: f32, dt: f32 } and var<uniform> ${variable.name}: Clock`,
    );
}

function checkObservable(o: ObservableSpec, buffers: ReadonlyMap<string, BufferSpec>, fail: Fail) {
  const where = `observable ${o.name}`;
  const b = buffers.get(o.buffer);
  if (!b || b.role !== 'state' || b.type !== 'f32')
    fail(
      'unknown_reference',
      where,
      `buffer "${o.buffer}" is not an f32 state buffer. Observe an f32 buffer with role state`,
    );
  if (!isInteger(o.index, 0) || o.index >= b.length)
    fail(
      'bad_value',
      where,
      `index ${o.index} is outside buffer ${o.buffer} (length ${b.length}). Fix index`,
    );
  if (o.scale !== undefined && !Number.isFinite(o.scale))
    fail('bad_value', where, `scale ${o.scale} is not a finite number. Fix scale`);
}

function checkLoss(spec: ModelSpec, fail: Fail) {
  const { loss } = spec;
  if (loss.kind !== 'weighted_squared_error')
    fail(
      'bad_value',
      'loss',
      `kind "${String(loss.kind)}" is not supported. Use weighted_squared_error`,
    );
  if (!isInteger(loss.every, 1))
    fail(
      'bad_value',
      'loss',
      `every is ${loss.every}. Give a positive whole number of steps between observations`,
    );
  if (
    loss.window &&
    !(
      isInteger(loss.window.start, 0) &&
      isInteger(loss.window.end, 1) &&
      loss.window.start < loss.window.end
    )
  )
    fail(
      'bad_value',
      'loss',
      `window [${loss.window.start}, ${loss.window.end}) is not whole steps with start < end. Fix window`,
    );
  for (const [name, w] of Object.entries(loss.weights ?? {})) {
    if (!spec.observables.some((o) => o.name === name))
      fail(
        'unknown_reference',
        'loss',
        `weights name "${name}", which is not an observable. Use observable names`,
      );
    if (!(w >= 0) || !Number.isFinite(w))
      fail('bad_value', 'loss', `weight ${w} of ${name} is not a finite number ≥ 0. Fix it`);
  }
  for (const r of loss.regularisation) {
    const p = spec.parameters.find((x) => x.name === r.parameter);
    const where = `loss: ${r.kind} regularisation`;
    if (!p)
      fail(
        'unknown_reference',
        where,
        `parameter "${r.parameter}" does not exist. Use a parameter name`,
      );
    if (!(r.weight >= 0) || !Number.isFinite(r.weight))
      fail('bad_value', where, `weight ${r.weight} is not a finite number ≥ 0. Fix it`);
    if (r.kind === 'l2' && !Number.isFinite(r.towards))
      fail('bad_value', where, `towards ${r.towards} is not a finite number. Fix it`);
    if (r.kind === 'smoothness') {
      const size = r.shape.reduce((a, b) => a * b, 1);
      if (r.shape.length === 0 || r.shape.some((s) => !isInteger(s, 1)) || size !== p.count)
        fail(
          'bad_value',
          where,
          `shape [${r.shape.join(', ')}] holds ${size} values but parameter ${p.name} has ${p.count}. Give a shape whose product is ${p.count}`,
        );
    }
  }
}
