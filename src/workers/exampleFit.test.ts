import { describe, expect, it } from 'vitest';
import { withGpu } from '../gpu/testing/requireGpu.ts';
import { runExampleFit } from './exampleFit.ts';
import type { FitProgress } from './fitProtocol.ts';

describe('example fits in the fit worker', () => {
  it(
    'recovers the PID gains within 2 % with per-iteration progress, the truth beside the answer',
    (ctx) =>
      withGpu(ctx, async (device) => {
        const progress: FitProgress[] = [];
        const outcome = await runExampleFit(
          device,
          'test adapter',
          { example: 'pid-plant', seed: 3, iterations: 40 },
          (p) => progress.push(p),
          new AbortController().signal,
        );
        expect(outcome.status).toBe('done');
        if (outcome.status !== 'done') return;
        const { parameters, loss, lossStart } = outcome.result;
        expect(parameters.map((p) => p.name)).toEqual(['kp', 'ki', 'kd']);
        for (const p of parameters)
          expect(Math.abs(p.fitted - p.truth) / p.truth, p.name).toBeLessThan(0.02);
        expect(loss).toBeLessThan(lossStart / 1000);
        expect(progress.length).toBeGreaterThan(3);
        expect(progress.every((p) => p.stage === 'fit' && p.maxIterations === 40)).toBe(true);
      }),
    180_000,
  );

  it(
    'resumes an interrupted fit from its last reported parameters, counting on',
    (ctx) =>
      withGpu(ctx, async (device) => {
        // A fit interrupted after 4 iterations (a lost device reports the same way).
        const interrupted: FitProgress[] = [];
        const controller = new AbortController();
        await runExampleFit(
          device,
          'a',
          { example: 'pid-plant', seed: 3, iterations: 40 },
          (p) => {
            interrupted.push(p);
            if (p.iteration === 4) controller.abort();
          },
          controller.signal,
        );
        const last = interrupted.at(-1)!;
        expect(last.iteration).toBe(4);
        const resumed: FitProgress[] = [];
        const outcome = await runExampleFit(
          device,
          'b',
          { example: 'pid-plant', seed: 3, iterations: 40, resume: last.resume },
          (p) => resumed.push(p),
          new AbortController().signal,
        );
        expect(resumed[0]!.iteration).toBe(5);
        // It starts where the first stopped, not from the manifest's initial gains.
        expect(resumed[0]!.loss).toBeLessThanOrEqual(last.loss);
        expect(resumed[0]!.loss).toBeLessThan(interrupted[0]!.loss);
        expect(outcome.status).toBe('done');
        if (outcome.status !== 'done') return;
        for (const p of outcome.result.parameters)
          expect(Math.abs(p.fitted - p.truth) / p.truth, p.name).toBeLessThan(0.02);
      }),
    240_000,
  );

  it(
    'fits the PID gains within 2 % with Adam on bound-scaled parameters',
    (ctx) =>
      withGpu(ctx, async (device) => {
        const progress: FitProgress[] = [];
        const outcome = await runExampleFit(
          device,
          'test adapter',
          {
            example: 'pid-plant',
            seed: 3,
            iterations: 150,
            optimiser: { kind: 'adam', learningRate: 0.02 },
          },
          (p) => progress.push(p),
          new AbortController().signal,
        );
        expect(outcome.status).toBe('done');
        if (outcome.status !== 'done') return;
        expect(outcome.result.optimiser).toBe('adam');
        for (const p of outcome.result.parameters)
          expect(Math.abs(p.fitted - p.truth) / p.truth, p.name).toBeLessThan(0.02);
        expect(outcome.result.loss).toBeLessThan(outcome.result.lossStart / 100);
        expect(progress).toHaveLength(150);
      }),
    240_000,
  );

  it(
    'stops when cancelled, and refuses a bad iteration count',
    (ctx) =>
      withGpu(ctx, async (device) => {
        const controller = new AbortController();
        const outcome = await runExampleFit(
          device,
          'test adapter',
          { example: 'heat-plate', seed: 1, iterations: 50 },
          () => controller.abort(),
          controller.signal,
        );
        expect(outcome).toEqual({ status: 'cancelled' });
        const bad = await runExampleFit(
          device,
          'x',
          { example: 'pid-plant', seed: 1, iterations: 0 },
          () => {},
          new AbortController().signal,
        );
        expect(bad).toMatchObject({ status: 'failed', reason: 'bad_request' });
        const badRate = await runExampleFit(
          device,
          'x',
          {
            example: 'pid-plant',
            seed: 1,
            iterations: 5,
            optimiser: { kind: 'adam', learningRate: 0 },
          },
          () => {},
          new AbortController().signal,
        );
        expect(badRate).toMatchObject({
          status: 'failed',
          message: expect.stringContaining('learning rate') as string,
        });
        const badResume = await runExampleFit(
          device,
          'x',
          {
            example: 'pid-plant',
            seed: 1,
            iterations: 5,
            resume: { stage: 'fit', iteration: 2, parameters: [1, 2] },
          },
          () => {},
          new AbortController().signal,
        );
        expect(badResume).toMatchObject({
          status: 'failed',
          message: expect.stringContaining('3 finite parameters') as string,
        });
      }),
    120_000,
  );
});
