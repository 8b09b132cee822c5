import type { GradientCheck, ModelTestCase } from '../runtime/manifest/testCases.ts';
import { observationSteps } from '../runtime/manifest/observationSteps.ts';
import type { CompiledModel } from '../runtime/compiledModel.ts';
import type { ObservationData } from '../runtime/modelSpec.ts';
import { regularisation } from '../runtime/regularisation.ts';
import type { SimulationArgs } from '../runtime/simulationInputs.ts';
import type { CheckResult } from '../workers/sandboxProtocol.ts';
import { runBatched } from './batchedRun.ts';
import { show } from './caseChecks.ts';
import { LoopTrapError } from './loopTrap.ts';
import type { SandboxDevice } from './sandboxDevice.ts';

/**
 * A gradient check of a test case: dLoss/d(parameter elements) from `model.gradient` (the
 * generated adjoints) against central differences of the same loss, each side a batched forward
 * run whose loss is computed on the CPU as `dataLoss` does. The loss is the fit's — weights,
 * window, regularisation — against data holding the check's targets (0 by default) at the
 * loss's observation steps within the case.
 */
export async function gradientCheck(
  model: CompiledModel,
  sandbox: SandboxDevice,
  testCase: ModelTestCase,
  check: GradientCheck,
  args: Required<SimulationArgs>,
  signal?: AbortSignal,
): Promise<Extract<CheckResult, { kind: 'gradient' }> | 'cancelled'> {
  const { plan } = model;
  const { spec } = plan;
  const p = plan.parameters.find((x) => x.spec.name === check.parameter);
  if (!p) throw new Error(`no parameter named \`${check.parameter}\``);
  const dataSteps = observationSteps({ steps: testCase.steps, loss: spec.loss }).filter(
    (n) => n <= testCase.steps,
  );
  const steps = dataSteps[dataSteps.length - 1]!;
  const compared = spec.observables.filter((o) => o.channel !== undefined);
  const targets = new Map<string, number>();
  for (const o of compared)
    if (!targets.has(o.channel!)) targets.set(o.channel!, check.target[o.name] ?? 0);
  const data: ObservationData = {
    steps: dataSteps,
    channels: Object.fromEntries(
      [...targets].map(([channel, t]) => [channel, new Float64Array(dataSteps.length).fill(t)]),
    ),
  };

  const adjoint = await model.gradient({ ...args, data, steps });
  const trap = await sandbox.takeTrap();
  if (trap) throw new LoopTrapError(trap, steps, sandbox.limits);

  const wanted = new Set(dataSteps);
  const inWindow = (n: number) =>
    !spec.loss.window || (n > spec.loss.window.start && n <= spec.loss.window.end);
  /** The loss at `x`, from a forward run, as `dataLoss` + `regularisation` compute it. */
  const lossAt = async (x: Float64Array): Promise<number | 'cancelled'> => {
    let loss = 0;
    const run = await runBatched(model, sandbox, {
      ...args,
      parameters: x,
      steps,
      every: spec.loss.every,
      ...(signal ? { signal } : {}),
      onSample(step, state) {
        if (!wanted.has(step) || !inWindow(step)) return;
        for (const o of compared) {
          const residual = (o.scale ?? 1) * state[o.buffer]![o.index]! - targets.get(o.channel!)!;
          loss += (spec.loss.weights?.[o.name] ?? 1) * residual * residual;
        }
      },
    });
    return run.cancelled ? 'cancelled' : loss + regularisation(plan, x).loss;
  };

  const range = p.spec.upper - p.spec.lower;
  const adjointValues: number[] = [];
  const finiteDifference: number[] = [];
  for (const e of check.elements) {
    const i = p.offset + e;
    const x0 = args.parameters[i]!;
    const h =
      check.delta ??
      (Number.isFinite(range) && range > 0 ? 1e-3 * range : 1e-3 * Math.max(1, Math.abs(x0)));
    const plus = Float64Array.from(args.parameters);
    const minus = Float64Array.from(args.parameters);
    plus[i] = x0 + h;
    minus[i] = x0 - h;
    const up = await lossAt(plus);
    if (up === 'cancelled') return 'cancelled';
    const down = await lossAt(minus);
    if (down === 'cancelled') return 'cancelled';
    finiteDifference.push((up - down) / (2 * h));
    adjointValues.push(adjoint.parameters[i]!);
  }

  const scale = Math.max(...finiteDifference.map(Math.abs));
  const error = Math.max(...adjointValues.map((a, k) => Math.abs(a - finiteDifference[k]!)));
  const relativeError = scale > 0 ? error / scale : error === 0 ? 0 : Infinity;
  const passed = Number.isFinite(relativeError) && relativeError <= check.relative;
  const elements = p.spec.count === 1 ? '' : `[${check.elements.join(', ')}]`;
  const label = `dLoss/d${check.parameter}${elements}`;
  const pairs = adjointValues
    .map((a, k) => `${show(a)} vs ${show(finiteDifference[k]!)}`)
    .join(', ');
  return {
    kind: 'gradient',
    label,
    passed,
    message: `${label}: adjoint vs finite differences ${pairs}; relative error ${show(relativeError)} ${passed ? '≤' : '>'} ${show(check.relative)}${passed ? '' : ' — try another `delta` (the finite-difference step) first; if they still disagree, the generated adjoint does not match the kernel: report it with the model'}`,
    parameter: check.parameter,
    elements: [...check.elements],
    adjoint: adjointValues,
    finiteDifference,
    relativeError,
    tolerance: check.relative,
  };
}
