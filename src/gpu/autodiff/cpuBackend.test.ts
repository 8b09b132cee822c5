import { describe, expect, it } from 'vitest';
import { withGpu } from '../testing/requireGpu.ts';
import { checkModule } from './checker.ts';
import { compileCpu } from './cpuBackend.ts';
import { bytesToSlots, slotsToBytes } from './cpuBuffers.ts';
import { KernelRuntimeError } from './cpuRuntime.ts';
import { bindingsOf, runOnGpu } from './gpuRunner.ts';
import { kernelSource } from './kernels/suite.ts';
import { parseWgsl } from './parser.ts';

/** Springs to each node's next three neighbours, rest length 0.5, workgroups of 8. */
const SPRINGS = kernelSource('springs');

function compile(source: string) {
  const checked = checkModule(parseWgsl(source));
  return { checked, kernel: compileCpu(checked) };
}

/** Inputs as GPU bytes, and the same as CPU slots. */
function springInputs(n: number) {
  const params = new ArrayBuffer(16);
  new Float32Array(params, 0, 1)[0] = 0.25;
  new Uint32Array(params, 4, 1)[0] = n;
  const stiffness = Float32Array.from({ length: n }, (_, i) => 1 + 0.1 * i).buffer;
  const pos = Float32Array.from({ length: n * 4 }, (_, i) =>
    i % 4 === 3 ? 0 : Math.sin(1.7 * i) * 2,
  ).buffer;
  const force = new ArrayBuffer(n * 16);
  return { params, stiffness, pos, force };
}

function toSlots(
  checked: ReturnType<typeof compile>['checked'],
  bytes: Record<string, ArrayBuffer>,
) {
  return Object.fromEntries(
    checked.bindings.map((b) => [b.name, bytesToSlots(b.type, bytes[b.name]!)]),
  );
}

describe('CPU backend', () => {
  it('runs the spring kernel like an independent float64 implementation', () => {
    const { checked, kernel } = compile(SPRINGS);
    const n = 100;
    const buffers = toSlots(checked, springInputs(n));
    kernel.run('main', buffers, [13, 1, 1]); // 104 threads, 4 past the end return early
    const pos = buffers.pos!;
    for (let i = 0; i < n; i++) {
      const f = [0, 0, 0];
      for (let j = 0; j < 3; j++) {
        const o = (i + j + 1) % n;
        const d = [0, 1, 2].map((c) => pos[o * 4 + c]! - pos[i * 4 + c]!);
        const len = Math.hypot(d[0]!, d[1]!, d[2]!);
        const k = buffers.stiffness![i]!;
        for (let c = 0; c < 3; c++) f[c]! += (k * (len - 0.5) * d[c]!) / len;
      }
      for (let c = 0; c < 3; c++) expect(buffers.force![i * 4 + c]).toBeCloseTo(f[c]! * 0.25, 12);
    }
  });

  it('matches the GPU on the spring kernel to 1e-5 relative', (ctx) =>
    withGpu(ctx, async (device) => {
      const { checked, kernel } = compile(SPRINGS);
      const inputs = springInputs(200);
      const gpu = await runOnGpu(
        device,
        bindingsOf(checked, 'main'),
        'kernel.wgsl',
        SPRINGS,
        'main',
        inputs,
        [25, 1, 1],
      );
      const cpu = toSlots(checked, inputs);
      kernel.run('main', cpu, [25, 1, 1]);
      const g = new Float32Array(gpu.force!);
      const scale = Math.max(...cpu.force!.map(Math.abs));
      const error = Math.max(...g.map((x, i) => Math.abs(x - cpu.force![i]!)));
      expect(scale).toBeGreaterThan(0.1);
      expect(error / scale).toBeLessThan(1e-5);
    }));

  it('wraps and divides integers the way WGSL does, identically on the GPU', (ctx) =>
    withGpu(ctx, async (device) => {
      const source = `
@group(0) @binding(0) var<storage, read> a: array<i32>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
@compute @workgroup_size(1)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let x = a[gid.x];
  let u = u32(x);
  out[gid.x * 6u] = u * 2654435761u;
  out[gid.x * 6u + 1u] = u32(x / 3);
  out[gid.x * 6u + 2u] = u32(x % 3);
  out[gid.x * 6u + 3u] = u - 5u;
  out[gid.x * 6u + 4u] = (u << 3u) ^ (u >> 2u);
  out[gid.x * 6u + 5u] = select(0u, 1u, x < -2);
}`;
      const { checked, kernel } = compile(source);
      const a = Int32Array.from([7, -7, 0, 2147483647, -2147483648, 3]);
      const inputs = { a: a.buffer, out: new ArrayBuffer(a.length * 6 * 4) };
      const gpu = await runOnGpu(
        device,
        bindingsOf(checked, 'main'),
        'kernel.wgsl',
        source,
        'main',
        inputs,
        [a.length, 1, 1],
      );
      const cpu = toSlots(checked, inputs);
      kernel.run('main', cpu, [a.length, 1, 1]);
      expect(
        Array.from(new Uint32Array(slotsToBytes(checked.bindings[1]!.type, cpu.out!))),
      ).toEqual(Array.from(new Uint32Array(gpu.out!)));
    }));

  it('lays out vec3 members of structs with WGSL padding, as the GPU does', (ctx) =>
    withGpu(ctx, async (device) => {
      const source = `
struct Body { p: vec3f, m: f32, v: vec3f, }
@group(0) @binding(0) var<storage, read> bodies: array<Body>;
@group(0) @binding(1) var<storage, read_write> out: array<Body>;
@compute @workgroup_size(4)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let b = bodies[gid.x];
  var next = b;
  next.p = b.p + b.v * b.m;
  next.v.y = -b.v.y;
  out[gid.x] = next;
}`;
      const { checked, kernel } = compile(source);
      // Body: p at 0 (12 bytes), m at 12, v at 16, size 32 (rounded to 16-byte alignment).
      const bodies = Float32Array.from({ length: 4 * 8 }, (_, i) => i * 0.5).buffer;
      const inputs = { bodies, out: new ArrayBuffer(4 * 32) };
      const gpu = await runOnGpu(
        device,
        bindingsOf(checked, 'main'),
        'kernel.wgsl',
        source,
        'main',
        inputs,
        [1, 1, 1],
      );
      const cpu = toSlots(checked, inputs);
      kernel.run('main', cpu, [1, 1, 1]);
      expect(
        Array.from(new Float32Array(slotsToBytes(checked.bindings[1]!.type, cpu.out!))),
      ).toEqual(Array.from(new Float32Array(gpu.out!)));
    }));

  it('reports an out-of-bounds index with the buffer name instead of reading garbage', () => {
    const { checked, kernel } = compile(`
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read_write> b: array<f32>;
@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) { b[gid.x] = a[gid.x + 1u]; }`);
    const buffers = { a: new Float64Array(8), b: new Float64Array(8) };
    expect(checked.bindings).toHaveLength(2);
    expect(() => kernel.run('main', buffers, [1, 1, 1])).toThrow(KernelRuntimeError);
    expect(() => kernel.run('main', buffers, [1, 1, 1])).toThrow(
      /index 8 is out of bounds for a \(8 elements\)/,
    );
  });
});
