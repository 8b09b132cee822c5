/**
 * Runs a model's test cases on an injected device through the sandbox: caps, loop guards,
 * bounded batches and cancellation between them. The code behind the sandbox worker, testable in
 * Node through Dawn; the worker adds device ownership and comlink, the host the watchdog.
 */
import { formatPath } from '../runtime/manifest/manifestError.ts';
import { checkTestCases } from '../runtime/manifest/testCaseChecks.ts';
import type { ModelTestCase } from '../runtime/manifest/testCases.ts';
import { compileModel, type CompiledModel } from '../runtime/compiledModel.ts';
import { ModelError } from '../runtime/modelError.ts';
import { planModel, type ModelPlan } from '../runtime/modelPlan.ts';
import type { ModelSpec } from '../runtime/modelSpec.ts';
import type {
  CaseFailure,
  CaseResult,
  CheckResult,
  SandboxProgress,
  SandboxRunOutcome,
  SandboxRunRequest,
} from '../workers/sandboxProtocol.ts';
import { runBatched } from './batchedRun.ts';
import { caseArgs } from './caseArgs.ts';
import { createCaseEvaluator, type CaseEvaluator } from './caseChecks.ts';
import { gradientCheck } from './gradientCheck.ts';
import { describeTrap, LoopTrapError } from './loopTrap.ts';
import { createSandboxDevice, type SandboxDevice } from './sandboxDevice.ts';
import { SandboxError } from './sandboxError.ts';
import { sandboxLimits, type SandboxLimits } from './sandboxLimits.ts';

export interface ModelTestHooks {
  /** Aborting stops the run at its next batch boundary; the outcome is `cancelled`. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: SandboxProgress) => void;
  readonly now?: () => number;
  /** Guard loops (default true); off only to compare results with and without the guards. */
  readonly guardLoops?: boolean;
}

/**
 * Runs `request`'s test cases on `device` (which the caller owns) and reports each case's
 * checks, the observables at every sample and timings. Never throws for a bad model or case:
 * the outcome says what failed and where.
 *
 * @example
 * const { spec, tests } = await loadManifestFileWithTests('src/examples/pidPlant/model.yaml');
 * const outcome = await runModelTests(device, adapter, { spec, tests });
 * if (outcome.status === 'done') console.info(`${outcome.passed} passed, ${outcome.failed} failed`);
 */
export async function runModelTests(
  device: GPUDevice,
  adapter: string,
  request: SandboxRunRequest,
  hooks: ModelTestHooks = {},
): Promise<SandboxRunOutcome> {
  const now = hooks.now ?? (() => performance.now());
  const started = now();
  const { spec } = request;
  const cases: CaseResult[] = [];
  const failed = (
    reason: Extract<SandboxRunOutcome, { status: 'failed' }>['reason'],
    message: string,
  ): SandboxRunOutcome => ({ status: 'failed', reason, message, cases });

  const problem = requestProblem(request);
  if (problem !== null) return failed('bad_request', problem);
  let limits: SandboxLimits;
  try {
    limits = sandboxLimits(request.limits);
  } catch (error) {
    return failed('bad_request', (error as Error).message);
  }
  let plan: ModelPlan;
  try {
    plan = planModel(spec);
  } catch (error) {
    if (error instanceof ModelError) return failed('model', error.message);
    throw error;
  }
  const selected = request.only
    ? request.tests.filter((t) => request.only!.includes(t.name))
    : request.tests;

  const sandbox = createSandboxDevice(device, {
    limits,
    ...(hooks.guardLoops !== undefined && { guardLoops: hooks.guardLoops }),
  });
  let model: CompiledModel | undefined;
  try {
    try {
      model = await compileModel(sandbox.device, plan);
    } catch (error) {
      if (error instanceof ModelError) return failed('model', error.message);
      if (error instanceof SandboxError) return failed('limit', error.message);
      throw error;
    }
    const compileMs = now() - started;
    hooks.onProgress?.({
      type: 'compiled',
      adapter,
      compileMs,
      cases: selected.map((t) => t.name),
    });
    for (const [index, testCase] of selected.entries()) {
      if (hooks.signal?.aborted) return { status: 'cancelled', cases };
      hooks.onProgress?.({ type: 'case', case: testCase.name, index });
      sandbox.startRun();
      const result = await runCase(model, sandbox, testCase, hooks, now);
      cases.push(result);
      hooks.onProgress?.({ type: 'result', result });
      if (result.status === 'cancelled') return { status: 'cancelled', cases };
    }
    const passed = cases.filter((c) => c.status === 'passed').length;
    return {
      status: 'done',
      adapter,
      cases,
      passed,
      failed: cases.length - passed,
      timing: { compileMs, totalMs: now() - started },
    };
  } finally {
    model?.destroy();
    sandbox.destroy();
  }
}

