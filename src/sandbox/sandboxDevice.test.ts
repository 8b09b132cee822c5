import { describe, expect, it } from 'vitest';
import { withGpu } from '../gpu/testing/requireGpu.ts';
import { createSandboxDevice, type SandboxDevice } from './sandboxDevice.ts';
import { SandboxError, type SandboxErrorReason } from './sandboxError.ts';

/** A kernel writing `x` per invocation after running `body` (which may loop for ever). */
const kernel = (body: string) => `@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  var x = f32(gid.x);
  ${body}
  out[gid.x] = x;
}
`;

/**
 * Runs `code`'s `main` over `invocations` invocations, `dispatches` times: `out`, and the
 * milliseconds to compile the pipeline and to run it (until its output is read back).
 */
async function timedRun(
  device: GPUDevice,
  code: string,
  { invocations = 256, dispatches = 1, label = 'kernel.wgsl' } = {},
): Promise<{ out: Float32Array; compileMs: number; runMs: number }> {
  const started = performance.now();
  const module = device.createShaderModule({ label, code });
  const pipeline = await device.createComputePipelineAsync({
    layout: 'auto',
    compute: { module, entryPoint: 'main' },
  });
  const compiled = performance.now();
  const out = device.createBuffer({
    size: invocations * 4,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
  });
  const staging = device.createBuffer({
    size: invocations * 4,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  const group = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [{ binding: 0, resource: { buffer: out } }],
  });
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, group);
  for (let i = 0; i < dispatches; i++) pass.dispatchWorkgroups(invocations / 64);
  pass.end();
  encoder.copyBufferToBuffer(out, 0, staging, 0, invocations * 4);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const values = new Float32Array(staging.getMappedRange().slice(0));
  staging.unmap();
  staging.destroy();
  out.destroy();
  return { out: values, compileMs: compiled - started, runMs: performance.now() - compiled };
}

const run = async (...args: Parameters<typeof timedRun>) => (await timedRun(...args)).out;

function expectSandboxError(body: () => unknown, reason: SandboxErrorReason): SandboxError {
  try {
    body();
  } catch (error) {
    expect(error).toBeInstanceOf(SandboxError);
    expect((error as SandboxError).reason).toBe(reason);
    return error as SandboxError;
  }
  throw new Error(`expected SandboxError ${reason}`);
}

async function withSandbox(
  ctx: Parameters<typeof withGpu>[0],
  limits: Parameters<typeof createSandboxDevice>[1],
  body: (sandbox: SandboxDevice, raw: GPUDevice) => Promise<void> | void,
) {
  await withGpu(ctx, async (device) => {
    const sandbox = createSandboxDevice(device, limits);
    try {
      await body(sandbox, device);
    } finally {
      sandbox.destroy();
    }
  });
}

