import { describe, expect, it } from 'vitest';
import { withGpu } from '../gpu/testing/requireGpu.ts';
import type { BridgeFitRequest, FitProgress } from './fitProtocol.ts';
import { checkBridgeRequest, runBridgeFit } from './fitService.ts';

const quick: BridgeFitRequest = {
  member: 7,
  health: 0.6,
  samples: 4,
  noiseMm: 0,
  seed: 4,
  localisationIterations: 3,
  refineIterations: 3,
};

describe('bridge fit service', () => {
  it('refuses requests it cannot run, saying which value is wrong', () => {
    expect(checkBridgeRequest(quick)).toBeNull();
    expect(checkBridgeRequest({ ...quick, member: 400 })).toMatch(
      /member must be one of .* 0…198; got 400/,
    );
    expect(checkBridgeRequest({ ...quick, health: 0 })).toMatch(/health must be between 0.2 and 1/);
    expect(checkBridgeRequest({ ...quick, samples: 1.5 })).toMatch(/2…1000 samples/);
    expect(checkBridgeRequest({ ...quick, noiseMm: -1 })).toMatch(/noise/);
  });

  it(
    'reports progress per iteration of both stages and the answer with the truth beside it',
    (ctx) =>
      withGpu(ctx, async (device) => {
        const progress: FitProgress[] = [];
        const outcome = await runBridgeFit(
          device,
          'test adapter',
          quick,
          (p) => progress.push(p),
          new AbortController().signal,
        );
        expect(outcome.status).toBe('done');
        if (outcome.status !== 'done') return;
        expect(outcome.result).toMatchObject({
          truth: { member: 7, health: 0.6 },
          adapter: 'test adapter',
        });
        expect(outcome.result.member).toBeGreaterThanOrEqual(0);
        expect(Number.isFinite(outcome.result.loss)).toBe(true);
        const stages = progress.map((p) => p.stage);
        expect(stages[0]).toBe('localise');
        expect(stages.at(-1)).toBe('refine');
        const localise = progress.filter((p) => p.stage === 'localise');
        expect(localise.map((p) => p.iteration)).toEqual(
          localise.map((_, i) => localise[0]!.iteration + i),
        );
        expect(localise.every((p) => p.maxIterations === 3 && p.suspect >= 0)).toBe(true);
        // L-BFGS with a line search never accepts a step that raises the loss.
        localise.slice(1).forEach((p, i) => expect(p.loss).toBeLessThanOrEqual(localise[i]!.loss));
      }),
    120_000,
  );

  it(
    'stops when cancelled and says so',
    (ctx) =>
      withGpu(ctx, async (device) => {
        const controller = new AbortController();
        const outcome = await runBridgeFit(
          device,
          'test adapter',
          { ...quick, localisationIterations: 50 },
          () => controller.abort(),
          controller.signal,
        );
        expect(outcome).toEqual({ status: 'cancelled' });
      }),
    120_000,
  );

  it('fails a bad request without touching the device', async () => {
    const outcome = await runBridgeFit(
      {} as GPUDevice,
      'none',
      { ...quick, samples: 0 },
      () => {},
      new AbortController().signal,
    );
    expect(outcome).toMatchObject({ status: 'failed', reason: 'bad_request' });
  });
});