/** Why the request cannot run, or null: cases that do not fit the model, unknown names. */
function requestProblem(request: SandboxRunRequest): string | null {
  const issues = checkTestCases(request.spec, request.tests);
  if (issues.length > 0)
    return `the test cases do not fit model "${request.spec.name}":\n${issues
      .map((issue) => `  ${formatPath(issue.path)}: ${issue.message}`)
      .join('\n')}`;
  const names = new Set(request.tests.map((t) => t.name));
  const unknown = (request.only ?? []).filter((name) => !names.has(name));
  if (unknown.length > 0)
    return `no test case named ${unknown.map((n) => `"${n}"`).join(', ')} (the model has ${[...names].map((n) => `"${n}"`).join(', ') || 'none'})`;
  return null;
}

async function runCase(
  model: CompiledModel,
  sandbox: SandboxDevice,
  testCase: ModelTestCase,
  hooks: ModelTestHooks,
  now: () => number,
): Promise<CaseResult> {
  const started = now();
  const spec = model.plan.spec;
  let runMs = 0;
  let gradientMs = 0;
  let stepsRun = 0;
  let evaluator: CaseEvaluator | undefined;
  const result = (
    status: CaseResult['status'],
    checks: readonly CheckResult[],
    failure?: CaseFailure,
  ): CaseResult => ({
    name: testCase.name,
    status,
    steps: stepsRun,
    checks,
    ...(failure && { failure }),
    series: evaluator?.series() ?? { steps: [], observables: {} },
    timing: { runMs, gradientMs, totalMs: now() - started },
  });

  let args;
  try {
    evaluator = createCaseEvaluator(spec, testCase);
    args = caseArgs(model.plan, testCase);
  } catch (error) {
    return result('error', [], {
      reason: 'bad_case',
      message: `test case "${testCase.name}": ${(error as Error).message}`,
    });
  }
  const checks: CheckResult[] = [];
  const runStarted = now();
  try {
    const run = await runBatched(model, sandbox, {
      ...args,
      steps: testCase.steps,
      every: testCase.every,
      ...(hooks.signal ? { signal: hooks.signal } : {}),
      onSample: (step, state) => evaluator.sample(step, state),
      onBatch: (step) =>
        hooks.onProgress?.({ type: 'batch', case: testCase.name, step, steps: testCase.steps }),
    });
    stepsRun = run.steps;
    runMs = now() - runStarted;
    if (run.cancelled) return result('cancelled', []);
    checks.push(...evaluator.results(stepsRun));
    const gradientsStarted = now();
    for (const check of testCase.gradients) {
      const outcome = await gradientCheck(model, sandbox, testCase, check, args, hooks.signal);
      gradientMs = now() - gradientsStarted;
      if (outcome === 'cancelled') return result('cancelled', checks);
      checks.push(outcome);
    }
  } catch (error) {
    if (runMs === 0) runMs = now() - runStarted;
    if (error instanceof LoopTrapError && stepsRun === 0) stepsRun = error.step;
    return result('failed', checks, failure(error, spec, sandbox.limits, testCase));
  }
  return result(checks.every((c) => c.passed) ? 'passed' : 'failed', checks);
}

function failure(
  error: unknown,
  spec: ModelSpec,
  limits: SandboxLimits,
  testCase: ModelTestCase,
): CaseFailure {
  if (error instanceof LoopTrapError) {
    const { report, message } = describeTrap(error, spec, limits);
    return { reason: 'loop_trap', message, trap: report };
  }
  const where = `test case "${testCase.name}"`;
  if (error instanceof SandboxError)
    return { reason: 'limit', message: `${where}: ${error.message}` };
  if (error instanceof ModelError)
    return { reason: 'model', message: `${where}: ${error.message}` };
  return {
    reason: 'error',
    message: `${where}: ${error instanceof Error ? error.message : String(error)}`,
  };
}
