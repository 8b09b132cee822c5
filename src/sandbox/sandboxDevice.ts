/**
 * A GPUDevice with the sandbox's caps and loop guards, for code that takes a device
 * (`compileModel`, kernels): it is the device it wraps except that
 * - `createBuffer` refuses buffers over `maxBufferBytes` and live bytes over `maxTotalBytes`;
 * - `createShaderModule` compiles the source with loop guards (`loopGuard.ts`), and compute
 *   pipelines made from such a module get the trap record's bind group added to their layout;
 * - compute passes refuse dispatches over `maxWorkgroupsPerDispatch`, more than
 *   `maxDispatchesPerBatch` in one command encoder or `maxDispatchesPerRun` since `startRun`,
 *   and indirect dispatches, whose counts no cap can see;
 * - each dispatch of a guarded pipeline gets the trap's bind group with a work counter of its
 *   own (`maxDispatchIterations` is per dispatch): slot n of a buffer of
 *   `maxDispatchesPerBatch` slots for the encoder's n-th dispatch, and every command encoder
 *   clears the slots before its first compute pass.
 *
 * Only the wrapped device's owner destroys it; `destroy()` frees what the sandbox added.
 */
import { KernelError } from '../gpu/autodiff/errors.ts';
import {
  guardLoops,
  scanLoops,
  TRAP_REASONS,
  TRAP_WORDS,
  type GuardedSource,
  type LoopScan,
} from './loopGuard.ts';
import type { GuardedSite, LoopTrap } from './loopTrap.ts';
import { SandboxError } from './sandboxError.ts';
import { formatBytes, sandboxLimits, type SandboxLimits } from './sandboxLimits.ts';

export interface SandboxUsage {
  readonly liveBytes: number;
  readonly peakBytes: number;
  /** Dispatches since `startRun`. */
  readonly dispatches: number;
  /**
   * The most loop iterations one dispatch ran since `startRun` (all its invocations), as read
   * by the last `takeTrap`: how close the run came to `maxDispatchIterations`.
   */
  readonly peakDispatchIterations: number;
}

export interface SandboxDevice {
  /** The device to hand to GPU code. */
  readonly device: GPUDevice;
  readonly limits: SandboxLimits;
  /** Whether shader modules get loop guards. */
  readonly guarded: boolean;
  usage(): SandboxUsage;
  /** Starts counting a new run's dispatches (`maxDispatchesPerRun`) and its peak work. */
  startRun(): void;
  /**
   * The trap record once the GPU has done the work submitted so far, cleared for what follows;
   * null when no loop ran out.
   */
  takeTrap(): Promise<LoopTrap | null>;
  /** Frees the trap record and work counters (not the device). */
  destroy(): void;
}

export interface SandboxDeviceOptions {
  readonly limits?: Partial<SandboxLimits>;
  /** Guard loops (default true). Off only to compare results with and without guards. */
  readonly guardLoops?: boolean;
}

interface GuardedModule {
  readonly descriptor: GPUShaderModuleDescriptor;
  readonly scan: LoopScan;
  readonly firstSiteId: number;
  /** Module per trap group: the group after the source's own, or after a layout's groups. */
  readonly byGroup: Map<number, GPUShaderModule>;
}

/**
 * What a pass sets for a guarded pipeline: empty groups when the pipeline is set, and before
 * each dispatch the trap's group with the dispatch's work counter.
 */
interface PipelineTrap {
  readonly empty: readonly (readonly [number, GPUBindGroup])[];
  readonly group: number;
  /** The trap's group for each work counter slot, made when first used. */
  readonly slots: (GPUBindGroup | undefined)[];
  readonly layout: GPUBindGroupLayout;
}

/**
 * Wraps `device` (see the file comment). The wrapper holds a 16-byte trap record and, once a
 * kernel has loops, a 256-byte work counter slot per dispatch of a batch (1 MiB by default), of
 * its own: they do not count against `maxTotalBytes`.
 *
 * @example
 * const sandbox = createSandboxDevice(device, { limits: { maxLoopIterations: 65536 } });
 * const model = await compileModel(sandbox.device, spec);
 * await model.run({ steps: 10 });
 * const trap = await sandbox.takeTrap(); // { site: { line: 12, kind: 'for', … }, … } or null
 */
