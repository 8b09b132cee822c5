import type { ModelPipeline, ModelPipelines } from './gpuPipelines.ts';
import type { BufferRef, ModelPlan, PlannedBinding } from './modelPlan.ts';

/** One copy of every state buffer (a state of the model), on the GPU. */
export interface StateSet {
  readonly label: string;
  readonly buffers: ReadonlyMap<string, GPUBuffer>;
}

/** Per-call GPU data a step reads: the clock of every step and every input buffer's series. */
export interface StepSeries {
  /** 16 bytes per step: step (u32), time (f32), dt (f32), padding. */
  readonly clock: GPUBuffer;
  readonly inputs: ReadonlyMap<string, GPUBuffer>;
}

/** Where the reverse pass keeps adjoints. */
export interface AdjointBuffers {
  /** dLoss/d(state t) being gathered, and dLoss/d(state t + 1), swapped after each step. */
  readonly current: StateSet;
  readonly next: StateSet;
  /** Gradient of every non-state buffer: summed over steps (parameters), per step (others). */
  readonly fixed: ReadonlyMap<string, GPUBuffer>;
  /** Input buffers' gradients per step, `steps` rows. */
  readonly inputs: ReadonlyMap<string, GPUBuffer>;
}

export interface StepEncoder {
  /** Step t: state `from` → state `to`. */
  step(encoder: GPUCommandEncoder, t: number, from: StateSet, to: StateSet): void;
  /** Copies the observables of `state` into row `row` of `record`. */
  observe(encoder: GPUCommandEncoder, state: StateSet, record: GPUBuffer, row: number): void;
  /** Adds row `row` of the seed table (dLoss/d observables) into `adjoint`. */
  seed(encoder: GPUCommandEncoder, seeds: GPUBuffer, row: number, adjoint: StateSet): void;
  /**
   * The adjoint of step t from state `from`: gathers dLoss/d(state t) in `adjoint.current` from
   * dLoss/d(state t + 1) in `adjoint.next`, adds parameter gradients and writes row t of the
   * input gradients. `replay` receives the replayed state t + 1 when the plan needs a replay.
   */
  adjointStep(
    encoder: GPUCommandEncoder,
    t: number,
    from: StateSet,
    replay: StateSet | null,
    adjoint: AdjointBuffers,
  ): void;
  /** Forgets bind groups (call after the buffers of a run are destroyed). */
  reset(): void;
}

/**
 * Encodes the model's steps, observations and adjoint steps on the buffers it is given, caching
 * a bind group per combination of buffers (a run alternates between few).
 */
