/**
 * A loop guard's trap, from the trap record to a message about the model's own kernel. The
 * runtime sends the GPU the author's kernels as written (forward passes without `+=` into
 * buffers), with atomic accumulation edits (which keep loop headers), and generated adjoints
 * (which copy the forward's loop headers): a trapped loop is found in its kernel by its header.
 */
import type { ModelSpec } from '../runtime/modelSpec.ts';
import { scanLoops, type LoopKind, type LoopSite, type TrapReason } from './loopGuard.ts';
import { SandboxError } from './sandboxError.ts';
import type { SandboxLimits } from './sandboxLimits.ts';

/** The limits a trap's message names. */
export type TrapLimits = Pick<SandboxLimits, 'maxLoopIterations' | 'maxDispatchIterations'>;

/** A guarded loop and the shader module it is in. */
export interface GuardedSite extends LoopSite {
  /** The module's label; the runtime's name the dispatch and pass: `… dispatch 0 (heat.step) forward`. */
  readonly module: string;
  /** The WGSL as given to `createShaderModule`; `line` and `column` are in it. */
  readonly source: string;
}

/** What the loop guards recorded since the trap was last taken. */
export interface LoopTrap {
  /** The loop that ran out first; null if the record names no known site. */
  readonly site: GuardedSite | null;
  /**
   * What ran out first: its invocation's iterations (`maxLoopIterations`), or its dispatch's
   * (`maxDispatchIterations`, all invocations together).
   */
  readonly reason: TrapReason;
  /** Invocations that found a limit run out (others stopped because one had). */
  readonly invocations: number;
}

/** A trap as the page shows it: plain data. */
export interface TrapReport {
  /** The model's kernel the loop is in (null when it is not one of them, e.g. the loss seed). */
  readonly kernel: string | null;
  readonly file: string | null;
  /**
   * `kernel`: `line` and `column` are in `file` (the loop as written, or the one a generated
   * pass copied). `generated`: they are in the WGSL Twinbench generated (`module`).
   */
  readonly where: 'kernel' | 'generated';
  readonly line: number;
  readonly column: number;
  readonly loop: LoopKind | null;
  /** `iterations`: the loop's invocation ran out; `dispatch_budget`: its dispatch's total work. */
  readonly reason: TrapReason;
  /** The limit that ran out: `maxLoopIterations` or `maxDispatchIterations`. */
  readonly limit: number;
  /** The loop's header, tokens joined by spaces. */
  readonly header: string;
  /** The shader module: which dispatch and which pass (forward, adjoint). */
  readonly module: string;
  readonly invocations: number;
  /** The step count the run had reached when the trap was found. */
  readonly step: number;
}

/** Thrown between batches when a loop guard has trapped; the run stops there. */
export class LoopTrapError extends SandboxError {
  constructor(
    readonly trap: LoopTrap,
    readonly step: number,
    limits: TrapLimits,
  ) {
    const site = trap.site;
    const where = site ? `${site.module}:${site.line}:${site.column}: ` : '';
    super(
      'loop_trap',
      trap.reason === 'dispatch_budget'
        ? `${where}${site ? `a ${site.kind} loop` : 'a loop'} was running when its dispatch went past ${limits.maxDispatchIterations} loop iterations (all invocations together); the loop guards stopped the dispatch`
        : `${where}${site ? `a ${site.kind} loop` : 'a loop'} ran past ${limits.maxLoopIterations} iterations in one invocation; its loop guard broke out of it`,
    );
  }
}

/**
 * Where in `spec`'s kernels a trapped loop is, and a message naming the kernel, file and line
 * with what to do.
 */
export function describeTrap(
  error: LoopTrapError,
  spec: ModelSpec,
  limits: TrapLimits,
): { readonly report: TrapReport; readonly message: string } {
  const { trap, step } = error;
  const site = trap.site;
  const budget = trap.reason === 'dispatch_budget';
  const base = {
    reason: trap.reason,
    limit: budget ? limits.maxDispatchIterations : limits.maxLoopIterations,
    invocations: trap.invocations,
    step,
    module: site?.module ?? 'unknown module',
    loop: site?.kind ?? null,
    header: site?.header ?? '',
  };
  const verbatim = site && spec.kernels.find((k) => k.source === site.source);
  const named = site?.module.match(/\(([A-Za-z_][A-Za-z0-9_]*)\.[A-Za-z_][A-Za-z0-9_]*\)/)?.[1];
  const kernel = verbatim ?? spec.kernels.find((k) => k.name === named);
  const copied =
    !verbatim && kernel && site
      ? safeLoops(kernel.source).find((loop) => loop.header === site.header)
      : undefined;
  const report: TrapReport = {
    ...base,
    kernel: kernel?.name ?? null,
    file: kernel?.file ?? null,
    where: verbatim || copied ? 'kernel' : 'generated',
    line: copied?.line ?? site?.line ?? 0,
    column: copied?.column ?? site?.column ?? 0,
  };
  const loop = `${report.loop ?? 'a'} loop`;
  const place =
    report.where === 'kernel'
      ? `${report.file}:${report.line}:${report.column}: the ${loop} of kernel ${report.kernel}${verbatim ? '' : ` (as run by ${report.module})`}`
      : `${report.module}, line ${report.line} of the WGSL Twinbench generated${report.kernel ? ` for kernel ${report.kernel} (${report.file})` : ''}: a ${loop}`;
  const after = `(after ${step} step${step === 1 ? '' : 's'})`;
  const ends = `make sure it ends: its condition must turn false (\`${report.header}\`)`;
  if (budget) {
    const fix =
      report.where === 'kernel'
        ? `${ends}; if it is meant to run that long, reduce the dispatch's work (fewer iterations per invocation, or fewer invocations) or raise limits.maxDispatchIterations`
        : 'report this as a Twinbench bug, with the model, or raise limits.maxDispatchIterations';
    return {
      report,
      message: `${place} was running when the dispatch ${report.module} ran out of work: its invocations together went past ${report.limit} loop iterations in one dispatch ${after}, so the sandbox's loop guards stopped the dispatch and the case — ${fix}`,
    };
  }
  const fix = report.where === 'kernel' ? ends : 'report this as a Twinbench bug, with the model';
  return {
    report,
    message: `${place} ran past ${report.limit} iterations in one invocation ${after}, so the sandbox's loop guard broke out of it and stopped the case — ${fix}, or raise limits.maxLoopIterations if it is meant to run that long`,
  };
}

function safeLoops(source: string) {
  try {
    return scanLoops(source).loops;
  } catch {
    return [];
  }
}
