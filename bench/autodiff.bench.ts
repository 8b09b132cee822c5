/**
 * `npm run bench -- autodiff`: the truss step's forward kernel against its generated adjoint
 * on the same GPU, at about 1k, 10k, 100k and 1M springs, with gradients summed by compare-exchange
 * (atomic) and by fixed point (deterministic). One JSON object per line:
 * {"bench":"autodiff","springs":N,"mode":…,"forward_ms":…,"adjoint_ms":…,"ratio":…}, medians of 5.
 * Both sides submit one compute pass per dispatch; the adjoint's fresh seeds (it zeroes them) are
 * copied before each dispatch, and that copy time, measured alone, is subtracted.
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
const adjoints = (['atomic', 'deterministic'] as const).map((mode) => {
  const adjoint = generateAdjoint(checked, 'step', { mode });
  const module = device.createShaderModule({
    label: `trussStep adjoint (${mode})`,
    code: adjoint.source,
  });
  const pipeline = device.createComputePipeline({
    label: `trussStep adjoint (${mode})`,
    layout: 'auto',
    compute: { module, entryPoint: adjoint.entry },
  });
  return { mode, adjoint, pipeline };
});

// Lattices of ~1k, ~10k, ~100k and ~1M springs (13 per interior joint); the last shows a large
// GPU past its per-dispatch overhead.
const sizes: [number, number, number][] = [
  [8, 4, 3],
  [20, 8, 7],
  [40, 18, 15],
  [80, 40, 30],
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
  // Forward through the production kernel object; one compute pass per dispatch, like the adjoint below.
  const forwardMs = await msPerDispatch(device, (count) => {
    for (let i = 0; i < count; i++) forward.step(1);
  });

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
  for (const { mode, adjoint, pipeline } of adjoints) {
    // Seeds are read and zeroed by the adjoint (stores' rule), so each timed dispatch gets fresh
    // seeds copied from a pristine buffer; the copies are timed alone and subtracted.
    const seeds: { buffer: GPUBuffer; pristine: GPUBuffer; size: number }[] = [];
    const gradients = adjoint.gradients.map((g) => {
      const size = sizesOf[g.of]! * (g.role === 'input' && mode === 'deterministic' ? 2 : 1);
      const buffer = make(size, storage | GPUBufferUsage.COPY_SRC);
      if (g.role === 'output') {
        const pristine = make(size, storage | GPUBufferUsage.COPY_SRC);
        device.queue.writeBuffer(
          pristine,
          0,
          new Float32Array(size / 4).map((_, i) => 1e-3 * Math.cos(i)),
        );
        seeds.push({ buffer, pristine, size });
      }
      return { g, buffer };
    });
    const group0 = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: checked.bindings
        .filter((b) => adjoint.primalBindings.includes(b.name))
        .map((b) => ({ binding: b.binding, resource: { buffer: primal[b.name]! } })),
    });
    const group1 = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(1),
      entries: gradients.map(({ g, buffer }) => ({ binding: g.binding, resource: { buffer } })),
    });
    const record = (count: number, dispatch: boolean) => {
      const encoder = device.createCommandEncoder();
      for (let i = 0; i < count; i++) {
        for (const seed of seeds)
          encoder.copyBufferToBuffer(seed.pristine, 0, seed.buffer, 0, seed.size);
        if (!dispatch) continue;
        const pass = encoder.beginComputePass();
        pass.setPipeline(pipeline);
        pass.setBindGroup(0, group0);
        pass.setBindGroup(1, group1);
        pass.dispatchWorkgroups(workgroups);
        pass.end();
      }
      device.queue.submit([encoder.finish()]);
    };
    const withCopiesMs = await msPerDispatch(device, (count) => record(count, true));
    const copiesMs = await msPerDispatch(device, (count) => record(count, false));
    const adjointMs = Math.max(withCopiesMs - copiesMs, 0);
    console.info(
      JSON.stringify({
        bench: 'autodiff',
        springs: truss.memberCount,
        mode,
        nodes: truss.nodeCount,
        adapter: gpu.adapter,
        forward_ms: Number(forwardMs.toPrecision(4)),
        adjoint_ms: Number(adjointMs.toPrecision(4)),
        ratio: Number((adjointMs / forwardMs).toFixed(2)),
        seed_copy_ms: Number(copiesMs.toPrecision(3)),
      }),
    );
    [...gradients.map((x) => x.buffer), ...seeds.map((x) => x.pristine)].forEach((b) =>
      b.destroy(),
    );
  }
  forward.destroy();
  Object.values(primal).forEach((b) => b.destroy());
}
device.destroy();
process.exit(0);
