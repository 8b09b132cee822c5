import { describe, expect, it } from 'vitest';
import { buildFootbridge } from '../twin/footbridge.ts';
import { FootbridgeLoads } from '../twin/footbridgeLoads.ts';
import { footbridgeTimeStep } from '../twin/footbridgeSim.ts';
import { STATE_STRIDE, packTruss, setMemberHealth } from '../twin/trussModel.ts';
import { stepTrussCpu } from '../twin/trussStepCpu.ts';
import { withGpu } from './testing/requireGpu.ts';
import { checkTrussKernel, fieldError } from './kernelSelfCheck.ts';
import { createTrussStepKernel } from './trussStepKernel.ts';

describe('trussStep.wgsl against the CPU reference (Dawn)', () => {
  async function compare(
    device: GPUDevice,
    samples: number,
    damage?: { member: number; health: number },
  ) {
    const truss = packTruss(buildFootbridge());
    if (damage) setMemberHealth(truss, damage.member, damage.health);
    const { dt, substeps } = footbridgeTimeStep(truss, 100);
    const loads = new FootbridgeLoads(truss.nodeCount, { seed: 7, arrivalRate: 5 });
    const kernel = createTrussStepKernel(device, truss, { dt });
    // Float32 inputs for both, so the comparison measures the kernel and not the rounding of inputs.
    const load = new Float32Array(truss.nodeCount * 4);
    let cpu = new Float64Array(truss.nodeCount * STATE_STRIDE);
    let scratch = new Float64Array(cpu.length);
    const dt32 = Math.fround(dt);
    for (let s = 0; s < samples; s++) {
      loads.advance(0.01, load);
      kernel.writeLoad(load);
      kernel.step(substeps);
      for (let k = 0; k < substeps; k++) {
        stepTrussCpu(truss, cpu, scratch, load, dt32);
        [cpu, scratch] = [scratch, cpu];
      }
    }
    const gpuState = await kernel.readState();
    kernel.destroy();
    return { gpuState, cpu, steps: samples * substeps };
  }

  it('computes one step from a moving state to 1e-5 relative in displacement and velocity (1e-4 in acceleration)', (ctx) =>
    withGpu(ctx, async (device, adapter) => {
      const truss = packTruss(buildFootbridge());
      const { dt, substeps } = footbridgeTimeStep(truss, 100);
      const check = await checkTrussKernel(device, truss, dt, substeps);
      console.info(
        `[${adapter}] one step: max rel. error u ${check.displacement.toExponential(2)} v ${check.velocity.toExponential(2)} a ${check.acceleration.toExponential(2)}`,
      );
      expect(check.displacementScale).toBeGreaterThan(1e-5); // a moving state, not the rest state
      expect(check.displacement).toBeLessThan(1e-5);
      expect(check.velocity).toBeLessThan(1e-5);
      // Acceleration is the small net of member forces tens of times larger, each rounded to
      // float32 on the GPU, so it carries that cancellation: 1e-4 is what float32 allows here.
      expect(check.acceleration).toBeLessThan(1e-4);
    }));

  it('follows the CPU trajectory to 1e-5 relative in displacement over 10 samples (≈290 steps)', (ctx) =>
    withGpu(ctx, async (device, adapter) => {
      const { gpuState, cpu, steps } = await compare(device, 10);
      const u = fieldError(gpuState, cpu, 0);
      console.info(
        `[${adapter}] ${steps} steps: max rel. error u ${u.error.toExponential(2)} (scale ${u.scale.toExponential(2)} m)`,
      );
      expect(u.scale).toBeGreaterThan(1e-5); // the bridge really moved
      expect(u.error).toBeLessThan(1e-5);
    }));

  it('keeps supports fixed and follows a damaged member the same way as the CPU', (ctx) =>
    withGpu(ctx, async (device) => {
      const { gpuState, cpu } = await compare(device, 5, { member: 7, health: 0.3 });
      expect(fieldError(gpuState, cpu, 0).error).toBeLessThan(1e-5);
      const truss = packTruss(buildFootbridge());
      for (let i = 0; i < truss.nodeCount; i++) {
        if (truss.nodeInverseMass[i * 4 + 2] === 0) {
          const s = i * STATE_STRIDE;
          expect([gpuState[s], gpuState[s + 1], gpuState[s + 2]]).toEqual([0, 0, 0]);
        }
      }
    }));

  it('traces the state after each group of steps exactly as stepping and reading back each time', (ctx) =>
    withGpu(ctx, async (device) => {
      const truss = packTruss(buildFootbridge());
      const { dt, substeps } = footbridgeTimeStep(truss, 100);
      const load = new Float32Array(truss.nodeCount * 4);
      new FootbridgeLoads(truss.nodeCount, { seed: 3, arrivalRate: 5 }).advance(0.01, load);
      const run = async (traced: boolean) => {
        const kernel = createTrussStepKernel(device, truss, { dt });
        kernel.writeLoad(load);
        const states: Float32Array[] = [];
        if (traced) states.push(...(await kernel.trace(substeps, 4)));
        else
          for (let k = 0; k < 4; k++) {
            kernel.step(substeps);
            states.push(await kernel.readState());
          }
        kernel.step(1); // the trace leaves the kernel at its last state
        states.push(await kernel.readState());
        kernel.destroy();
        return states;
      };
      const [traced, stepped] = [await run(true), await run(false)];
      expect(traced.length).toBe(5);
      expect(traced).toEqual(stepped);
      expect(traced[3]!.some((v) => v !== 0)).toBe(true);
    }));
});
