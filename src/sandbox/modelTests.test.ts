import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { withGpu } from '../gpu/testing/requireGpu.ts';
import { loadManifestFileWithTests } from '../runtime/manifest/loadManifestFile.ts';
import type { ModelTestCase } from '../runtime/manifest/testCases.ts';
import type { CaseResult, SandboxProgress } from '../workers/sandboxProtocol.ts';
import { runModelTests } from './modelTests.ts';
import { loadLoopModel } from './testing/loopModel.ts';

const example = (name: string) =>
  loadManifestFileWithTests(
    fileURLToPath(new URL(`../examples/${name}/model.yaml`, import.meta.url)),
  );

const summary = (c: CaseResult) =>
  `${c.name}: ${c.status} ${c.failure?.message ?? ''}\n${c.checks.map((k) => `  ${k.passed ? 'ok' : 'FAILED'} ${k.message}`).join('\n')}`;

describe('model test runs (Dawn)', () => {
  it.for(['pidPlant', 'heatPlate'])(
    "passes every test case of the %s example, with each case's series and timings",
    async (name, ctx) => {
      const { spec, tests } = await example(name);
      await withGpu(ctx, async (device, adapter) => {
        const progress: SandboxProgress[] = [];
        const outcome = await runModelTests(
          device,
          adapter,
          { spec, tests },
          { onProgress: (p) => progress.push(p) },
        );
        if (outcome.status !== 'done') throw new Error(JSON.stringify(outcome));
        console.info(
          `${name}: ${outcome.cases.map((c) => `${c.name} ${c.timing.totalMs.toFixed(0)} ms`).join(', ')}; compiled in ${outcome.timing.compileMs.toFixed(0)} ms`,
        );
        expect(outcome.cases.map(summary).join('\n')).not.toContain('FAILED');
        expect(outcome.cases.map((c) => c.status)).toEqual(tests.map(() => 'passed'));
        expect(outcome).toMatchObject({ passed: tests.length, failed: 0 });
        for (const [i, c] of outcome.cases.entries()) {
          const t = tests[i]!;
          expect(c.steps).toBe(t.steps);
          const samples = Math.floor(t.steps / t.every) + (t.steps % t.every === 0 ? 0 : 1);
          expect(c.series.steps).toHaveLength(samples);
          for (const o of spec.observables)
            expect(c.series.observables[o.name]).toHaveLength(samples);
          expect(c.checks.length).toBe(t.expect.length + t.invariants.length + t.gradients.length);
        }
        // A heartbeat after every batch of every case, then the case's result.
        const beats = progress.filter((p) => p.type === 'batch');
        expect(beats.length).toBeGreaterThanOrEqual(tests.length);
        expect(progress.filter((p) => p.type === 'result')).toHaveLength(tests.length);
      });
    },
  );

  it('fails a deliberately wrong expectation with the measured and the expected value', async (ctx) => {
    const { spec, tests } = await example('pidPlant');
    const step = tests.find((t) => t.name === 'follows a set-point step')!;
    const wrong: ModelTestCase = {
      ...step,
      name: 'wrong',
      expect: [{ ...step.expect[1]!, equals: 400 }],
      invariants: [{ value: 'position', max: 600, from: 0 }],
    };
    await withGpu(ctx, async (device, adapter) => {
      const outcome = await runModelTests(device, adapter, { spec, tests: [wrong] });
      if (outcome.status !== 'done') throw new Error(JSON.stringify(outcome));
      expect(outcome).toMatchObject({ passed: 0, failed: 1 });
      const [c] = outcome.cases;
      expect(c?.status).toBe('failed');
      expect(c?.checks.map((k) => k.passed)).toEqual([false, false]);
      // float32 on another adapter may differ in the last digits.
      expect(c?.checks[0]?.message).toMatch(
        /^position after 600 steps is 487\.8\d*, expected 400 ± 1 \(off by 87\.8\d*\)$/,
      );
      expect(c?.checks[1]?.message).toMatch(
        /^position was 611\.8\d* after 90 steps, above the max 600 \(lowest 0, highest 632\.3\d* over 120 samples\)$/,
      );
    });
  });

  it.for([
    {
      name: 'at the default limits',
      limits: {},
      // 64 invocations × 2^18 iterations or the dispatch's 2^20: which runs out first depends on
      // how the adapter schedules the invocations.
      reason: /^(iterations|dispatch_budget)$/,
      message:
        /^relax\.wgsl:10:3: the for loop of kernel relax (ran past 262144 iterations in one invocation|was running when the dispatch relaxation: dispatch 0 \(relax\.relax\) forward ran out of work: its invocations together went past 1048576 loop iterations in one dispatch) \(after 1 step\), so the sandbox's loop guards? (broke out of it|stopped the dispatch) and stopped the case — make sure it ends: its condition must turn false \(`for \( var k = 0u ; k >= 0u ; k \+\+ \)`\)/,
    },
    {
      name: 'with the per-invocation cap at 2^32 − 2',
      limits: { maxLoopIterations: 2 ** 32 - 2 },
      reason: /^dispatch_budget$/,
      message:
        "relax.wgsl:10:3: the for loop of kernel relax was running when the dispatch relaxation: dispatch 0 (relax.relax) forward ran out of work: its invocations together went past 1048576 loop iterations in one dispatch (after 1 step), so the sandbox's loop guards stopped the dispatch and the case — make sure it ends: its condition must turn false (`for ( var k = 0u ; k >= 0u ; k ++ )`); if it is meant to run that long, reduce the dispatch's work (fewer iterations per invocation, or fewer invocations) or raise limits.maxDispatchIterations",
    },
    {
      name: 'with a dispatch budget above the per-invocation caps',
      limits: { maxDispatchIterations: 2 ** 31 },
      reason: /^iterations$/,
      message:
        "relax.wgsl:10:3: the for loop of kernel relax ran past 262144 iterations in one invocation (after 1 step), so the sandbox's loop guard broke out of it and stopped the case — make sure it ends: its condition must turn false (`for ( var k = 0u ; k >= 0u ; k ++ )`), or raise limits.maxLoopIterations if it is meant to run that long",
    },
  ])(
    'stops a kernel whose loop never ends within 2 s $name, naming the kernel, line and limit, and runs the next case',
    async ({ limits, reason, message }, ctx) => {
      const { spec, tests } = await loadLoopModel('for (var k = 0u; k >= 0u; k++)');
      const { spec: fine } = await loadLoopModel();
      await withGpu(ctx, async (device, adapter) => {
        const started = performance.now();
        let caseStarted = NaN;
        const outcome = await runModelTests(
          device,
          adapter,
          { spec, tests, only: [tests[0]!.name], limits },
          { onProgress: (p) => void (p.type === 'case' && (caseStarted = performance.now())) },
        );
        const stopped = performance.now() - caseStarted;
        console.info(
          `sandbox: a runaway model loop (limits ${JSON.stringify(limits)}) stopped by its ${outcome.status === 'done' ? outcome.cases[0]?.failure?.trap?.reason : outcome.status} trap and reported in ${stopped.toFixed(0)} ms (${(performance.now() - started).toFixed(0)} ms with the model's compile)`,
        );
        expect(stopped).toBeLessThan(2000);
        if (outcome.status !== 'done') throw new Error(JSON.stringify(outcome));
        const [c] = outcome.cases;
        expect(c?.status).toBe('failed');
        expect(c?.failure).toMatchObject({
          reason: 'loop_trap',
          trap: {
            kernel: 'relax',
            file: 'relax.wgsl',
            where: 'kernel',
            line: 10,
            column: 3,
            loop: 'for',
            module: 'relaxation: dispatch 0 (relax.relax) forward',
            step: 1,
          },
        });
        expect(c?.failure?.trap?.reason).toMatch(reason);
        if (typeof message === 'string') expect(c?.failure?.message).toBe(message);
        else expect(c?.failure?.message).toMatch(message);
        // The device is still good: the same model with a loop that ends passes on it.
        const after = await runModelTests(device, adapter, { spec: fine, tests });
        expect(after).toMatchObject({ status: 'done', passed: 2 });
      });
    },
  );

  it('cancels between batches, reporting the steps run', async (ctx) => {
    const { spec, tests } = await example('pidPlant');
    await withGpu(ctx, async (device, adapter) => {
      const controller = new AbortController();
      let beats = 0;
      const outcome = await runModelTests(
        device,
        adapter,
        { spec, tests },
        {
          signal: controller.signal,
          onProgress: (p) => {
            if (p.type === 'batch' && ++beats === 3) controller.abort();
          },
        },
      );
      expect(outcome.status).toBe('cancelled');
      // Batches of 5 steps (every: 5): stopped after the third.
      expect(outcome.cases).toHaveLength(1);
      expect(outcome.cases[0]).toMatchObject({ status: 'cancelled', steps: 15 });
      expect(outcome.cases[0]?.series.steps).toEqual([5, 10, 15]);
    });
  });

  it('fails a case over a dispatch cap, and a model over a buffer cap, naming the cap', async (ctx) => {
    const { spec, tests } = await loadLoopModel();
    await withGpu(ctx, async (device, adapter) => {
      const capped = await runModelTests(device, adapter, {
        spec,
        tests,
        limits: { maxDispatchesPerRun: 10 },
      });
      // The gradient case is 5 steps, but its gradient and finite-difference runs go past 10.
      if (capped.status !== 'done') throw new Error(JSON.stringify(capped));
      expect(capped.cases[0]?.failure).toMatchObject({ reason: 'limit' });
      expect(capped.cases[0]?.failure?.message).toBe(
        'test case "relaxes towards 1": sandbox: the run would make more than 10 dispatches (limits.maxDispatchesPerRun) — simulate fewer steps or raise the cap',
      );
      expect(capped.cases[1]?.failure?.reason).toBe('limit');
      expect(capped.cases[1]?.steps).toBe(5);

      const small = await runModelTests(device, adapter, {
        spec,
        tests,
        only: [tests[0]!.name],
        limits: { maxBufferBytes: 128 },
      });
      if (small.status !== 'done') throw new Error(JSON.stringify(small));
      expect(small.cases[0]?.failure?.message).toBe(
        'test case "relaxes towards 1": sandbox: createBuffer (relaxation: state A x) of 256 bytes exceeds the 128 bytes cap (limits.maxBufferBytes) — make the buffer smaller (fewer elements or steps) or raise the cap',
      );

      // The model's own buffers (parameters, constants, clock) do not fit: nothing runs.
      const none = await runModelTests(device, adapter, {
        spec,
        tests,
        limits: { maxTotalBytes: 32 },
      });
      expect(none).toMatchObject({ status: 'failed', reason: 'limit', cases: [] });
      expect((none as { message: string }).message).toContain('(limits.maxTotalBytes)');
    });
  });

  it('refuses cases that do not fit the model and unknown case names before asking the GPU', async () => {
    const { spec, tests } = await loadLoopModel();
    const device = {} as GPUDevice; // never touched: the request is refused first
    const bad: ModelTestCase = {
      ...tests[0]!,
      expect: [{ value: 'sum(y)', step: 20, equals: 1, tolerance: 0, relative: 0 }],
    };
    expect(await runModelTests(device, 'none', { spec, tests: [bad] })).toEqual({
      status: 'failed',
      reason: 'bad_request',
      message:
        'the test cases do not fit model "relaxation":\n  tests[0].expect[0].value: `sum(y)`: no state buffer named `y` — did you mean `x`?',
      cases: [],
    });
    expect(await runModelTests(device, 'none', { spec, tests, only: ['relax'] })).toMatchObject({
      status: 'failed',
      reason: 'bad_request',
      message:
        'no test case named "relax" (the model has "relaxes towards 1", "the rate\'s gradient")',
    });
  });
});