describe('sandbox device: loop guards', () => {
  it.for([
    ['loop {}', 'loop', 'loop'],
    ['while (true) {}', 'while', 'while ( true )'],
    ['for (var i = 0u; i >= 0u; i++) {}', 'for', 'for ( var i = 0u ; i >= 0u ; i ++ )'],
    ['for (;;) { x += 1.0; }', 'for', 'for ( ; ; )'],
  ] as const)(
    'stops `%s` on the GPU and reports its trap, well under 2 s',
    async ([body, kind, header], ctx) => {
      await withSandbox(ctx, {}, async (sandbox) => {
        const { out, compileMs, runMs } = await timedRun(sandbox.device, kernel(body), {
          label: 'spin.wgsl',
          invocations: 1024,
          dispatches: 4,
        });
        const started = performance.now();
        const trap = await sandbox.takeTrap();
        const stoppedMs = runMs + performance.now() - started;
        console.info(
          `sandbox: \`${body}\` ×4 dispatches of 1024 invocations stopped in ${stoppedMs.toFixed(0)} ms (compiled in ${compileMs.toFixed(0)} ms)`,
        );
        expect(trap?.site).toMatchObject({ kind, header, line: 5, column: 3, fn: 'main' });
        expect(trap?.site?.module).toBe('spin.wgsl');
        expect(trap!.invocations).toBeGreaterThan(0);
        // The kernel went on after the loop: every invocation wrote its output.
        expect(out.every((v, i) => v >= i)).toBe(true);
        expect(stoppedMs).toBeLessThan(1000);
        // Taking the trap clears it.
        expect(await sandbox.takeTrap()).toBeNull();
      });
    },
  );

  it('keeps the results of kernels whose loops end bit-identical to the unguarded device', async (ctx) => {
    const body = `
  for (var i = 0u; i < 7u; i++) {
    var k = 0u;
    loop {
      if (k >= (gid.x % 5u)) { break; }
      x = x * 0.75 + sin(x + f32(i * k));
      k++;
      continuing { x = x - 0.001 * f32(k); }
    }
    while (x > 3.0) { x = sqrt(x); }
  }`;
    await withSandbox(ctx, {}, async (sandbox, raw) => {
      const guarded = await run(sandbox.device, kernel(body));
      const plain = await run(raw, kernel(body));
      expect(new Uint32Array(guarded.buffer)).toEqual(new Uint32Array(plain.buffer));
      expect(await sandbox.takeTrap()).toBeNull();
    });
  });

  it('counts iterations per invocation across all its loops, up to maxIterations', async (ctx) => {
    // 3 loops of 40 iterations: 120 in all, over a cap of 100.
    const body = 'for (var a = 0; a < 3; a++) { for (var b = 0; b < 39; b++) { x += 1.0; } }';
    await withSandbox(ctx, { limits: { maxLoopIterations: 100 } }, async (sandbox) => {
      await run(sandbox.device, kernel(body), { label: 'count.wgsl' });
      expect((await sandbox.takeTrap())?.site).toMatchObject({ kind: 'for', column: 33 });
    });
    await withSandbox(ctx, { limits: { maxLoopIterations: 121 } }, async (sandbox) => {
      await run(sandbox.device, kernel(body));
      expect(await sandbox.takeTrap()).toBeNull();
    });
  });

  it('adds the trap group after the groups of an explicit layout', async (ctx) => {
    const code = `@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(1)
fn main() { var x = 1.0; loop { x = x * 2.0; } out[0] = x; }`;
    await withSandbox(ctx, {}, async (sandbox) => {
      const device = sandbox.device;
      const layout0 = device.createBindGroupLayout({
        entries: [{ binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } }],
      });
      const layout1 = device.createBindGroupLayout({ entries: [] });
      const pipeline = device.createComputePipeline({
        layout: device.createPipelineLayout({ bindGroupLayouts: [layout0, layout1] }),
        compute: {
          module: device.createShaderModule({ label: 'two.wgsl', code }),
          entryPoint: 'main',
        },
      });
      const out = device.createBuffer({ size: 4, usage: GPUBufferUsage.STORAGE });
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(
        0,
        device.createBindGroup({
          layout: layout0,
          entries: [{ binding: 0, resource: { buffer: out } }],
        }),
      );
      pass.setBindGroup(1, device.createBindGroup({ layout: layout1, entries: [] }));
      pass.dispatchWorkgroups(1);
      pass.end();
      device.pushErrorScope('validation');
      device.queue.submit([encoder.finish()]);
      expect(await device.popErrorScope()).toBeNull();
      expect((await sandbox.takeTrap())?.site).toMatchObject({ module: 'two.wgsl', line: 3 });
      out.destroy();
    });
  });

  it("reports the GPU's compilation messages at their place in the source as written", async (ctx) => {
    const code = `@compute @workgroup_size(1)
fn main() { var x = 1.0; for (var i = 0u; i < 2u; i++) { x = x + i; } }`;
    await withSandbox(ctx, {}, async (sandbox, raw) => {
      const position = async (device: GPUDevice) => {
        device.pushErrorScope('validation');
        const module = device.createShaderModule({ code });
        await device.popErrorScope();
        const info = await module.getCompilationInfo();
        const error = info.messages.find((m) => m.type === 'error');
        return error && [error.lineNum, error.linePos];
      };
      const expected = await position(raw);
      expect(expected?.[0]).toBe(2);
      expect(await position(sandbox.device)).toEqual(expected);
    });
  });

  it('refuses a kernel with loops that uses every bind group', async (ctx) => {
    const code = `@group(3) @binding(0) var<storage, read_write> a: array<f32>;
@compute @workgroup_size(1) fn main() { loop { break; } a[0] = 1.0; }`;
    await withSandbox(ctx, {}, (sandbox) => {
      const error = expectSandboxError(
        () => sandbox.device.createShaderModule({ label: 'full.wgsl', code }),
        'unguardable',
      );
      expect(error.message).toContain('full.wgsl: the loop guard needs bind group 4');
    });
  });
});

