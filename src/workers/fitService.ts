/**
 * Runs bridge fits on an injected device: the code behind the fit worker, testable in Node
 * through Dawn. Plain TypeScript; the worker only adds device ownership and comlink.
 */
import { bridgeScenarioProblem } from '../sim/fit/bridgeScenario.ts';
import { identifyDamage } from '../sim/fit/damageIdentification.ts';
import { memberHealthObjective } from '../sim/fit/memberHealthFit.ts';
import { buildFootbridge } from '../twin/footbridge.ts';
import type { BridgeFitRequest, FitOutcome, FitProgress } from './fitProtocol.ts';

const MEMBER_COUNT = buildFootbridge().members.length;

/** Why a request cannot run, in words for the user; null when it can. */
export function checkBridgeRequest(request: BridgeFitRequest): string | null {
  const { member, health, samples, noiseMm, localisationIterations, refineIterations } = request;
  if (!Number.isInteger(member) || member < 0 || member >= MEMBER_COUNT)
    return `member must be one of the bridge's members, 0…${MEMBER_COUNT - 1}; got ${member}`;
  if (!(health >= 0.2 && health <= 1)) return `health must be between 0.2 and 1, got ${health}`;
  if (!Number.isInteger(samples) || samples < 2 || samples > 1000)
    return `the data window must hold 2…1000 samples, got ${samples}`;
  if (!(noiseMm >= 0 && noiseMm <= 1)) return `noise must be 0…1 mm, got ${noiseMm}`;
  if (!(localisationIterations >= 1 && refineIterations >= 1))
    return 'give at least one iteration for each stage';
  return null;
}

export async function runBridgeFit(
  device: GPUDevice,
  adapter: string,
  request: BridgeFitRequest,
  onProgress: (progress: FitProgress) => void,
  signal: AbortSignal,
  now: () => number = () => performance.now(),
): Promise<FitOutcome> {
  const problem = checkBridgeRequest(request);
  if (problem !== null) return { status: 'failed', reason: 'bad_request', message: problem };
  const started = now();
  const fitProblem = bridgeScenarioProblem(request);
  const found = await identifyDamage(device, fitProblem, {
    localisationIterations: request.localisationIterations,
    refineIterations: request.refineIterations,
    signal,
    onProgress: (stage, p) => {
      let suspect = 0;
      for (let i = 1; i < p.parameters.length; i++)
        if (p.parameters[i]! < p.parameters[suspect]!) suspect = i;
      onProgress({
        stage,
        iteration: p.iteration,
        maxIterations:
          stage === 'localise' ? request.localisationIterations : request.refineIterations,
        loss: p.loss,
        gradientNorm: p.gradientNorm,
        elapsedMs: now() - started,
        suspect: stage === 'localise' ? suspect : -1,
        suspectHealth: p.parameters[suspect]!,
      });
    },
  });
  if (signal.aborted) return { status: 'cancelled' };
  // The data misfit at the answer, without the localisation's pull towards intact.
  const { loss } = await memberHealthObjective(device, {
    ...fitProblem,
    members: [found.member],
  })(Float64Array.from([found.health]));
  return {
    status: 'done',
    result: {
      member: found.member,
      health: found.health,
      truth: { member: request.member, health: request.health },
      loss,
      evaluations: found.evaluations,
      elapsedMs: now() - started,
      adapter,
    },
  };
}