export function createStepEncoder(
  device: GPUDevice,
  plan: ModelPlan,
  pipelines: ModelPipelines,
  fixed: ReadonlyMap<string, GPUBuffer>,
  clock: GPUBuffer,
  seedIndex: ReadonlyMap<
    string,
    { readonly slots: GPUBuffer; readonly columns: GPUBuffer; readonly count: number }
  >,
  seedRow: GPUBuffer,
  series: () => StepSeries,
): StepEncoder {
  const ids = new WeakMap<GPUBuffer, number>();
  let nextId = 0;
  const idOf = (b: GPUBuffer) => {
    let id = ids.get(b);
    if (id === undefined) {
      id = nextId++;
      ids.set(b, id);
    }
    return id;
  };
  const cache = new Map<string, GPUBindGroup[]>();
  interface Entry {
    readonly group: number;
    readonly binding: number;
    readonly buffer: GPUBuffer;
    /** Bytes bound: the logical size, so arrayLength sees the model's length, not padding. */
    readonly size: number | undefined;
  }
  const bindGroups = (key: string, p: ModelPipeline, entries: readonly Entry[]) => {
    const full = `${key}|${entries.map((e) => idOf(e.buffer)).join(',')}`;
    let groups = cache.get(full);
    if (!groups) {
      groups = p.layouts.map((layout, group) =>
        device.createBindGroup({
          label: `${plan.spec.name}: ${key} group ${group}`,
          layout,
          entries: entries
            .filter((e) => e.group === group)
            .map((e) => ({
              binding: e.binding,
              resource:
                e.size === undefined ? { buffer: e.buffer } : { buffer: e.buffer, size: e.size },
            })),
        }),
      );
      cache.set(full, groups);
    }
    return groups;
  };
  const bytes = (name: string) => plan.buffers.get(name)!.length * 4;
  const inputs = plan.spec.buffers.filter((b) => b.role === 'input');
  const differentiableInputs = inputs.filter((b) => b.type === 'f32');
  const scratchGradients = plan.spec.buffers.filter(
    (b) => b.role === 'scratch' && b.type === 'f32',
  );
  const columns = plan.spec.observables.length;

  const primal = (pb: PlannedBinding, from: StateSet, to: StateSet | null): Entry => {
    const { group, binding } = pb.variable;
    if (!pb.ref) return { group, binding, buffer: clock, size: undefined };
    return {
      group,
      binding,
      buffer: bufferFor(pb.ref, from, to, fixed),
      size: bytes(pb.ref.buffer),
    };
  };
  const bufferFor = (
    ref: BufferRef,
    current: StateSet,
    next: StateSet | null,
    others: ReadonlyMap<string, GPUBuffer>,
  ): GPUBuffer => {
    const buffer =
      ref.phase === 'current'
        ? current.buffers.get(ref.buffer)
        : ref.phase === 'next'
          ? next?.buffers.get(ref.buffer)
          : others.get(ref.buffer);
    if (!buffer)
      throw new Error(
        `runtime: no GPU buffer for ${ref.buffer}${ref.phase ? ` (${ref.phase})` : ''}`,
      );
    return buffer;
  };

  const loadStep = (encoder: GPUCommandEncoder, t: number) => {
    const s = series();
    encoder.copyBufferToBuffer(s.clock, t * 16, clock, 0, 16);
    for (const b of inputs) {
      const row = b.length * 4;
      encoder.copyBufferToBuffer(s.inputs.get(b.name)!, t * row, fixed.get(b.name)!, 0, row);
    }
  };
  const forwardPass = (encoder: GPUCommandEncoder, from: StateSet, to: StateSet) => {
    for (const d of plan.dispatches)
      for (const z of d.zeroed) encoder.clearBuffer(bufferFor(z, from, to, fixed));
    const pass = encoder.beginComputePass({ label: `${plan.spec.name}: step` });
    for (const d of plan.dispatches) {
      const p = pipelines.forward[d.index]!;
      pass.setPipeline(p.pipeline);
      bindGroups(
        `forward ${d.index}`,
        p,
        d.bindings.map((pb) => primal(pb, from, to)),
      ).forEach((g, i) => pass.setBindGroup(i, g));
      pass.dispatchWorkgroups(...d.spec.workgroups);
    }
    pass.end();
  };

  return {
    step(encoder, t, from, to) {
      loadStep(encoder, t);
      forwardPass(encoder, from, to);
    },
    observe(encoder, state, record, row) {
      plan.spec.observables.forEach((o, c) => {
        encoder.copyBufferToBuffer(
          state.buffers.get(o.buffer)!,
          o.index * 4,
          record,
          (row * columns + c) * 4,
          4,
        );
      });
    },
    seed(encoder, seeds, row, adjoint) {
      encoder.copyBufferToBuffer(seeds, row * columns * 4, seedRow, 0, columns * 4);
      const pass = encoder.beginComputePass({ label: `${plan.spec.name}: loss seeds` });
      pass.setPipeline(pipelines.seed.pipeline);
      for (const [name, index] of seedIndex) {
        const target = adjoint.buffers.get(name)!;
        const [group] = bindGroups('seed', pipelines.seed, [
          { group: 0, binding: 0, buffer: target, size: bytes(name) },
          { group: 0, binding: 1, buffer: seedRow, size: columns * 4 },
          { group: 0, binding: 2, buffer: index.slots, size: index.count * 4 },
          { group: 0, binding: 3, buffer: index.columns, size: index.count * 4 },
        ]);
        pass.setBindGroup(0, group!);
        pass.dispatchWorkgroups(1);
      }
      pass.end();
    },
    adjointStep(encoder, t, from, replay, adjoint) {
      loadStep(encoder, t);
      for (const b of adjoint.current.buffers.values()) encoder.clearBuffer(b);
      for (const b of scratchGradients) encoder.clearBuffer(adjoint.fixed.get(b.name)!);
      for (const b of differentiableInputs) encoder.clearBuffer(adjoint.fixed.get(b.name)!);
      if (plan.replay) {
        if (!replay)
          throw new Error('runtime: this model needs a replay state for its reverse pass');
        forwardPass(encoder, from, replay);
      }
      const pass = encoder.beginComputePass({ label: `${plan.spec.name}: adjoint step` });
      for (const d of [...plan.dispatches].reverse()) {
        const p = pipelines.adjoint[d.index]!;
        pass.setPipeline(p.pipeline);
        const entries: Entry[] = [
          ...d.adjointBindings.map((pb) => primal(pb, from, replay)),
          ...d.gradients.map((g) => ({
            group: g.buffer.group,
            binding: g.buffer.binding,
            buffer: bufferFor(g.of, adjoint.current, adjoint.next, adjoint.fixed),
            size: bytes(g.of.buffer),
          })),
        ];
        bindGroups(`adjoint ${d.index}`, p, entries).forEach((g, i) => pass.setBindGroup(i, g));
        pass.dispatchWorkgroups(...d.spec.workgroups);
      }
      pass.end();
      for (const b of differentiableInputs) {
        const row = b.length * 4;
        encoder.copyBufferToBuffer(
          adjoint.fixed.get(b.name)!,
          0,
          adjoint.inputs.get(b.name)!,
          t * row,
          row,
        );
      }
    },
    reset() {
      cache.clear();
    },
  };
}