describe('sandbox device: caps', () => {
  const limits = {
    maxBufferBytes: 1024,
    maxTotalBytes: 2048,
    maxWorkgroupsPerDispatch: 64,
    maxDispatchesPerBatch: 3,
    maxDispatchesPerRun: 5,
  };
  // GPUBufferUsage.STORAGE; the global exists only once Dawn has loaded.
  const usage = 0x80;

  it('refuses a buffer over maxBufferBytes and live bytes over maxTotalBytes, by name', async (ctx) => {
    await withSandbox(ctx, { limits }, (sandbox) => {
      const device = sandbox.device;
      const big = expectSandboxError(
        () => device.createBuffer({ label: 'field', size: 4096, usage }),
        'buffer_too_large',
      );
      expect(big.message).toBe(
        'sandbox: createBuffer (field) of 4 KiB exceeds the 1 KiB cap (limits.maxBufferBytes) — make the buffer smaller (fewer elements or steps) or raise the cap',
      );
      const a = device.createBuffer({ size: 1024, usage });
      const b = device.createBuffer({ size: 1024, usage });
      const full = expectSandboxError(() => device.createBuffer({ size: 4, usage }), 'memory_cap');
      expect(full.message).toContain('would bring live buffers to 2 KiB, over the 2 KiB cap');
      expect(sandbox.usage()).toMatchObject({ liveBytes: 2048, peakBytes: 2048 });
      a.destroy();
      a.destroy(); // a second destroy gives nothing back twice
      expect(sandbox.usage().liveBytes).toBe(1024);
      device.createBuffer({ size: 1024, usage }).destroy();
      b.destroy();
      expect(sandbox.usage()).toMatchObject({ liveBytes: 0, peakBytes: 2048 });
    });
  });

  it('refuses dispatches over the workgroup, batch and run caps, and indirect dispatches', async (ctx) => {
    await withSandbox(ctx, { limits }, (sandbox) => {
      const device = sandbox.device;
      const pass = () => device.createCommandEncoder().beginComputePass();
      expect(
        expectSandboxError(() => pass().dispatchWorkgroups(8, 8, 2), 'workgroup_cap').message,
      ).toContain('8 × 8 × 2 = 128 workgroups exceeds the cap of 64');
      expectSandboxError(
        () =>
          pass().dispatchWorkgroupsIndirect(
            device.createBuffer({ size: 16, usage: GPUBufferUsage.INDIRECT }),
            0,
          ),
        'indirect_dispatch',
      );
      // The passes are never ended or submitted: the caps are checked as work is encoded.
      const batch = pass();
      batch.dispatchWorkgroups(1);
      batch.dispatchWorkgroups(1);
      batch.dispatchWorkgroups(1);
      expectSandboxError(() => batch.dispatchWorkgroups(1), 'batch_cap');
      const next = pass();
      next.dispatchWorkgroups(1);
      next.dispatchWorkgroups(1);
      expect(sandbox.usage().dispatches).toBe(5);
      expectSandboxError(() => next.dispatchWorkgroups(1), 'dispatch_cap');
      sandbox.startRun();
      pass().dispatchWorkgroups(1);
      expect(sandbox.usage().dispatches).toBe(1);
    });
  });
});

