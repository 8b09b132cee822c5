/**
 * Runs bridge fits on an injected device: the code behind the fit worker, testable in Node
 * through Dawn. Plain TypeScript; the worker only adds device ownership and comlink.
 */
import { bridgeScenarioProblem } from '../sim/fit/bridgeScenario.ts';
import { identifyDamage, type DamageResume } from '../sim/fit/damageIdentification.ts';
import { memberHealthObjective } from '../sim/fit/memberHealthFit.ts';
import { buildFootbridge } from '../twin/footbridge.ts';
import type { BridgeFitRequest, FitOutcome, FitProgress, FitResumePoint } from './fitProtocol.ts';

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
  return request.resume ? checkResume(request.resume) : null;
}

/** A resume point a bridge fit can start from, or why not. */
function checkResume(resume: FitResumePoint): string | null {
  if (resume.stage === 'fit') return 'a bridge fit resumes from stage "localise" or "refine"';
  if (!Number.isInteger(resume.iteration) || resume.iteration < 0)
    return `the resume point's iteration must be a whole number ≥ 0, got ${resume.iteration}`;
  const expected = resume.stage === 'localise' ? MEMBER_COUNT : 1;
  if (
    resume.parameters.length !== expected ||
    !resume.parameters.every((h) => Number.isFinite(h) && h >= 0.2 && h <= 1.2)
  )
    return `the resume point must hold ${expected} member health value(s) in 0.2…1.2`;
  if (
    resume.stage === 'refine' &&
    !(Number.isInteger(resume.member) && resume.member! >= 0 && resume.member! < MEMBER_COUNT)
  )
    return `the resume point must name the refined member, 0…${MEMBER_COUNT - 1}`;
  return null;
}

function damageResume(resume: FitResumePoint): DamageResume {
  return resume.stage === 'refine'
    ? {
        stage: 'refine',
        iteration: resume.iteration,
        member: resume.member!,
        health: resume.parameters[0]!,
      }
    : {
        stage: 'localise',
        iteration: resume.iteration,
        health: Float64Array.from(resume.parameters),
      };
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
    ...(request.resume ? { resume: damageResume(request.resume) } : {}),
    onProgress: (stage, p, refined) => {
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
        resume: {
          stage,
          iteration: p.iteration,
          parameters: Array.from(p.parameters),
          ...(stage === 'refine' ? { member: refined } : {}),
        },
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
