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
    expect(
      checkBridgeRequest({
        ...quick,
        resume: { stage: 'localise', iteration: 1, parameters: [1] },
      }),
    ).toMatch(/199 member health value/);
    expect(
      checkBridgeRequest({
        ...quick,
        resume: { stage: 'refine', iteration: 1, parameters: [0.6] },
      }),
    ).toMatch(/name the refined member/);
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
    'resumes in either stage from the last reported point, counting iterations on',
    (ctx) =>
      withGpu(ctx, async (device) => {
        const first: FitProgress[] = [];
        await runBridgeFit(device, 'a', quick, (p) => first.push(p), new AbortController().signal);
        const localised = first.filter((p) => p.stage === 'localise').at(-2)!;
        const refining = first.find((p) => p.stage === 'refine')!;
        expect(localised.resume.parameters).toHaveLength(199);
        expect(refining.resume).toMatchObject({ stage: 'refine', iteration: 1 });

        const fromLocalise: FitProgress[] = [];
        const outcome = await runBridgeFit(
          device,
          'b',
          { ...quick, resume: localised.resume },
          (p) => fromLocalise.push(p),
          new AbortController().signal,
        );
        expect(fromLocalise[0]).toMatchObject({
          stage: 'localise',
          iteration: localised.iteration + 1,
        });
        expect(fromLocalise[0]!.loss).toBeLessThanOrEqual(localised.loss);
        expect(fromLocalise.filter((p) => p.stage === 'localise')).toHaveLength(
          quick.localisationIterations - localised.iteration,
        );
        expect(outcome.status).toBe('done');

        const fromRefine: FitProgress[] = [];
        const refined = await runBridgeFit(
          device,
          'c',
          { ...quick, resume: refining.resume },
          (p) => fromRefine.push(p),
          new AbortController().signal,
        );
        expect(fromRefine.every((p) => p.stage === 'refine')).toBe(true);
        expect(fromRefine[0]!.iteration).toBe(2);
        expect(refined).toMatchObject({
          status: 'done',
          result: { member: refining.resume.member },
        });
      }),
    180_000,
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