describe('sandbox device: dispatch budget', () => {
  const highCap = { maxLoopIterations: 2 ** 32 - 2 };

  it.for([
    ['if (gid.x == 0u) { loop {} }', 64],
    ['if (gid.x == 0u) { while (true) {} }', 64],
    ['loop {}', 16_384],
    ['while (true) {}', 16_384],
    ['for (var k = 0u; k < 1048576u; k++) { x += 1.0; }', 16_384],
    ['for (var k = 0u; k < 1048576u; k++) { x += 1.0; }', 64],
  ] as const)(
    'stops `%s` over %i invocations with the per-invocation cap at 2^32 − 2, well under 2 s',
    async ([body, invocations], ctx) => {
      await withSandbox(ctx, { limits: highCap }, async (sandbox) => {
        const { compileMs, runMs } = await timedRun(sandbox.device, kernel(body), {
          label: 'spin.wgsl',
          invocations,
          dispatches: 4,
        });
        const started = performance.now();
        const trap = await sandbox.takeTrap();
        const stoppedMs = runMs + performance.now() - started;
        const peak = sandbox.usage().peakDispatchIterations;
        console.info(
          JSON.stringify({
            kernel: body,
            invocations,
            dispatches: 4,
            maxDispatchIterations: sandbox.limits.maxDispatchIterations,
            peakDispatchIterations: peak,
            stoppedMs: Math.round(stoppedMs),
            compileMs: Math.round(compileMs),
            iterationsPerSecond: Math.round(peak / (stoppedMs / 1000)),
          }),
        );
        expect(trap).toMatchObject({ reason: 'dispatch_budget', site: { line: 5 } });
        expect(peak).toBeGreaterThan(sandbox.limits.maxDispatchIterations);
        expect(stoppedMs).toBeLessThan(1000);
      });
    },
  );
});

describe('sandbox device: work counted per dispatch', () => {
  it('gives every dispatch a budget of its own, and stops the one past it', async (ctx) => {
    const limits = { maxDispatchIterations: 10_000 };
    // 64 invocations × 100 iterations: 6400 a dispatch, 25 600 over the pass's four.
    await withSandbox(ctx, { limits }, async (sandbox) => {
      const body = 'for (var k = 0u; k < 100u; k++) { x += 1.0; }';
      const out = await run(sandbox.device, kernel(body), { invocations: 64, dispatches: 4 });
      expect(await sandbox.takeTrap()).toBeNull();
      expect(sandbox.usage().peakDispatchIterations).toBe(6400);
      expect(out[5]).toBe(105);
    });
    await withSandbox(ctx, { limits }, async (sandbox) => {
      const body = 'for (var k = 0u; k < 200u; k++) { x += 1.0; }';
      await run(sandbox.device, kernel(body), { invocations: 64, label: 'two.wgsl' });
      const trap = await sandbox.takeTrap();
      expect(trap).toMatchObject({ reason: 'dispatch_budget', site: { module: 'two.wgsl' } });
      expect(sandbox.usage().peakDispatchIterations).toBeGreaterThan(10_000);
    });
  });

  it('counts every iteration, also those of invocations that return from inside a loop', async (ctx) => {
    // Invocation i enters the body 10·i + 1 times (some more than 1024), then returns.
    const body = `for (var k = 0u; k < 5000u; k++) {
    if (k == gid.x * 10u) { out[gid.x] = x; return; }
    x += 1.0;
  }`;
    await withSandbox(ctx, {}, async (sandbox) => {
      const out = await run(sandbox.device, kernel(body), { invocations: 256 });
      expect(await sandbox.takeTrap()).toBeNull();
      const expected = Array.from({ length: 256 }, (_, i) => 10 * i + 1).reduce((a, b) => a + b);
      expect(sandbox.usage().peakDispatchIterations).toBe(expected);
      expect(out[3]).toBe(3 + 30);
      sandbox.startRun();
      expect(sandbox.usage().peakDispatchIterations).toBe(0);
    });
  });
});
