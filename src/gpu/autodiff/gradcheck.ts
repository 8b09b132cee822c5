import { generateAdjoint, type AdjointKernel } from './adjoint.ts';
import { checkModule, type CheckedModule } from './checker.ts';
import { compileCpu, type CpuBuffers } from './cpuBackend.ts';
import { parseWgsl } from './parser.ts';
import { layoutOf, slotKinds, type Type } from './types.ts';
import { createRandom } from '../../twin/random.ts';

export interface GradcheckOptions {
  readonly entry?: string;
  readonly workgroups: readonly [number, number, number];
  /** Elements of each runtime-sized array binding. */
  readonly arrayLength: number;
  readonly seed?: number;
  /** Values for integer slots (counts, indices), by binding name; floats are drawn at random. */
  readonly integers?: Readonly<Record<string, (slot: number) => number>>;
  /** Central-difference step (float64). */
  readonly step?: number;
  readonly file?: string;
}

export interface InputGradientReport {
  readonly binding: string;
  readonly slots: number;
  readonly maxAbsError: number;
  readonly maxRelError: number;
  /** Largest |gradient| by finite differences: shows the check was not trivially zero. */
  readonly scale: number;
}

export interface GradcheckReport {
  readonly entry: string;
  readonly inputs: readonly InputGradientReport[];
  readonly adjoint: AdjointKernel;
}

/** Random inputs for every binding: floats in [-1, 1] (positive for uniforms), integers from options. */
export function randomBuffers(checked: CheckedModule, options: GradcheckOptions): CpuBuffers {
  const random = createRandom(options.seed ?? 1);
  const buffers: CpuBuffers = {};
  for (const b of checked.bindings) {
    const type: Type =
      b.type.kind === 'array' && b.type.length === null
        ? { ...b.type, length: options.arrayLength }
        : b.type;
    const kinds = slotKinds(type);
    const custom = options.integers?.[b.name];
    buffers[b.name] = Float64Array.from(kinds, (kind, i) => {
      if (kind === 'f32') return 2 * random.uniform() - 1;
      if (kind === 'u32' || kind === 'i32' || kind === 'bool') return custom ? custom(i) : 0;
      return 0;
    });
  }
  return buffers;
}

const copy = (buffers: CpuBuffers): CpuBuffers =>
  Object.fromEntries(Object.entries(buffers).map(([k, v]) => [k, v.slice()]));

/**
 * Checks a kernel's generated adjoint on the CPU in float64 against central finite differences
 * of its forward pass. The loss is a random weighting of every output slot; each marked input's
 * gradient from the adjoint is compared with (L(x + h) − L(x − h)) / 2h slot by slot.
 */
export function gradcheckCpu(source: string, options: GradcheckOptions): GradcheckReport {
  const file = options.file ?? 'kernel.wgsl';
  const checked = checkModule(parseWgsl(source, file), { file });
  const entry = options.entry ?? checked.entryPoints[0]?.name;
  if (!entry) throw new Error(`${file}: no compute entry point to check`);
  const forward = compileCpu(checked);
  const adjoint = generateAdjoint(checked, entry, { mode: 'plain' });
  const adjointChecked = checkModule(parseWgsl(adjoint.source, `${file} (adjoint)`), {
    file: `${file} (adjoint)`,
    trusted: true,
  });
  const backward = compileCpu(adjointChecked);

  const inputs = randomBuffers(checked, options);
  const random = createRandom((options.seed ?? 1) + 17);
  const outputs = adjoint.gradients.filter((g) => g.role === 'output');
  const weights: CpuBuffers = {};
  for (const g of outputs) {
    const kinds = slotKinds(
      g.type.kind === 'array' && g.type.length === null
        ? { ...g.type, length: options.arrayLength }
        : g.type,
    );
    weights[g.of] = Float64Array.from(kinds, (kind) =>
      kind === 'f32' ? 2 * random.uniform() - 1 : 0,
    );
  }
  const loss = (buffers: CpuBuffers): number => {
    const run = copy(buffers);
    forward.run(entry, run, options.workgroups);
    let sum = 0;
    for (const g of outputs) {
      const w = weights[g.of]!;
      const out = run[g.of]!;
      for (let i = 0; i < w.length; i++) sum += w[i]! * out[i]!;
    }
    return sum;
  };

  // Adjoint: seeds are the weights; gradients of inputs start at zero.
  const adjointBuffers: CpuBuffers = copy(inputs);
  for (const g of adjoint.gradients) {
    adjointBuffers[g.name] =
      g.role === 'output' ? weights[g.of]!.slice() : new Float64Array(inputs[g.of]!.length);
  }
  backward.run(adjoint.entry, adjointBuffers, options.workgroups);

  const h = options.step ?? 1e-6;
  const reports: InputGradientReport[] = [];
  for (const g of adjoint.gradients.filter((x) => x.role === 'input')) {
    const input = inputs[g.of]!;
    const kinds = slotKinds(
      g.type.kind === 'array' && g.type.length === null
        ? { ...g.type, length: options.arrayLength }
        : g.type,
    );
    const analytic = adjointBuffers[g.name]!;
    let maxAbs = 0;
    let maxRel = 0;
    let scale = 0;
    for (let i = 0; i < input.length; i++) {
      if (kinds[i] !== 'f32') continue;
      const plus = copy(inputs);
      plus[g.of]![i] = input[i]! + h;
      const minus = copy(inputs);
      minus[g.of]![i] = input[i]! - h;
      const numeric = (loss(plus) - loss(minus)) / (2 * h);
      const abs = Math.abs(numeric - analytic[i]!);
      scale = Math.max(scale, Math.abs(numeric));
      maxAbs = Math.max(maxAbs, abs);
      maxRel = Math.max(maxRel, abs / Math.max(Math.abs(numeric), 1e-6));
    }
    reports.push({
      binding: g.of,
      slots: input.length,
      maxAbsError: maxAbs,
      maxRelError: maxRel,
      scale,
    });
  }
  void layoutOf;
  return { entry, inputs: reports, adjoint };
}
