import { ModelError } from './modelError.ts';
import type { ModelPlan, PlannedDispatch } from './modelPlan.ts';

/** A compute pipeline with explicit bind group layouts (group index → layout). */
export interface ModelPipeline {
  readonly pipeline: GPUComputePipeline;
  readonly layouts: readonly GPUBindGroupLayout[];
}

export interface ModelPipelines {
  /** Per dispatch, in schedule order. */
  readonly forward: readonly ModelPipeline[];
  readonly adjoint: readonly ModelPipeline[];
  /** Adds one row of loss seeds into a state buffer's adjoint (see SEED_WGSL). */
  readonly seed: ModelPipeline;
}

/** Where a variable sits and how the shader declares it. */
interface Slot {
  readonly group: number;
  readonly binding: number;
  readonly type: GPUBufferBindingType;
}

/**
 * Adds a row of loss seeds (dLoss/d observable) into the adjoint of one state buffer. One
 * invocation walks the list, so two observables of the same element add up without a race.
 */
export const SEED_WGSL = /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> adjState: array<f32>;
@group(0) @binding(1) var<storage, read> seedRow: array<f32>;
@group(0) @binding(2) var<storage, read> slots: array<u32>;
@group(0) @binding(3) var<storage, read> columns: array<u32>;
@compute @workgroup_size(1)
fn main() {
  for (var j = 0u; j < arrayLength(&slots); j++) {
    adjState[slots[j]] += seedRow[columns[j]];
  }
}`;

/**
 * Creates the forward and adjoint pipelines of every dispatch once (one per kernel entry,
 * shared by dispatches of the same entry), with explicit layouts: `layout: 'auto'` would drop
 * variables a generated adjoint declares but does not use, and bind groups would not match.
 */
export async function createModelPipelines(
  device: GPUDevice,
  plan: ModelPlan,
): Promise<ModelPipelines> {
  const cache = new Map<string, Promise<ModelPipeline>>();
  const once = (key: string, make: () => Promise<ModelPipeline>) => {
    let p = cache.get(key);
    if (!p) {
      p = make();
      cache.set(key, p);
    }
    return p;
  };
  const forward = plan.dispatches.map((d) =>
    once(`${d.spec.kernel}.${d.spec.entry}`, () =>
      createPipeline(device, plan, d, 'forward', d.forwardSource, d.spec.entry, forwardSlots(d)),
    ),
  );
  const adjoint = plan.dispatches.map((d) =>
    once(`${d.spec.kernel}.${d.spec.entry} adjoint`, () =>
      createPipeline(
        device,
        plan,
        d,
        'adjoint',
        d.adjoint.source,
        d.adjoint.entry,
        adjointSlots(d),
      ),
    ),
  );
  const seedSlots: Slot[] = [0, 1, 2, 3].map((binding) => ({
    group: 0,
    binding,
    type: binding === 0 ? 'storage' : 'read-only-storage',
  }));
  return {
    forward: await Promise.all(forward),
    adjoint: await Promise.all(adjoint),
    seed: await createPipeline(device, plan, null, 'loss seed', SEED_WGSL, 'main', seedSlots),
  };
}

const slotType = (v: PlannedDispatch['bindings'][number]['variable']): GPUBufferBindingType =>
  v.addressSpace === 'uniform' ? 'uniform' : v.access === 'read' ? 'read-only-storage' : 'storage';

function forwardSlots(d: PlannedDispatch): Slot[] {
  return d.bindings.map((b) => ({
    group: b.variable.group,
    binding: b.variable.binding,
    type: slotType(b.variable),
  }));
}

function adjointSlots(d: PlannedDispatch): Slot[] {
  return [
    ...d.adjointBindings.map((b) => ({
      group: b.variable.group,
      binding: b.variable.binding,
      type: slotType(b.variable),
    })),
    ...d.gradients.map((g) => ({
      group: g.buffer.group,
      binding: g.buffer.binding,
      type: 'storage' as const,
    })),
  ];
}

async function createPipeline(
  device: GPUDevice,
  plan: ModelPlan,
  d: PlannedDispatch | null,
  kind: string,
  code: string,
  entryPoint: string,
  slots: readonly Slot[],
): Promise<ModelPipeline> {
  const label = `${plan.spec.name}: ${d ? `${d.label} ` : ''}${kind}`;
  device.pushErrorScope('validation');
  const module = device.createShaderModule({ label, code });
  const info = await module.getCompilationInfo();
  const groups = Math.max(-1, ...slots.map((s) => s.group)) + 1;
  const layouts = Array.from({ length: groups }, (_, group) =>
    device.createBindGroupLayout({
      label: `${label} group ${group}`,
      entries: slots
        .filter((s) => s.group === group)
        .map((s) => ({
          binding: s.binding,
          visibility: GPUShaderStage.COMPUTE,
          buffer: { type: s.type },
        })),
    }),
  );
  const pipeline = device.createComputePipeline({
    label,
    layout: device.createPipelineLayout({ label, bindGroupLayouts: layouts }),
    compute: { module, entryPoint },
  });
  const error = await device.popErrorScope();
  const messages = info.messages.filter((m) => m.type === 'error');
  if (messages.length > 0 || error) {
    const where = d
      ? `${d.label} (${plan.spec.kernels.find((k) => k.name === d.spec.kernel)?.file})`
      : kind;
    throw new ModelError(
      'gpu',
      `model "${plan.spec.name}": ${where}: the GPU refused the ${kind} kernel: ${[
        ...messages.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`),
        error?.message,
      ]
        .filter(Boolean)
        .join(
          '; ',
        )}. Check the kernel against docs/kernels.md; if the checker accepted it, report the generated WGSL as a bug`,
    );
  }
  return { pipeline, layouts };
}
