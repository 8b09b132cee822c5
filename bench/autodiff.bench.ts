/**
 * `npm run bench -- autodiff`: the truss step's forward kernel against its generated adjoint
 * (atomic accumulation) on the same GPU, at about 1k, 10k and 100k springs. One JSON object per
 * line: {"bench":"autodiff","springs":N,"forward_ms":…,"adjoint_ms":…,"ratio":…}, medians of 5.
 */
import { generateAdjoint } from '../src/gpu/autodiff/adjoint.ts';
import { checkModule } from '../src/gpu/autodiff/checker.ts';
import { parseWgsl } from '../src/gpu/autodiff/parser.ts';
import { requestDawnDevice } from '../src/gpu/testing/dawnDevice.ts';
import { trussStepWgsl } from '../src/gpu/trussStep.wgsl.ts';
import { createTrussStepKernel } from '../src/gpu/trussStepKernel.ts';
import { STATE_STRIDE, packTruss, stableTimeStep } from '../src/twin/trussModel.ts';
import { buildLattice } from './lattice.ts';

const REPEATS = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Milliseconds per call of `submit(count)` (which records `count` dispatches), median of REPEATS. */
async function msPerDispatch(device: GPUDevice, submit: (count: number) => void): Promise<number> {
  let count = 1;
  for (;;) {
    const t0 = performance.now();
    submit(count);
    await device.queue.onSubmittedWorkDone();
    const ms = performance.now() - t0;
    if (ms > 150 || count >= 1 << 14) break;
    count *= 2;
  }
  const samples: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    submit(count);
    await device.queue.onSubmittedWorkDone();
    samples.push((performance.now() - t0) / count);
  }
  return median(samples);
}

const gpu = await requestDawnDevice();
if (!gpu.ok) {
  console.error(`autodiff bench needs a GPU adapter: ${gpu.reason}`);
  process.exit(1);
}
const device = gpu.device;
const checked = checkModule(parseWgsl(trussStepWgsl, 'trussStep.wgsl'));
const adjoint = generateAdjoint(checked, 'step', { mode: 'atomic' });
const adjointModule = device.createShaderModule({
  label: 'trussStep adjoint',
  code: adjoint.source,
});
const adjointPipeline = device.createComputePipeline({
  label: 'trussStep adjoint',
  layout: 'auto',
  compute: { module: adjointModule, entryPoint: adjoint.entry },
});

// Lattices of ~1k, ~10k and ~100k springs (13 per interior joint).
const sizes: [number, number, number][] = [
  [8, 4, 3],
  [20, 8, 7],
  [40, 18, 15],
];
const only = process.argv[2];
for (const [nx, ny, nz] of sizes) {
  const truss = packTruss(buildLattice(nx, ny, nz));
  if (only && String(truss.memberCount) !== only) continue;
  const dt = 0.5 * stableTimeStep(truss);
  const workgroups = Math.ceil(truss.nodeCount / 64);
  const forward = createTrussStepKernel(device, truss, { dt });
  forward.writeLoad(new Float32Array(truss.nodeCount * 4).map((_, i) => (i % 4 === 2 ? -100 : 0)));
  forward.writeState(
    new Float32Array(truss.nodeCount * STATE_STRIDE).map((_, i) =>
      i % 4 === 3 ? 0 : 1e-4 * Math.sin(i),
    ),
  );
  const forwardMs = await msPerDispatch(device, (count) => forward.step(count));

  // The adjoint's buffers: the primal inputs it reads (group 0), gradients and seeds (group 1).
  const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
  const make = (size: number, usage = storage) =>
    device.createBuffer({ size: Math.max(16, size), usage });
  const params = make(16, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
  const paramsData = new ArrayBuffer(16);
  new Float32Array(paramsData, 0, 2).set([dt, truss.massDamping]);
  new Uint32Array(paramsData, 8, 1)[0] = truss.nodeCount;
  device.queue.writeBuffer(params, 0, paramsData);
  const primal: Record<string, GPUBuffer> = {
    params,
    members: make(truss.members.byteLength),
    nodeInfo: make(truss.nodes.byteLength),
    incidence: make(truss.incidence.byteLength),
    load: make(truss.nodeCount * 16),
    stateIn: make(truss.nodeCount * STATE_STRIDE * 4),
  };
  device.queue.writeBuffer(primal.members!, 0, truss.members);
  device.queue.writeBuffer(primal.nodeInfo!, 0, truss.nodes);
  device.queue.writeBuffer(primal.incidence!, 0, truss.incidence);
  const sizesOf: Record<string, number> = {
    members: truss.members.byteLength,
    load: truss.nodeCount * 16,
    stateIn: truss.nodeCount * STATE_STRIDE * 4,
    stateOut: truss.nodeCount * STATE_STRIDE * 4,
  };
  const gradients = adjoint.gradients.map((g) => {
    const buffer = make(sizesOf[g.of]!);
    if (g.role === 'output')
      device.queue.writeBuffer(buffer, 0, new Float32Array(sizesOf[g.of]! / 4).fill(1e-3));
    return { g, buffer };
  });
  const group0 = device.createBindGroup({
    layout: adjointPipeline.getBindGroupLayout(0),
    entries: checked.bindings
      .filter((b) => adjoint.primalBindings.includes(b.name))
      .map((b) => ({ binding: b.binding, resource: { buffer: primal[b.name]! } })),
  });
  const group1 = device.createBindGroup({
    layout: adjointPipeline.getBindGroupLayout(1),
    entries: gradients.map(({ g, buffer }) => ({ binding: g.binding, resource: { buffer } })),
  });
  const adjointMs = await msPerDispatch(device, (count) => {
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(adjointPipeline);
    pass.setBindGroup(0, group0);
    pass.setBindGroup(1, group1);
    for (let i = 0; i < count; i++) pass.dispatchWorkgroups(workgroups);
    pass.end();
    device.queue.submit([encoder.finish()]);
  });
  console.info(
    JSON.stringify({
      bench: 'autodiff',
      springs: truss.memberCount,
      nodes: truss.nodeCount,
      adapter: gpu.adapter,
      forward_ms: Number(forwardMs.toPrecision(4)),
      adjoint_ms: Number(adjointMs.toPrecision(4)),
      ratio: Number((adjointMs / forwardMs).toFixed(2)),
    }),
  );
  forward.destroy();
  [...Object.values(primal), ...gradients.map((x) => x.buffer)].forEach((b) => b.destroy());
}
device.destroy();
process.exit(0);
