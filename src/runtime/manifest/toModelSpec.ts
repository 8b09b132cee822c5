import type {
  BindingRef,
  BufferSpec,
  DispatchSpec,
  LossSpec,
  ModelSpec,
  RegularisationSpec,
} from '../modelSpec.ts';
import type { ManifestFiles } from './manifestFiles.ts';
import type {
  ManifestBuffer,
  ManifestDispatch,
  ManifestDocument,
  ManifestLoss,
} from './manifestTypes.ts';

/**
 * The ModelSpec a checked manifest describes: files read in, defaults filled in, short forms
 * expanded. Only called once every check has passed.
 */
export function toModelSpec(m: ManifestDocument, files: ManifestFiles): ModelSpec {
  return {
    name: m.name,
    ...(m.description !== undefined && { description: m.description }),
    dt: m.dt,
    steps: m.steps,
    kernels: m.kernels.map((k) => ({
      name: k.name,
      file: k.file,
      source: files.kernels.get(k.name)?.source ?? '',
    })),
    buffers: m.buffers.map((b, i) => toBuffer(b, files.data.get(i))),
    parameters: (m.parameters ?? []).map((p) => ({
      name: p.name,
      buffer: p.buffer,
      offset: p.offset ?? 0,
      count: p.count ?? 1,
      lower: p.lower,
      upper: p.upper,
      ...(p.initial !== undefined && { initial: p.initial }),
      ...(p.unit !== undefined && { unit: p.unit }),
    })),
    inputs: (m.inputs ?? []).map((input) => ({
      buffer: input.buffer,
      column: input.column,
      channel: input.channel,
      interpolation: input.interpolation ?? 'linear',
    })),
    schedule: m.schedule.map(toDispatch),
    observables: (m.observables ?? []).map((o) => ({
      name: o.name,
      buffer: o.buffer,
      index: o.index,
      ...(o.channel !== undefined && { channel: o.channel }),
      ...(o.scale !== undefined && { scale: o.scale }),
    })),
    loss: toLoss(m.loss ?? {}),
  };
}

function toBuffer(b: ManifestBuffer, fromFile: readonly number[] | undefined): BufferSpec {
  const spec = { name: b.name, role: b.role, type: b.type ?? 'f32', length: b.length };
  const initial = b.initial;
  if (initial === undefined) return spec;
  if (Array.isArray(initial)) return { ...spec, initial: [...(initial as readonly number[])] };
  if ('fill' in initial) return { ...spec, initial: { fill: initial.fill } };
  return { ...spec, initial: [...(fromFile ?? [])] };
}

function toDispatch(d: ManifestDispatch): DispatchSpec {
  const counts = typeof d.workgroups === 'number' ? [d.workgroups] : d.workgroups;
  const bindings = Object.fromEntries(
    Object.entries(d.bindings).map(([variable, ref]): [string, BindingRef] => [
      variable,
      typeof ref === 'string'
        ? { buffer: ref }
        : { buffer: ref.buffer, ...(ref.phase !== undefined && { phase: ref.phase }) },
    ]),
  );
  return {
    kernel: d.kernel,
    entry: d.entry,
    workgroups: [counts[0] ?? 1, counts[1] ?? 1, counts[2] ?? 1],
    bindings,
    ...(d.clock !== undefined && { clock: d.clock }),
  };
}

function toLoss(loss: ManifestLoss): LossSpec {
  return {
    kind: loss.kind ?? 'weighted_squared_error',
    every: loss.every ?? 1,
    ...(loss.window !== undefined && {
      window: { start: loss.window.start, end: loss.window.end },
    }),
    ...(loss.weights !== undefined && { weights: { ...loss.weights } }),
    regularisation: (loss.regularisation ?? []).map((r): RegularisationSpec =>
      r.kind === 'l2'
        ? { kind: 'l2', parameter: r.parameter, weight: r.weight, towards: r.towards ?? 0 }
        : {
            kind: 'smoothness',
            parameter: r.parameter,
            weight: r.weight,
            shape: [...(r.shape ?? [])],
          },
    ),
  };
}
