import { createRandom } from '../../twin/random.ts';
import { decodeAccumulation, wordsPerSlot, type AccumulationMode } from './accumulation.ts';
import { generateAdjoint, type AdjointKernel } from './adjoint.ts';
import { checkModule, type CheckedModule } from './checker.ts';
import { compileCpu, type CpuBuffers, type CpuKernel } from './cpuBackend.ts';
import { slotsToBytes } from './cpuBuffers.ts';
import { bindingsOf, runOnGpu, type RunnerBinding } from './gpuRunner.ts';
import { parseWgsl } from './parser.ts';
import { slotKinds, type Type } from './types.ts';

export interface GradcheckOptions {
  readonly entry?: string;
  readonly workgroups: readonly [number, number, number];
  /** Elements of each runtime-sized array binding. */
  readonly arrayLength: number;
  readonly seed?: number;
  /** Values for integer slots (counts, indices), by binding name; floats are drawn at random. */
  readonly integers?: Readonly<Record<string, (slot: number) => number>>;
  /** Range of random floats, by binding name (default [-1, 1]). */
  readonly ranges?: Readonly<Record<string, readonly [number, number]>>;
  /** Central-difference step (float64), relative to max(1, |x|). */
  readonly step?: number;
  /** Elements of particular runtime-sized array bindings (default `arrayLength`). */
  readonly arrayLengths?: Readonly<Record<string, number>>;
  /** Exact slot values for some bindings (e.g. a real mesh's topology), instead of random ones. */
  readonly fixed?: Readonly<Record<string, Float64Array>>;
  readonly file?: string;
}

export interface GradientComparison {
  readonly binding: string;
  readonly slots: number;
  readonly maxAbsError: number;
  /** max |a − b| / max |reference|: robust to individual near-zero gradients. */
  readonly maxRelError: number;
  /** Largest |gradient| of the reference: shows the check was not trivially zero. */
  readonly scale: number;
}

export interface GradcheckReport {
  readonly entry: string;
  /** CPU float64 adjoint against float64 central differences. */
  readonly cpuVsFiniteDifference: readonly GradientComparison[];
  /** GPU float32 adjoint against the CPU float64 adjoint (GPU runs only). */
  readonly gpuVsCpu: readonly GradientComparison[];
  readonly adjointSource: string;
}

/** Everything a check needs, built once: kernels, inputs (f32-representable) and output weights. */
export interface PreparedCheck {
  readonly file: string;
  readonly entry: string;
  readonly checked: CheckedModule;
  readonly forward: CpuKernel;
  readonly plain: AdjointKernel;
  readonly atomic: AdjointKernel;
  readonly backward: CpuKernel;
  readonly inputs: CpuBuffers;
  readonly weights: CpuBuffers;
  readonly options: GradcheckOptions;
}

const sized = (type: Type, n: number): Type =>
  type.kind === 'array' && type.length === null ? { ...type, length: n } : type;
const lengthOf = (options: GradcheckOptions, binding: string) =>
  options.arrayLengths?.[binding] ?? options.arrayLength;
const copy = (buffers: CpuBuffers): CpuBuffers =>
  Object.fromEntries(Object.entries(buffers).map(([k, v]) => [k, v.slice()]));

export function prepareCheck(source: string, options: GradcheckOptions): PreparedCheck {
  const file = options.file ?? 'kernel.wgsl';
  const checked = checkModule(parseWgsl(source, file), { file });
  const entry = options.entry ?? checked.entryPoints[0]?.name;
  if (!entry) throw new Error(`${file}: no compute entry point to check`);
  const plain = generateAdjoint(checked, entry, { mode: 'plain' });
  const atomic = generateAdjoint(checked, entry, { mode: 'atomic' });
  const adjointFile = `${file} (adjoint)`;
  const backward = compileCpu(
    checkModule(parseWgsl(plain.source, adjointFile), { file: adjointFile, trusted: true }),
  );

  const random = createRandom(options.seed ?? 1);
  const inputs: CpuBuffers = {};
  for (const b of checked.bindings) {
    const given = options.fixed?.[b.name];
    if (given) {
      inputs[b.name] = given.slice();
      continue;
    }
    const [lo, hi] = options.ranges?.[b.name] ?? [-1, 1];
    const custom = options.integers?.[b.name];
    inputs[b.name] = Float64Array.from(
      slotKinds(sized(b.type, lengthOf(options, b.name))),
      (kind, i) =>
        kind === 'f32'
          ? Math.fround(lo + (hi - lo) * random.uniform())
          : kind === null
            ? 0
            : custom
              ? custom(i)
              : 0,
    );
  }
  const weights: CpuBuffers = {};
  for (const g of plain.gradients.filter((x) => x.role === 'output')) {
    weights[g.of] = Float64Array.from(slotKinds(sized(g.type, lengthOf(options, g.of))), (kind) =>
      kind === 'f32' ? Math.fround(2 * random.uniform() - 1) : 0,
    );
  }
  return {
    file,
    entry,
    checked,
    forward: compileCpu(checked),
    plain,
    atomic,
    backward,
    inputs,
    weights,
    options,
  };
}

