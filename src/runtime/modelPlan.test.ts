import { describe, expect, it } from 'vitest';
import { ModelError } from './modelError.ts';
import { planModel } from './modelPlan.ts';
import type { DispatchSpec, ModelSpec } from './modelSpec.ts';
import { springChainSpec } from './testing/springChain.ts';

const base = springChainSpec();

/** The spring chain with dispatch `index` changed. */
function withDispatch(index: number, change: (d: DispatchSpec) => DispatchSpec): ModelSpec {
  return { ...base, schedule: base.schedule.map((d, i) => (i === index ? change(d) : d)) };
}

function refusal(spec: ModelSpec): ModelError {
  try {
    planModel(spec);
  } catch (error) {
    if (error instanceof ModelError) return error;
    throw error;
  }
  throw new Error('planModel accepted the model');
}

describe('planModel', () => {
  it('accepts the spring chain, marks bound variables differentiable and sees it needs replays', () => {
    const plan = planModel(base);
    expect(plan.replay).toBe(true);
    expect(plan.parameterCount).toBe(8);
    const integrate = plan.dispatches[1]!;
    expect(
      integrate.gradients.map((g) => `${g.buffer.name}→${g.of.buffer}.${g.of.phase ?? ''}`),
    ).toEqual([
      'adj_force→force.',
      'adj_posIn→pos.current',
      'adj_velIn→vel.current',
      'adj_posOut→pos.next',
      'adj_velOut→vel.next',
      'adj_damping→damping.',
    ]);
    // A u32 constant gets no gradient; the clock is bound by the runtime.
    expect(plan.dispatches[0]!.gradients.map((g) => g.of.buffer)).not.toContain('driven');
    expect(plan.dispatches[2]!.zeroed).toEqual([{ buffer: 'energy', phase: 'next' }]);
  });

  it('needs no replay when every dispatch reads only the current state', () => {
    const source = `
@group(0) @binding(0) var<storage, read> xIn: array<f32>;
@group(0) @binding(1) var<storage, read_write> xOut: array<f32>;
@compute @workgroup_size(4)
fn decay(@builtin(global_invocation_id) gid: vec3u) {
  if (gid.x < 4u) { xOut[gid.x] = 0.9 * xIn[gid.x]; }
}`;
    const plan = planModel({
      ...base,
      kernels: [{ name: 'decay', file: 'decay.wgsl', source }],
      buffers: [{ name: 'x', role: 'state', type: 'f32', length: 4 }],
      parameters: [],
      inputs: [],
      schedule: [
        {
          kernel: 'decay',
          entry: 'decay',
          workgroups: [1, 1, 1],
          bindings: {
            xIn: { buffer: 'x', phase: 'current' },
            xOut: { buffer: 'x', phase: 'next' },
          },
        },
      ],
      observables: [{ name: 'x0', buffer: 'x', index: 0 }],
      loss: { kind: 'weighted_squared_error', every: 1, regularisation: [] },
    });
    expect(plan.replay).toBe(false);
  });

  it('names the dispatch and the missing buffer when a binding points nowhere', () => {
    const e = refusal(
      withDispatch(0, (d) => ({ ...d, bindings: { ...d.bindings, stiffness: { buffer: 'k' } } })),
    );
    expect(e.reason).toBe('unknown_reference');
    expect(e.message).toContain('dispatch 0 (forces.forces): variable stiffness');
    expect(e.message).toContain('"k", which does not exist');
  });

  it('refuses an entry point variable left unbound', () => {
    const e = refusal(
      withDispatch(0, (d) => {
        const rest = Object.fromEntries(Object.entries(d.bindings).filter(([k]) => k !== 'drive'));
        return { ...d, bindings: rest };
      }),
    );
    expect(e.reason).toBe('unbound_variable');
    expect(e.message).toMatch(/uses variable drive, which is not bound/);
  });

  it('refuses an f32 variable bound to a u32 buffer, and lengths that disagree', () => {
    const typed = refusal(
      withDispatch(0, (d) => ({
        ...d,
        bindings: { ...d.bindings, stiffness: { buffer: 'driven' } },
      })),
    );
    expect(typed.reason).toBe('type_mismatch');
    expect(typed.message).toContain('array<f32> but bound to u32 buffer driven');
    const short = refusal({
      ...base,
      kernels: [
        base.kernels[0]!,
        {
          ...base.kernels[1]!,
          source: base.kernels[1]!.source.replace(
            'var<storage, read> damping: array<f32>',
            'var<storage, read> damping: array<f32, 2>',
          ),
        },
      ],
    });
    expect(short.reason).toBe('type_mismatch');
    expect(short.message).toContain('declared array<f32, 2> (2 elements) but buffer damping has 1');
  });

  it('refuses writes to the current state and to parameters', () => {
    const current = refusal(
      withDispatch(1, (d) => ({
        ...d,
        bindings: { ...d.bindings, posOut: { buffer: 'pos', phase: 'current' } },
      })),
    );
    expect(current.reason).toBe('read_only_buffer');
    expect(current.message).toContain('Bind it as phase: next');
    const parameter = refusal(
      withDispatch(0, (d) => ({
        ...d,
        bindings: { ...d.bindings, force: { buffer: 'stiffness' } },
      })),
    );
    expect(parameter.reason).toBe('read_only_buffer');
  });

  it('refuses a state written twice in a step, and a state never written', () => {
    const twice = refusal({ ...base, schedule: [...base.schedule, base.schedule[1]!] });
    expect(twice.reason).toBe('write_count');
    expect(twice.message).toContain('which dispatch 1 (integrate.integrate) already wrote');
    const never = refusal({ ...base, schedule: base.schedule.slice(0, 2) });
    expect(never.reason).toBe('write_count');
    expect(never.message).toContain('state buffer energy is never written');
  });

  it('refuses reading a scratch buffer before the dispatch that writes it', () => {
    const e = refusal({
      ...base,
      schedule: [base.schedule[1]!, base.schedule[0]!, base.schedule[2]!],
    });
    expect(e.reason).toBe('read_before_write');
    expect(e.message).toContain('dispatch 0 (integrate.integrate): variable force');
  });

  it('refuses one differentiated buffer behind two variables', () => {
    const e = refusal(
      withDispatch(1, (d) => ({ ...d, bindings: { ...d.bindings, damping: { buffer: 'force' } } })),
    );
    expect(e.reason).toBe('aliased_binding');
    expect(e.message).toContain('variables force and damping are all bound to force');
  });

  it('refuses a clock that is not the runtime clock struct', () => {
    const e = refusal({
      ...base,
      kernels: [
        {
          ...base.kernels[0]!,
          source: base.kernels[0]!.source.replace(
            'struct Clock { step: u32, time: f32, dt: f32 }',
            'struct Clock { time: f32, step: u32, dt: f32 }',
          ),
        },
        base.kernels[1]!,
      ],
    });
    expect(e.reason).toBe('unbound_variable');
    expect(e.message).toContain('struct Clock { step: u32, time: f32, dt: f32 }');
  });

  it('passes kernel errors on with the file and line', () => {
    const e = refusal({
      ...base,
      kernels: [
        {
          ...base.kernels[0]!,
          source: base.kernels[0]!.source.replace(
            'force[i] = f;',
            'while (f > 1.0) { f = f * 0.5; }\n  force[i] = f;',
          ),
        },
        base.kernels[1]!,
      ],
    });
    expect(e.reason).toBe('kernel');
    expect(e.message).toMatch(/kernel forces: forces\.wgsl:\d+:\d+: while loops/);
    expect(e.cause).toBeInstanceOf(Error);
  });

  it('refuses overlapping parameter slices, bad bounds and a smoothness shape of the wrong size', () => {
    const overlap = refusal({
      ...base,
      parameters: [
        ...base.parameters,
        { name: 'k2', buffer: 'stiffness', offset: 6, count: 1, lower: 0, upper: 1 },
      ],
    });
    expect(overlap.message).toContain('element 6 of stiffness is also in parameter stiffness');
    const bounds = refusal({
      ...base,
      parameters: [{ ...base.parameters[0]!, lower: 3, upper: 1 }, base.parameters[1]!],
    });
    expect(bounds.reason).toBe('bad_value');
    const shape = refusal({
      ...base,
      loss: {
        ...base.loss,
        regularisation: [{ kind: 'smoothness', parameter: 'stiffness', weight: 1, shape: [2, 3] }],
      },
    });
    expect(shape.message).toContain('shape [2, 3] holds 6 values but parameter stiffness has 7');
  });
});
