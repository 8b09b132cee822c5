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
      }),
    120_000,
  );
});