/** Gradients of Σ weights·outputs with respect to each marked input, from the CPU adjoint. */
export function cpuAdjoint(p: PreparedCheck): CpuBuffers {
  const buffers = copy(p.inputs);
  for (const g of p.plain.gradients) {
    buffers[g.name] =
      g.role === 'output' ? p.weights[g.of]!.slice() : new Float64Array(p.inputs[g.of]!.length);
  }
  p.backward.run(p.plain.entry, buffers, p.options.workgroups);
  return Object.fromEntries(
    p.plain.gradients.filter((g) => g.role === 'input').map((g) => [g.of, buffers[g.name]!]),
  );
}

/** The same gradients by float64 central differences of the CPU forward pass. */
export function finiteDifferences(p: PreparedCheck): CpuBuffers {
  const h = p.options.step ?? 1e-6;
  const loss = (buffers: CpuBuffers): number => {
    const run = copy(buffers);
    p.forward.run(p.entry, run, p.options.workgroups);
    let sum = 0;
    for (const [name, w] of Object.entries(p.weights)) {
      const out = run[name]!;
      for (let i = 0; i < w.length; i++) sum += w[i]! * out[i]!;
    }
    return sum;
  };
  const result: CpuBuffers = {};
  for (const g of p.plain.gradients.filter((x) => x.role === 'input')) {
    const input = p.inputs[g.of]!;
    const kinds = slotKinds(sized(g.type, lengthOf(p.options, g.of)));
    const grad = new Float64Array(input.length);
    for (let i = 0; i < input.length; i++) {
      if (kinds[i] !== 'f32') continue;
      const step = h * Math.max(1, Math.abs(input[i]!));
      const plus = copy(p.inputs);
      plus[g.of]![i] = input[i]! + step;
      const minus = copy(p.inputs);
      minus[g.of]![i] = input[i]! - step;
      grad[i] = (loss(plus) - loss(minus)) / (2 * step);
    }
    result[g.of] = grad;
  }
  return result;
}

/** The same gradients from the adjoint kernel on a GPU device, in float32 arithmetic. */
export async function gpuAdjoint(
  device: GPUDevice,
  p: PreparedCheck,
  mode: Exclude<AccumulationMode, 'plain'> = 'atomic',
): Promise<CpuBuffers> {
  const kernel = mode === 'atomic' ? p.atomic : generateAdjoint(p.checked, p.entry, { mode });
  const primal = bindingsOf(p.checked, p.entry).filter((b) =>
    kernel.primalBindings.includes(b.name),
  );
  const bindings: RunnerBinding[] = [
    ...primal.map((b) => ({ ...b, writable: false })),
    ...kernel.gradients.map((g) => ({
      name: g.name,
      group: g.group,
      binding: g.binding,
      uniform: false,
      writable: g.role === 'input',
    })),
  ];
  const bytes: Record<string, ArrayBuffer> = {};
  for (const b of p.checked.bindings)
    bytes[b.name] = slotsToBytes(sized(b.type, lengthOf(p.options, b.name)), p.inputs[b.name]!);
  for (const g of kernel.gradients) {
    bytes[g.name] =
      g.role === 'output'
        ? new Float32Array(p.weights[g.of]!).buffer
        : new ArrayBuffer(p.inputs[g.of]!.length * 4 * wordsPerSlot(mode));
  }
  const out = await runOnGpu(
    device,
    bindings,
    `${p.file} (adjoint)`,
    kernel.source,
    kernel.entry,
    bytes,
    p.options.workgroups,
  );
  const result: CpuBuffers = {};
  for (const g of kernel.gradients.filter((x) => x.role === 'input'))
    result[g.of] = decodeAccumulation(out[g.name]!, mode);
  return result;
}

export function compare(actual: CpuBuffers, reference: CpuBuffers): GradientComparison[] {
  return Object.entries(reference).map(([binding, ref]) => {
    const a = actual[binding]!;
    let maxAbs = 0;
    let scale = 0;
    for (let i = 0; i < ref.length; i++) {
      maxAbs = Math.max(maxAbs, Math.abs(a[i]! - ref[i]!));
      scale = Math.max(scale, Math.abs(ref[i]!));
    }
    return {
      binding,
      slots: ref.length,
      maxAbsError: maxAbs,
      maxRelError: scale > 0 ? maxAbs / scale : maxAbs,
      scale,
    };
  });
}

/** CPU adjoint against finite differences, and (with a device) the GPU adjoint against the CPU. */
export async function gradcheck(
  source: string,
  options: GradcheckOptions,
  device?: GPUDevice,
): Promise<GradcheckReport> {
  const p = prepareCheck(source, options);
  const cpu = cpuAdjoint(p);
  return {
    entry: p.entry,
    cpuVsFiniteDifference: compare(cpu, finiteDifferences(p)),
    gpuVsCpu: device ? compare(await gpuAdjoint(device, p), cpu) : [],
    adjointSource: p.atomic.source,
  };
}