export function createSandboxDevice(
  device: GPUDevice,
  options: SandboxDeviceOptions = {},
): SandboxDevice {
  const limits = sandboxLimits(options.limits);
  const guarded = options.guardLoops ?? true;
  let liveBytes = 0;
  let peakBytes = 0;
  let dispatches = 0;
  let peakDispatchIterations = 0;
  const sites = new Map<number, GuardedSite>();
  let nextSiteId = 0;
  const modules = new WeakMap<GPUShaderModule, GuardedModule>();
  const layoutGroups = new WeakMap<GPUPipelineLayout, readonly (GPUBindGroupLayout | null)[]>();
  const pipelineTraps = new WeakMap<GPUComputePipeline, PipelineTrap>();

  const trapBuffer = device.createBuffer({
    label: 'sandbox: loop trap',
    size: TRAP_WORDS * 4,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
  });
  const slotBytes = device.limits.minStorageBufferOffsetAlignment;
  let workBuffer: GPUBuffer | null = null;
  /** The dispatches' work counters, made with the first guarded module. */
  const work = () =>
    (workBuffer ??= device.createBuffer({
      label: 'sandbox: dispatch work counters',
      size: limits.maxDispatchesPerBatch * slotBytes,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    }));
  const trapLayout = device.createBindGroupLayout({
    label: 'sandbox: loop trap',
    entries: [
      { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
      { binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
    ],
  });
  const slotGroup = (trap: PipelineTrap, slot: number) =>
    (trap.slots[slot] ??= device.createBindGroup({
      label: `sandbox: loop trap, work slot ${slot}`,
      layout: trap.layout,
      entries: [
        { binding: 0, resource: { buffer: trapBuffer } },
        { binding: 1, resource: { buffer: work(), offset: slot * slotBytes, size: 4 } },
      ],
    }));
  /** Slot groups of the sandbox's own trap layout, shared by pipelines with explicit layouts. */
  const sharedSlots: (GPUBindGroup | undefined)[] = [];
  const emptyLayout = device.createBindGroupLayout({ label: 'sandbox: empty', entries: [] });
  const emptyGroup = device.createBindGroup({ layout: emptyLayout, entries: [] });
  const maxBindGroups = device.limits.maxBindGroups;

  const moduleAt = (m: GuardedModule, group: number): GPUShaderModule => {
    let module = m.byGroup.get(group);
    if (module) return module;
    const file = m.descriptor.label || 'kernel.wgsl';
    if (group >= maxBindGroups)
      throw new SandboxError(
        'unguardable',
        `${file}: the loop guard needs bind group ${group}, but the device has ${maxBindGroups} (0…${maxBindGroups - 1}) — use fewer bind groups in this kernel`,
      );
    const code = guardLoops(
      m.descriptor.code,
      {
        group,
        maxIterations: limits.maxLoopIterations,
        maxDispatchIterations: limits.maxDispatchIterations,
        firstSiteId: m.firstSiteId,
        file,
      },
      m.scan,
    );
    module = device.createShaderModule({ ...m.descriptor, code: code.code });
    mapCompilationInfo(module, code);
    modules.set(module, m);
    m.byGroup.set(group, module);
    return module;
  };

  const createShaderModule = (descriptor: GPUShaderModuleDescriptor): GPUShaderModule => {
    if (!guarded) return device.createShaderModule(descriptor);
    const file = descriptor.label || 'kernel.wgsl';
    let scan: LoopScan;
    try {
      scan = scanLoops(descriptor.code, file);
    } catch (error) {
      // Unguarded WGSL may not reach the GPU: a source the lexer refuses does not run.
      if (error instanceof KernelError) throw new SandboxError('unguardable', error.message);
      throw error;
    }
    if (scan.loops.length === 0) return device.createShaderModule(descriptor);
    work();
    const m: GuardedModule = { descriptor, scan, firstSiteId: nextSiteId, byGroup: new Map() };
    scan.loops.forEach(({ body: _, ...loop }, i) =>
      sites.set(nextSiteId + i, {
        ...loop,
        id: nextSiteId + i,
        module: file,
        source: descriptor.code,
      }),
    );
    nextSiteId += scan.loops.length;
    return moduleAt(m, scan.maxDeclaredGroup + 1);
  };

  const createPipelineLayout = (descriptor: GPUPipelineLayoutDescriptor): GPUPipelineLayout => {
    const layout = device.createPipelineLayout(descriptor);
    layoutGroups.set(
      layout,
      [...descriptor.bindGroupLayouts].map((l) => l ?? null),
    );
    return layout;
  };

  /** The descriptor with the trap's group in its layout, and what a pass must set with it. */
  const withTrap = (
    descriptor: GPUComputePipelineDescriptor,
  ): { descriptor: GPUComputePipelineDescriptor; trap: PipelineTrap | null } | null => {
    const m = modules.get(descriptor.compute.module);
    if (!m) return null;
    // The trap's layout and group are the pipeline's own: `registerTrap` reads them back.
    if (descriptor.layout === 'auto') return { descriptor, trap: null };
    const own = layoutGroups.get(descriptor.layout);
    if (!own)
      throw new SandboxError(
        'unguardable',
        `pipeline ${descriptor.label ?? ''}: its layout was not made by the sandbox device, so the loop guard's group cannot be added — create layouts with the device the sandbox gives you`,
      );
    const group = Math.max(m.scan.maxDeclaredGroup + 1, own.length);
    const module = moduleAt(m, group);
    const empty: [number, GPUBindGroup][] = [];
    const layouts = [...own];
    for (let g = own.length; g < group; g++) {
      layouts.push(emptyLayout);
      empty.push([g, emptyGroup]);
    }
    layouts.push(trapLayout);
    return {
      descriptor: {
        ...descriptor,
        layout: device.createPipelineLayout({
          label: `${descriptor.label ?? 'pipeline'} (with loop trap)`,
          bindGroupLayouts: layouts,
        }),
        compute: { ...descriptor.compute, module },
      },
      trap: { empty, group, slots: sharedSlots, layout: trapLayout },
    };
  };
  const registerTrap = (
    pipeline: GPUComputePipeline,
    descriptor: GPUComputePipelineDescriptor,
    trap: PipelineTrap | null,
  ) => {
    if (!trap) {
      const group = modules.get(descriptor.compute.module)!.scan.maxDeclaredGroup + 1;
      trap = { empty: [], group, slots: [], layout: pipeline.getBindGroupLayout(group) };
    }
    pipelineTraps.set(pipeline, trap);
    return pipeline;
  };
  const createComputePipeline = (descriptor: GPUComputePipelineDescriptor) => {
    const guardedDescriptor = withTrap(descriptor);
    if (!guardedDescriptor) return device.createComputePipeline(descriptor);
    const pipeline = device.createComputePipeline(guardedDescriptor.descriptor);
    return registerTrap(pipeline, guardedDescriptor.descriptor, guardedDescriptor.trap);
  };
  const createComputePipelineAsync = async (descriptor: GPUComputePipelineDescriptor) => {
    const guardedDescriptor = withTrap(descriptor);
    if (!guardedDescriptor) return device.createComputePipelineAsync(descriptor);
    const pipeline = await device.createComputePipelineAsync(guardedDescriptor.descriptor);
    return registerTrap(pipeline, guardedDescriptor.descriptor, guardedDescriptor.trap);
  };

  const createBuffer = (descriptor: GPUBufferDescriptor): GPUBuffer => {
    const size = descriptor.size;
    const what = `createBuffer${descriptor.label ? ` (${descriptor.label})` : ''} of ${formatBytes(size)}`;
    if (size > limits.maxBufferBytes)
      throw new SandboxError(
        'buffer_too_large',
        `${what} exceeds the ${formatBytes(limits.maxBufferBytes)} cap (limits.maxBufferBytes) — make the buffer smaller (fewer elements or steps) or raise the cap`,
      );
    if (liveBytes + size > limits.maxTotalBytes)
      throw new SandboxError(
        'memory_cap',
        `${what} would bring live buffers to ${formatBytes(liveBytes + size)}, over the ${formatBytes(limits.maxTotalBytes)} cap (limits.maxTotalBytes) — destroy buffers you no longer need, run fewer steps, or raise the cap`,
      );
    const buffer = device.createBuffer(descriptor);
    liveBytes += size;
    peakBytes = Math.max(peakBytes, liveBytes);
    const destroy = buffer.destroy.bind(buffer);
    let freed = false;
    buffer.destroy = () => {
      if (!freed) liveBytes -= size;
      freed = true;
      return destroy();
    };
    return buffer;
  };

  const beginComputePass = (
    encoder: GPUCommandEncoder,
    counter: { batch: number; cleared: boolean },
    descriptor?: GPUComputePassDescriptor,
  ): GPUComputePassEncoder => {
    if (!counter.cleared && workBuffer) {
      // The slots this encoder's dispatches count in start at 0, whatever ran before.
      encoder.clearBuffer(workBuffer);
      counter.cleared = true;
    }
    const pass = encoder.beginComputePass(descriptor);
    let trap: PipelineTrap | undefined;
    return overlay(pass, {
      setPipeline(pipeline: GPUComputePipeline) {
        pass.setPipeline(pipeline);
        trap = pipelineTraps.get(pipeline);
        for (const [group, bindGroup] of trap?.empty ?? []) pass.setBindGroup(group, bindGroup);
      },
      dispatchWorkgroups(x: number, y = 1, z = 1) {
        const workgroups = x * y * z;
        if (workgroups > limits.maxWorkgroupsPerDispatch)
          throw new SandboxError(
            'workgroup_cap',
            `a dispatch of ${x} × ${y} × ${z} = ${workgroups} workgroups exceeds the cap of ${limits.maxWorkgroupsPerDispatch} (limits.maxWorkgroupsPerDispatch) — dispatch fewer workgroups or raise the cap`,
          );
        if (counter.batch + 1 > limits.maxDispatchesPerBatch)
          throw new SandboxError(
            'batch_cap',
            `one submission would hold more than ${limits.maxDispatchesPerBatch} dispatches (limits.maxDispatchesPerBatch) — submit in smaller batches, simulate fewer steps, or raise the cap`,
          );
        if (dispatches + 1 > limits.maxDispatchesPerRun)
          throw new SandboxError(
            'dispatch_cap',
            `the run would make more than ${limits.maxDispatchesPerRun} dispatches (limits.maxDispatchesPerRun) — simulate fewer steps or raise the cap`,
          );
        if (trap) pass.setBindGroup(trap.group, slotGroup(trap, counter.batch));
        counter.batch++;
        dispatches++;
        pass.dispatchWorkgroups(x, y, z);
      },
      dispatchWorkgroupsIndirect() {
        throw new SandboxError(
          'indirect_dispatch',
          'dispatchWorkgroupsIndirect reads its workgroup counts on the GPU, where the sandbox cannot cap them — dispatch with counts known to the CPU',
        );
      },
    });
  };

  const createCommandEncoder = (descriptor?: GPUCommandEncoderDescriptor) => {
    const encoder = device.createCommandEncoder(descriptor);
    const counter = { batch: 0, cleared: false };
    return overlay(encoder, {
      beginComputePass: (passDescriptor?: GPUComputePassDescriptor) =>
        beginComputePass(encoder, counter, passDescriptor),
    });
  };

  const sandboxed = overlay(device, {
    createBuffer,
    createShaderModule,
    createPipelineLayout,
    createComputePipeline,
    createComputePipelineAsync,
    createCommandEncoder,
  });

  return {
    device: sandboxed,
    limits,
    guarded,
    usage: () => ({ liveBytes, peakBytes, dispatches, peakDispatchIterations }),
    startRun() {
      dispatches = 0;
      peakDispatchIterations = 0;
      device.queue.writeBuffer(trapBuffer, 12, new Uint32Array(1));
    },
    async takeTrap() {
      const staging = device.createBuffer({
        label: 'sandbox: read loop trap',
        size: TRAP_WORDS * 4,
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      });
      const encoder = device.createCommandEncoder({ label: 'sandbox: read loop trap' });
      encoder.copyBufferToBuffer(trapBuffer, 0, staging, 0, TRAP_WORDS * 4);
      device.queue.submit([encoder.finish()]);
      try {
        await staging.mapAsync(GPUMapMode.READ);
        const words = new Uint32Array(staging.getMappedRange().slice(0));
        staging.unmap();
        peakDispatchIterations = Math.max(peakDispatchIterations, words[3]!);
        if (words[0] === 0) return null;
        device.queue.writeBuffer(trapBuffer, 0, new Uint32Array(TRAP_WORDS));
        return {
          site: sites.get(words[1]!) ?? null,
          reason: TRAP_REASONS[words[2]!] ?? 'iterations',
          invocations: words[0]!,
        };
      } finally {
        staging.destroy();
      }
    },
    destroy() {
      trapBuffer.destroy();
      workBuffer?.destroy();
    },
  };
}

/**
 * `target` with some methods replaced. Everything else is read from the target itself and its
 * methods bound to it: WebGPU objects are host objects whose methods refuse another `this`.
 */
function overlay<T extends object>(target: T, methods: Partial<Record<keyof T, unknown>>): T {
  return new Proxy(target, {
    get(object, key) {
      if (Object.hasOwn(methods, key)) return methods[key as keyof T];
      const value: unknown = Reflect.get(object, key, object);
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(object)
        : value;
    },
  });
}

/** Compilation messages of a guarded module at their places in the source as given. */
function mapCompilationInfo(module: GPUShaderModule, guarded: GuardedSource): void {
  const info = module.getCompilationInfo.bind(module);
  module.getCompilationInfo = async () => {
    const raw = await info();
    const messages = raw.messages.map((m) => {
      const at = guarded.originalPosition(m.lineNum, m.linePos);
      const barrier = m.type === 'error' && /uniform control flow/.test(m.message);
      return {
        message: !at
          ? `${m.message} (in the sandbox's loop-guard code)`
          : barrier
            ? `${m.message} (the sandbox's loop guard can break out of the loop around it, which makes its control flow non-uniform: a loop that calls a barrier cannot run in the sandbox)`
            : m.message,
        type: m.type,
        lineNum: at?.line ?? m.lineNum,
        linePos: at?.column ?? m.linePos,
        offset: m.offset,
        length: m.length,
      };
    });
    return { messages } as unknown as GPUCompilationInfo;
  };
}
