import type { CheckedModule } from './checker.ts';

/** What the runner needs to know of a binding. */
export interface RunnerBinding {
  readonly name: string;
  readonly group: number;
  readonly binding: number;
  readonly uniform: boolean;
  /** Read back after the run. */
  readonly writable: boolean;
}

/** The bindings of a checked module that `entry` uses. */
export function bindingsOf(checked: CheckedModule, entry: string): RunnerBinding[] {
  const used = checked.effects.get(entry);
  return checked.bindings
    .filter(
      (b) =>
        !used || used.reads.has(b.name) || used.stores.has(b.name) || used.accumulates.has(b.name),
    )
    .map((b) => ({
      name: b.name,
      group: b.group,
      binding: b.binding,
      uniform: b.addressSpace === 'uniform',
      writable: b.access === 'read_write',
    }));
}

/** Binding contents as WGSL bytes, by binding name. */
export type GpuBuffers = Record<string, ArrayBuffer>;

/**
 * Runs one entry point of a checked module on an injected GPUDevice and returns the contents
 * of its read_write bindings afterwards. For tests and the gradient checker, not for hot loops:
 * it creates and destroys its buffers and pipeline on every call.
 */
export async function runOnGpu(
  device: GPUDevice,
  bindings: readonly RunnerBinding[],
  label: string,
  source: string,
  entry: string,
  buffers: GpuBuffers,
  workgroups: readonly [number, number, number],
): Promise<GpuBuffers> {
  device.pushErrorScope('validation');
  const module = device.createShaderModule({ label, code: source });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length > 0) {
    await device.popErrorScope();
    throw new Error(
      `${label}: WGSL did not compile:\n${errors.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('\n')}`,
    );
  }
  const pipeline = device.createComputePipeline({
    label: entry,
    layout: 'auto',
    compute: { module, entryPoint: entry },
  });
  const created: GPUBuffer[] = [];
  const byGroup = new Map<number, GPUBindGroupEntry[]>();
  const outputs: { name: string; buffer: GPUBuffer; size: number }[] = [];
  for (const b of bindings) {
    const data = buffers[b.name];
    if (!data) throw new Error(`runOnGpu: no data for binding ${b.name}`);
    const size = Math.max(data.byteLength, 16);
    const usage =
      (b.uniform ? GPUBufferUsage.UNIFORM : GPUBufferUsage.STORAGE) |
      GPUBufferUsage.COPY_DST |
      GPUBufferUsage.COPY_SRC;
    const buffer = device.createBuffer({ label: b.name, size: Math.ceil(size / 4) * 4, usage });
    device.queue.writeBuffer(buffer, 0, data);
    created.push(buffer);
    const entries = byGroup.get(b.group) ?? [];
    entries.push({ binding: b.binding, resource: { buffer } });
    byGroup.set(b.group, entries);
    if (b.writable) outputs.push({ name: b.name, buffer, size: data.byteLength });
  }
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  for (const [group, entries] of byGroup) {
    pass.setBindGroup(
      group,
      device.createBindGroup({ layout: pipeline.getBindGroupLayout(group), entries }),
    );
  }
  pass.dispatchWorkgroups(...workgroups);
  pass.end();
  const readbacks = outputs.map((o) => {
    const rb = device.createBuffer({
      size: Math.ceil(o.size / 4) * 4,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    encoder.copyBufferToBuffer(o.buffer, 0, rb, 0, Math.ceil(o.size / 4) * 4);
    created.push(rb);
    return { name: o.name, rb, size: o.size };
  });
  device.queue.submit([encoder.finish()]);
  const error = await device.popErrorScope();
  if (error) {
    created.forEach((b) => b.destroy());
    throw new Error(`${label}: ${entry} failed on the GPU: ${error.message}`);
  }
  const result: GpuBuffers = {};
  for (const r of readbacks) {
    await r.rb.mapAsync(GPUMapMode.READ);
    result[r.name] = r.rb.getMappedRange().slice(0, r.size);
    r.rb.unmap();
  }
  created.forEach((b) => b.destroy());
  return result;
}
